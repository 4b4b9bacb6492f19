import type { DumpedKey, StateDump } from './state-dump.js';

/** Where a value lives: a whole key, or one element (list element, set member, hash field, sorted-set member) of a key. */
export interface Place {
  readonly kind: 'key' | 'list' | 'set' | 'hash' | 'zset';
  readonly key: string;
  readonly element?: string;
}

interface CounterEntry {
  readonly place: Place;
  acked: number;
  /** Increments whose reply never came (connection lost, replica killed): each may or may not have happened. */
  uncertain: number;
}

function name(place: Place): string {
  return place.element === undefined ? `${place.kind} ${place.key}` : `${place.kind} ${place.key} [${place.element}]`;
}

/**
 * What the workload was told: acknowledged increments, adds and removes. After healing,
 * every replica's dump must satisfy it: each counter is at least the acknowledged sum and at
 * most that plus the uncertain increments (counted exactly once), every acknowledged add not
 * removed since is present (per-writer order kept in lists), and nothing acknowledged as
 * removed came back.
 */
export class Ledger {
  private readonly counters = new Map<string, CounterEntry>();
  private readonly present = new Map<string, Place>();
  private readonly absent = new Map<string, Place>();
  /** Keys that were given a long TTL: still there, still expiring. */
  private readonly expiring = new Set<string>();
  /** Per list key, per writer: the acknowledged RPUSHed elements in acknowledgement order. */
  private readonly listOrder = new Map<string, Map<string, string[]>>();
  /** Error replies to operations that must not fail: bugs. */
  readonly unexpected: string[] = [];
  acknowledged = 0;

  increment(place: Place, by: number, outcome: 'acked' | 'uncertain'): void {
    const id = name(place);
    const entry = this.counters.get(id) ?? { place, acked: 0, uncertain: 0 };
    this.counters.set(id, entry);
    if (outcome === 'acked') entry.acked += by;
    else entry.uncertain += by;
  }

  added(place: Place, writer?: string): void {
    this.present.set(name(place), place);
    if (place.kind === 'list' && writer !== undefined && place.element !== undefined) {
      const writers = this.listOrder.get(place.key) ?? new Map<string, string[]>();
      this.listOrder.set(place.key, writers);
      writers.set(writer, [...(writers.get(writer) ?? []), place.element]);
    }
  }

  removed(place: Place): void {
    this.present.delete(name(place));
    this.absent.set(name(place), place);
  }

  /** A remove whose reply never came: the element may or may not be there. */
  unknown(place: Place): void {
    this.present.delete(name(place));
  }

  expires(key: string): void {
    this.expiring.add(key);
  }

  /** Every violation of the ledger in `dump` (empty when it holds). */
  violations(dump: StateDump, now: number): string[] {
    const out: string[] = [];
    for (const { place, acked, uncertain } of this.counters.values()) {
      const value = Number(read(dump, place) ?? '0');
      if (!(value >= acked - 1e-9 && value <= acked + uncertain + 1e-9)) out.push(`${name(place)} = ${value}, acknowledged ${acked}, uncertain ${uncertain}`);
    }
    for (const place of this.present.values()) if (read(dump, place) === undefined) out.push(`lost acknowledged add: ${name(place)}`);
    for (const place of this.absent.values()) if (read(dump, place) !== undefined) out.push(`resurrected: ${name(place)}`);
    for (const key of this.expiring) {
      const expireAt = dump.get(key)?.expireAt ?? -1;
      if (expireAt <= now) out.push(`key ${key} lost its TTL or the key (expireAt ${expireAt})`);
    }
    for (const [key, writers] of this.listOrder) out.push(...orderViolations(key, dump.get(key), writers, (element) => this.present.has(name({ kind: 'list', key, element }))));
    return out;
  }
}

/** The element's value (or the key's) in the dump; undefined when it is not there. */
function read(dump: StateDump, place: Place): string | undefined {
  const entry = dump.get(place.key);
  if (entry === undefined) return undefined;
  if (place.kind === 'key') return typeof entry.value === 'string' ? entry.value : entry.type;
  if (entry.type !== place.kind) return undefined;
  if (place.element === undefined) return typeof entry.value === 'string' ? entry.value : entry.type;
  if (place.kind === 'list' || place.kind === 'set') return (entry.value as string[]).includes(place.element) ? place.element : undefined;
  return (entry.value as [string, string][]).find(([field]) => field === place.element)?.[1];
}

/** RGA keeps each writer's order: its acknowledged, not removed elements appear in the order it pushed them. */
function orderViolations(key: string, entry: DumpedKey | undefined, writers: Map<string, string[]>, kept: (element: string) => boolean): string[] {
  const list = entry?.type === 'list' ? (entry.value as string[]) : [];
  const out: string[] = [];
  for (const [writer, pushed] of writers) {
    const expected = pushed.filter(kept);
    const mine = new Set(expected);
    const seen = list.filter((element) => mine.has(element));
    if (JSON.stringify(seen) !== JSON.stringify(expected)) out.push(`list ${key}: ${writer}'s elements ${JSON.stringify(seen)}, pushed in order ${JSON.stringify(expected)}`);
  }
  return out;
}
