import {
  finish, newReader, newWriter, readDot, readLatin1, readStamp, readUint53, readVersionOf, replicasOfDots, ReplicaTable,
  writeDot, writeDots, writeLatin1, writeStamp, writeUint53, writeVersion, type Reader, type Writer,
} from './or-set-codec.js';
import type { DotSet } from './or-set-dots.js';
import type { Dot } from './stamp.js';
import { treeInsert } from './sorted-set-index.js';
import { scoreValue, writesToArray, type ScoreCounters, type ScoreTotal, type ScoreTotals, type ScoreWrite, type ScoreWrites } from './sorted-set-score.js';
import { createZset, type ZEntry, type ZsetState } from './sorted-set.js';

/**
 * Snapshot codec of a sorted set (layout as in or-set-codec.ts): entries in member
 * order with their dots, base writes, increment totals, delete floor and exact-result
 * cache. Visible scores are not stored: they are recomputed on decode, and the order
 * tree is rebuilt from them, so a snapshot cannot disagree with its own metadata.
 */
const ZSET_KIND = 3;
/**
 * The same layout with an epoch in every increment total: written only when some total
 * has a non-zero epoch, so a state without epochs encodes as before.
 */
const ZSET_WITH_EPOCHS_KIND = 4;

function writeTotals(writer: Writer, table: ReplicaTable, totals: ScoreTotals, withEpochs: boolean): void {
  const origins = [...totals.keys()].sort();
  writer.uint32(origins.length);
  for (const origin of origins) {
    const total = totals.get(origin) as ScoreTotal;
    writer.uint32(table.indexOf(origin));
    writeUint53(writer, total.count);
    if (withEpochs) writeUint53(writer, total.epoch);
    writer.double(total.sum);
  }
}

function readTotals(reader: Reader, table: ReplicaTable, withEpochs: boolean): ScoreTotals {
  const totals = new Map<string, ScoreTotal>();
  for (let n = reader.uint32(); n > 0; n--) {
    const origin = table.idAt(reader.uint32());
    const count = readUint53(reader);
    const epoch = withEpochs ? readUint53(reader) : 0;
    totals.set(origin, { epoch, count, sum: reader.double() });
  }
  return totals;
}

function hasEpochs(entry: ZEntry): boolean {
  const lists = writesToArray(entry.writes).map((w) => w.observed);
  if (entry.counters !== null) lists.push(entry.counters.totals, entry.counters.floor);
  return lists.some((list) => [...list.values()].some((t) => t.epoch !== 0));
}

function writeEntry(writer: Writer, table: ReplicaTable, entry: ZEntry, withEpochs: boolean): void {
  writeLatin1(writer, entry.member);
  if (entry.dots === null) writer.uint32(0);
  else writeDots(writer, table, entry.dots);
  const writes = [...writesToArray(entry.writes)].sort((a, b) => (a.dot.replica === b.dot.replica ? a.dot.seq - b.dot.seq : a.dot.replica < b.dot.replica ? -1 : 1));
  writer.uint32(writes.length);
  for (const w of writes) {
    writer.double(w.score).double(w.hlc);
    writeDot(writer, table, w.dot);
    writeTotals(writer, table, w.observed, withEpochs);
  }
  writer.bool(entry.counters !== null);
  if (entry.counters === null) return;
  writeTotals(writer, table, entry.counters.totals, withEpochs);
  writeTotals(writer, table, entry.counters.floor, withEpochs);
  const cache = entry.counters.cache;
  writer.bool(cache !== null);
  if (cache !== null) writer.double(cache.score).string(cache.basis);
}

function readMaybeDots(reader: Reader, table: ReplicaTable): DotSet | null {
  const dots: Dot[] = [];
  for (let n = reader.uint32(); n > 0; n--) dots.push(readDot(reader, table));
  if (dots.length === 0) return null;
  return dots.length === 1 ? (dots[0] as Dot) : dots;
}

function readWrites(reader: Reader, table: ReplicaTable, withEpochs: boolean): ScoreWrites | null {
  const writes: ScoreWrite[] = [];
  for (let n = reader.uint32(); n > 0; n--) {
    const score = reader.double();
    const hlc = reader.double();
    const dot = readDot(reader, table);
    writes.push({ score, hlc, dot, observed: readTotals(reader, table, withEpochs) });
  }
  if (writes.length === 0) return null;
  return writes.length === 1 ? (writes[0] as ScoreWrite) : writes;
}

function readCounters(reader: Reader, table: ReplicaTable, withEpochs: boolean): ScoreCounters | null {
  if (!reader.bool()) return null;
  const totals = readTotals(reader, table, withEpochs);
  const floor = readTotals(reader, table, withEpochs);
  const cache = reader.bool() ? { score: reader.double(), basis: reader.string() } : null;
  return { totals, floor, cache };
}

function readEntry(reader: Reader, table: ReplicaTable, withEpochs: boolean): ZEntry {
  const member = readLatin1(reader);
  const dots = readMaybeDots(reader, table);
  const writes = readWrites(reader, table, withEpochs);
  const counters = readCounters(reader, table, withEpochs);
  return { member, score: scoreValue(writes, counters), dots, writes, counters };
}

function entryReplicas(entry: ZEntry): string[] {
  const ids = entry.dots === null ? [] : replicasOfDots(entry.dots);
  for (const w of writesToArray(entry.writes)) ids.push(w.dot.replica, ...w.observed.keys());
  if (entry.counters !== null) ids.push(...entry.counters.totals.keys(), ...entry.counters.floor.keys());
  return ids;
}

export function encodeZsetState(state: ZsetState): Buffer {
  const ids = [state.lastWrite.replica];
  for (const entry of state.entries.values()) ids.push(...entryReplicas(entry));
  const table = ReplicaTable.of(ids);
  const withEpochs = [...state.entries.values()].some(hasEpochs);
  const writer = newWriter();
  writeVersion(writer, withEpochs ? ZSET_WITH_EPOCHS_KIND : ZSET_KIND);
  table.write(writer);
  writeStamp(writer, table, state.lastWrite);
  const members = [...state.entries.keys()].sort();
  writer.uint32(members.length);
  for (const member of members) writeEntry(writer, table, state.entries.get(member) as ZEntry, withEpochs);
  return finish(writer);
}

export function decodeZsetState(buf: Uint8Array): ZsetState {
  const reader = newReader(buf);
  const withEpochs = readVersionOf(reader, [ZSET_KIND, ZSET_WITH_EPOCHS_KIND]) === ZSET_WITH_EPOCHS_KIND;
  const table = ReplicaTable.read(reader);
  const state = createZset();
  state.lastWrite = readStamp(reader, table);
  for (let n = reader.uint32(); n > 0; n--) {
    const entry = readEntry(reader, table, withEpochs);
    state.entries.set(entry.member, entry);
    if (entry.dots !== null) treeInsert(state.index, entry);
  }
  return state;
}
