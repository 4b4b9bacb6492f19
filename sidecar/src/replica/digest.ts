import { createHash } from 'node:crypto';
import { hashEntries } from '../crdt/hash.js';
import { setMembers } from '../crdt/or-set.js';
import { listValues } from '../crdt/rga.js';
import { zsetItems } from '../crdt/sorted-set-range.js';
import { stringValue } from '../crdt/string-register.js';
import { expiresAt } from '../crdt/ttl-register.js';
import type { ReplicaEngine } from './engine.js';
import { visibleState, type KeyRecord } from '../store/key-record.js';
import type { TypedState } from '../store/typed-state.js';

/** Length-prefixed concatenation, so ['ab','c'] and ['a','bc'] hash differently. */
function framed(parts: readonly (Buffer | string)[]): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    out.push(length, bytes);
  }
  return Buffer.concat(out);
}

const byBytes = (a: Buffer, b: Buffer): number => Buffer.compare(a, b);

/**
 * The logical value of a state, as bytes (what a client can observe, not CRDT
 * metadata), in a canonical order: lists in list order, sets and hashes sorted,
 * sorted sets in (score, member) order with scores printed exactly.
 */
function logicalValue(state: TypedState): Buffer {
  switch (state.kind) {
    case 'string':
      return stringValue(state) ?? Buffer.alloc(0);
    case 'list':
      return framed(listValues(state));
    case 'set':
      return framed(setMembers(state).sort(byBytes));
    case 'hash':
      return framed([...hashEntries(state)].sort((a, b) => byBytes(a[0], b[0])).flat());
    case 'zset':
      return framed(zsetItems(state).flatMap((item) => [item.member, String(item.score)]));
  }
}

const HASH_BYTES = 16;

/** 128-bit hash of one key's logical state: type, value and absolute expiry. */
export function keyHash(key: string, record: KeyRecord): Buffer | undefined {
  const state = visibleState(record);
  if (state === undefined) return undefined;
  const hash = createHash('sha256');
  hash.update(Buffer.from(key, 'latin1'));
  hash.update('\0');
  hash.update(state.kind);
  hash.update('\0');
  hash.update(logicalValue(state));
  hash.update('\0');
  hash.update(String(expiresAt(record.ttl) ?? 'none'));
  return hash.digest().subarray(0, HASH_BYTES);
}

/**
 * CRDT.DIGEST (DESIGN.md §4): the XOR of per-key hashes, so the result depends on the
 * state only, never on the order in which operations arrived. Kept incrementally once
 * first asked for: the engine reports changed keys; only those are rehashed next time.
 * Expired-but-not-yet-deleted keys still count (by their absolute expiry), so replicas
 * agree without agreeing on the current time.
 */
export class StateDigest {
  private readonly hashes = new Map<string, Buffer>();
  private readonly dirty = new Set<string>();
  private readonly acc = Buffer.alloc(HASH_BYTES);
  /**
   * Changed keys are tracked only once a digest was asked for: until then the first
   * digest hashes every key (a replica nobody asks pays nothing per write).
   */
  private tracking = false;

  constructor(private readonly engine: ReplicaEngine) {
    engine.onKeyChange((key) => {
      if (this.tracking) this.dirty.add(key);
    });
  }

  /** Marks every key for rehashing (after a full-state install replaced the keyspace). */
  reset(): void {
    if (this.tracking) this.markAll();
  }

  private markAll(): void {
    for (const key of this.hashes.keys()) this.dirty.add(key);
    for (const key of this.engine.keyspace.keys()) this.dirty.add(key);
  }

  digest(): string {
    if (!this.tracking) {
      this.tracking = true;
      this.markAll();
    }
    for (const key of this.dirty) {
      const old = this.hashes.get(key);
      if (old !== undefined) xorInto(this.acc, old);
      const record = this.engine.keyspace.record(key);
      const next = record === undefined ? undefined : keyHash(key, record);
      if (next === undefined) this.hashes.delete(key);
      else {
        this.hashes.set(key, next);
        xorInto(this.acc, next);
      }
    }
    this.dirty.clear();
    return this.acc.toString('hex');
  }
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) ^ (other[i] ?? 0);
}
