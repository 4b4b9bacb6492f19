import { advance, buildTree, elementAt, startCursor } from './order-statistic-tree.js';
import { ByteReader, ByteWriter } from './rga-bytes.js';
import type { RgaElement } from './rga-element.js';
import { indexElement, lookupElement } from './rga-index.js';
import { createList, internReplica, type ListState } from './rga-state.js';

/**
 * Snapshot codec of a list: everything a replica needs to keep converging (order,
 * tombstones with their removers, LWW stamps, RGA parents), nothing derived (tree
 * shape, weights and the id index are rebuilt). Layout, all varints:
 *
 *   version=1, lastWrite.hlc, lastWrite.replica, replicas[count, utf8…], elements[count, element…]
 *   element = flags [replica seq idx hlc parent]? (value | removed.replica removed.seq) [set.hlc set.replica]?
 *
 * flags: 1 = same op as the previous element with idx + 1 (its parent is that element:
 * an RPUSH of many values costs a byte plus its value per element), 2 = tombstone,
 * 4 = the value has its own LWW stamp (an LSET won). `parent`: 0 = head or none (cleared by
 * GC), else replica+1, seq, idx of a stored element earlier in the sequence.
 */
const VERSION = 1;
const SAME_OP = 1;
const TOMBSTONE = 2;
const SET_STAMP = 4;

export function encodeListState(state: ListState): Buffer {
  const replicas = [...state.replicas.keys()];
  const replicaNo = new Map(replicas.map((replica, i) => [replica, i]));
  const no = (replica: string): number => replicaNo.get(replica) ?? 0;
  const out = new ByteWriter().uint(VERSION).uint(state.lastWrite.hlc).string(state.lastWrite.replica);
  out.uint(replicas.length);
  for (const replica of replicas) out.string(replica);
  out.uint(state.tree.size);
  let previous: RgaElement | undefined;
  const cursor = startCursor(state.tree);
  for (let element = elementAt(cursor); element !== undefined; element = elementAt(cursor)) {
    const sameOp = previous !== undefined && element.parent === previous && previous.seq === element.seq
      && previous.replica === element.replica;
    const set = element.set;
    out.uint((sameOp ? SAME_OP : 0) | (element.value === null ? TOMBSTONE : 0) | (set !== null ? SET_STAMP : 0));
    if (!sameOp) {
      out.uint(no(element.replica)).uint(element.seq).uint(element.idx).uint(element.hlc);
      writeParent(out, element.parent, no);
    }
    if (element.value !== null) out.value(element.value);
    else out.uint(no(element.removed?.replica ?? '')).uint(element.removed?.seq ?? 0);
    if (set !== null) out.uint(set.hlc).uint(no(set.replica));
    previous = element;
    advance(cursor);
  }
  return out.finish();
}

function writeParent(out: ByteWriter, parent: RgaElement | null, no: (replica: string) => number): void {
  if (parent === null) out.uint(0);
  else out.uint(no(parent.replica) + 1).uint(parent.seq).uint(parent.idx);
}

export function decodeListState(buffer: Buffer): ListState {
  const input = new ByteReader(buffer);
  const version = input.uint();
  if (version !== VERSION) throw new Error(`Unknown list snapshot version ${version}`);
  const state = createList();
  state.lastWrite = { hlc: input.uint(), replica: input.string() };
  const replicas: string[] = [];
  for (let i = input.uint(); i > 0; i--) replicas.push(internReplica(state, input.string()));
  const name = (no: number): string => {
    const replica = replicas[no];
    if (replica === undefined) throw new Error(`List snapshot names unknown replica #${no}`);
    return replica;
  };
  const elements: RgaElement[] = [];
  for (let count = input.uint(); count > 0; count--) {
    const element = readElement(input, state, elements[elements.length - 1], name);
    if (element.value === null) state.tombstones++;
    indexElement(state.ids, element);
    elements.push(element);
  }
  state.tree = buildTree(elements);
  return state;
}

function readElement(
  input: ByteReader, state: ListState, previous: RgaElement | undefined, name: (no: number) => string,
): RgaElement {
  const flags = input.uint();
  let replica: string, seq: number, idx: number, hlc: number, parent: RgaElement | null;
  if ((flags & SAME_OP) !== 0 && previous !== undefined) {
    ({ replica, seq, hlc } = previous);
    idx = previous.idx + 1;
    parent = previous;
  } else {
    replica = name(input.uint());
    seq = input.uint();
    idx = input.uint();
    hlc = input.uint();
    parent = readParent(input, state, name);
  }
  const tombstone = (flags & TOMBSTONE) !== 0;
  const value = tombstone ? null : input.value();
  const removed = tombstone ? { replica: name(input.uint()), seq: input.uint() } : null;
  const set = (flags & SET_STAMP) !== 0 ? { hlc: input.uint(), replica: name(input.uint()) } : null;
  return {
    replica, seq, idx, hlc, parent, value, set, removed,
    leaf: state.tree.first,
  };
}

function readParent(input: ByteReader, state: ListState, name: (no: number) => string): RgaElement | null {
  const tag = input.uint();
  if (tag === 0) return null;
  return findParent(state, { replica: name(tag - 1), seq: input.uint(), idx: input.uint() });
}

function findParent(state: ListState, id: { replica: string; seq: number; idx: number }): RgaElement {
  const parent = lookupElement(state.ids, id);
  if (parent === undefined) throw new Error(`List snapshot: parent ${id.replica}:${id.seq}:${id.idx} precedes nothing`);
  return parent;
}
