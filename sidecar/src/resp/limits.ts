/** Request size limits, with Redis 7.0's defaults and names. */
export interface RequestLimits {
  /** `proto-max-bulk-len` (default 512 MB): a larger `$len` is "invalid bulk length". */
  readonly maxBulkLen: number;
  /** Multibulk count limit. Redis 7.0 allows up to INT_MAX (6.x had 1024*1024). */
  readonly maxMultibulkLen: number;
  /** PROTO_INLINE_MAX_SIZE (64 KB): longest inline line / count line without a newline. */
  readonly maxInlineSize: number;
  /** `client-query-buffer-limit` (default 1 GB): buffered request bytes before the client is closed. */
  readonly maxQueryBuffer: number;
  /** Redis's limits for clients that must AUTH first (CVE-2021-32675): 10 args, 16 KB per bulk. */
  readonly unauthMultibulkLen: number;
  readonly unauthBulkLen: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxBulkLen: 512 * 1024 * 1024,
  maxMultibulkLen: 2147483647,
  maxInlineSize: 64 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
  unauthMultibulkLen: 10,
  unauthBulkLen: 16384,
};
