/** HTTP status of an API error from @kubernetes/client-node (ApiException.code), if any. */
export function statusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusCode(err) === 404;
export const isConflict = (err: unknown): boolean => statusCode(err) === 409;

/** A short, loggable description of an API error. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = statusCode(err);
    const body = (err as { body?: unknown }).body;
    const message = typeof body === 'string' && body.length < 500 ? body : err.message.split('\n')[0] ?? err.message;
    return code === undefined ? message : `HTTP ${code}: ${message}`;
  }
  return String(err);
}
