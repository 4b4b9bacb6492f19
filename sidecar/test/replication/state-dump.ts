import type { Redis } from 'ioredis';

/** One key's logical content as a client sees it, whatever its type. */
export interface DumpedKey {
  readonly type: string;
  /** string: the value; list: elements in order; set: sorted members; hash: sorted [field, value]; zset: [member, score] by rank. */
  readonly value: string | string[] | [string, string][];
  /** PEXPIRETIME: absolute expiry in ms, -1 without one. */
  readonly expireAt: number;
}

export type StateDump = Map<string, DumpedKey>;

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

async function readValue(client: Redis, key: string, type: string): Promise<DumpedKey['value']> {
  switch (type) {
    case 'string': return (await client.get(key)) ?? '';
    case 'list': return client.lrange(key, 0, -1);
    case 'set': return (await client.smembers(key)).sort();
    case 'hash': return Object.entries(await client.hgetall(key)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    case 'zset': return pairs(await client.zrange(key, '0', '-1', 'WITHSCORES'));
    default: throw new Error(`dump: key ${key} has unexpected type ${type}`);
  }
}

/**
 * The full logical state of a replica read over RESP: every key with its type, complete
 * value and absolute expiry. Replicas have converged when their dumps are equal (this
 * checks what clients read, not only what `CRDT.DIGEST` hashes).
 */
export async function dumpState(client: Redis): Promise<StateDump> {
  const dump: StateDump = new Map();
  for (const key of (await client.keys('*')).sort()) {
    const type = await client.type(key);
    if (type === 'none') continue; // expired between KEYS and TYPE
    const value = await readValue(client, key, type);
    const expireAt = Number(await client.call('pexpiretime', key));
    dump.set(key, { type, value, expireAt });
  }
  return dump;
}

/** The first key whose content differs between two dumps, described for a failure message. */
export function firstDifference(a: StateDump, b: StateDump): string | undefined {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const key of keys) {
    const x = JSON.stringify(a.get(key) ?? null);
    const y = JSON.stringify(b.get(key) ?? null);
    if (x !== y) return `${key}: ${x} vs ${y}`;
  }
  return undefined;
}
