/**
 * What COMMAND DOCS says of a command, in Redis 7.0's reply order (server.c
 * addReplyCommandDocs, addReplyCommandArgList). The data is Redis's own
 * (command-docs-redis.ts, generated); the command table's summary, since and group
 * serve commands Redis 7.0 does not have.
 */
export interface RedisDocFields {
  readonly summary: string;
  readonly since: string;
  readonly group: string;
  readonly complexity?: string;
  readonly doc_flags?: readonly string[];
  readonly deprecated_since?: string;
  readonly replaced_by?: string;
  /** [version, what changed] pairs. */
  readonly history?: readonly (readonly string[])[];
  readonly arguments?: readonly RedisDocArgument[];
}

export interface RedisDocArgument {
  readonly name: string;
  readonly type: string;
  readonly key_spec_index?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecated_since?: string;
  readonly flags?: readonly string[];
  readonly value?: string;
  readonly arguments?: readonly RedisDocArgument[];
}
