/**
 * The logging surface the op log needs. The sidecar passes its winston logger (which has
 * this shape); tests pass a recorder. Keeping it an interface keeps `oplog/` free of
 * dependencies on the rest of the sidecar.
 */
export interface OpLogLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Discards everything; the default when no logger is given. */
export const silentLogger: OpLogLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
