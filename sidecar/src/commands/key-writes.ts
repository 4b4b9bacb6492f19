import { observedTotals } from '../crdt/string-register.js';
import { expiresAt, PERSIST_AT, type TtlEntry } from '../crdt/ttl-register.js';
import { stateOfKind } from '../store/key-record.js';
import { isStateEmpty, type TypedState } from '../store/typed-state.js';
import type { ExecContext } from './exec-context.js';

/** What a string write does to the key's TTL: keep it, clear it, or set an absolute expiry (ms). */
export type TtlChange = 'keep' | 'clear' | number;

/** Observed-remove of the whole key (DEL, UNLINK, GETDEL, overwrite of another type). */
export function deleteKey(ctx: ExecContext, key: string): void {
  const engine = ctx.server.engine;
  engine.emit(key, engine.deleteEffect(key));
}

/**
 * Writes a whole new string value. Over a key of another type this first removes what
 * this replica observed of it, as Redis's SET overwrites any type.
 */
export function writeString(ctx: ExecContext, key: string, value: Buffer, ttl: TtlChange): void {
  const { engine, keyspace } = ctx.server;
  let record = keyspace.record(key);
  let keptExpiry: number | undefined;
  // An emptied state of another type (kept for its stamp, key-record.ts) holds nothing to remove.
  if (record !== undefined && record.states.some(holdsOtherType)) {
    keptExpiry = ttl === 'keep' ? expiresAt(record.ttl) : undefined;
    deleteKey(ctx, key);
    record = keyspace.record(key);
  }
  const observed = observedTotals(record === undefined ? undefined : stateOfKind(record, 'string'));
  engine.emit(key, { type: 'str.set', value, observed });
  if (typeof ttl === 'number') {
    engine.emit(key, { type: 'key.expire', at: ttl });
  } else if (ttl === 'keep') {
    if (keptExpiry !== undefined) engine.emit(key, { type: 'key.expire', at: keptExpiry });
  } else if (record !== undefined && record.ttl.length > 0 && record.ttl.some(isFiniteTtl)) {
    // Clearing a TTL the writer saw is a PERSIST write, so it beats a concurrent EXPIRE.
    engine.emit(key, { type: 'key.expire', at: PERSIST_AT });
  }
}

// Module-level predicates: SET's hot path allocates no closure for them.
function holdsOtherType(state: TypedState): boolean {
  return state.kind !== 'string' && !isStateEmpty(state);
}

function isFiniteTtl(entry: TtlEntry): boolean {
  return entry.at !== PERSIST_AT;
}
