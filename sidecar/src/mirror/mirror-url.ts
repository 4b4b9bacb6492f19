/** Where the local Redis mirror lives, parsed from `--mirror redis://[:password@]host:port[/db]`. */
export interface MirrorTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  readonly tls: boolean;
  /** The URL with any password masked, for logs and CRDT.MIRROR STATUS. */
  readonly display: string;
}

/** Parses a redis:// or rediss:// URL; throws with the reason when it is not one. */
export function parseMirrorUrl(text: string): MirrorTarget {
  const url = new URL(text);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--mirror must be a redis:// or rediss:// URL, got '${text}'`);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new Error(`--mirror database must be a non-negative integer, got '${dbText}'`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const masked = new URL(text);
  if (masked.password !== '') masked.password = '***';
  return { host, port, username, password, db, tls: url.protocol === 'rediss:', display: masked.toString() };
}
