import { addDot, removeObservedDots, type DotSet } from './or-set-dots.js';
import { dotOf, maxStamp, stampOf, ZERO_STAMP, type OpContext, type Stamp } from './stamp.js';

/**
 * A Redis set as an add-wins observed-remove set (OR-Set; Shapiro et al. 2011, §3.3.5,
 * optimised as in Bieniusa et al. 2012; see or-set-dots.ts). DESIGN.md §4: SADD tags
 * members with the op's dot, SREM/SPOP/DEL remove only the dots their op observed, so
 * `SADD x ∥ SREM x` keeps x on every replica.
 *
 * Members are kept as latin1 strings, which map bytes 0–255 one to one (binary-safe),
 * hash and compare by value in a Map, and cost ~16 bytes of header instead of a
 * Buffer's ~100. Members live in a dense array (slot order) with a Map member → slot,
 * so SRANDMEMBER/SPOP can pick by index in O(1); removal swaps the last slot in.
 * The state is mutable and owned by the store; `applySetEffect` returns it.
 */
export interface OrSet {
  readonly kind: 'set';
  readonly slots: Map<string, number>;
  readonly members: string[];
  readonly dots: DotSet[];
  /** Highest stamp of any op applied: decides the key's type in a type conflict. */
  lastWrite: Stamp;
}

export type SetEffect =
  /** SADD (and SMOVE's add side): every member gets the op's dot; include present members too, so the add wins over a concurrent remove. */
  | { readonly type: 'set.add'; readonly members: readonly Buffer[] }
  /** SREM/SPOP/SMOVE's remove side: removes the member dots the op observed. */
  | { readonly type: 'set.remove'; readonly members: readonly Buffer[] };

export function createSet(): OrSet {
  return { kind: 'set', slots: new Map(), members: [], dots: [], lastWrite: ZERO_STAMP };
}

/** The internal key of a member: its bytes as a latin1 string. */
export function memberKey(member: Buffer | string): string {
  return typeof member === 'string' ? member : member.toString('latin1');
}

function removeSlot(state: OrSet, slot: number): void {
  const last = state.members.length - 1;
  const member = state.members[slot];
  if (member === undefined) return;
  state.slots.delete(member);
  if (slot !== last) {
    const moved = state.members[last] as string;
    state.members[slot] = moved;
    state.dots[slot] = state.dots[last] as DotSet;
    state.slots.set(moved, slot);
  }
  state.members.pop();
  state.dots.pop();
}

function addMember(state: OrSet, member: string, ctx: OpContext, dot: ReturnType<typeof dotOf>): void {
  const slot = state.slots.get(member);
  if (slot === undefined) {
    state.slots.set(member, state.members.length);
    state.members.push(member);
    state.dots.push(dot);
    return;
  }
  state.dots[slot] = addDot(state.dots[slot], dot, ctx);
}

function removeMember(state: OrSet, member: string, ctx: OpContext): void {
  const slot = state.slots.get(member);
  if (slot === undefined) return;
  const kept = removeObservedDots(state.dots[slot] as DotSet, ctx);
  if (kept === undefined) removeSlot(state, slot);
  else state.dots[slot] = kept;
}

/** Applies one effect with the context of the op that carries it. Idempotent per op. */
export function applySetEffect(state: OrSet, effect: SetEffect, ctx: OpContext): OrSet {
  switch (effect.type) {
    case 'set.add': {
      const dot = dotOf(ctx); // one Dot object shared by all members of the op
      for (const member of effect.members) addMember(state, memberKey(member), ctx, dot);
      break;
    }
    case 'set.remove':
      for (const member of effect.members) removeMember(state, memberKey(member), ctx);
      break;
  }
  state.lastWrite = maxStamp(state.lastWrite, stampOf(ctx));
  return state;
}

/** Key delete (DEL, UNLINK, FLUSHALL...): removes every dot `ctx` observed; concurrent adds survive. */
export function deleteSetObserved(state: OrSet, ctx: OpContext): OrSet {
  for (let slot = state.members.length - 1; slot >= 0; slot--) {
    const kept = removeObservedDots(state.dots[slot] as DotSet, ctx);
    if (kept === undefined) removeSlot(state, slot);
    else state.dots[slot] = kept;
  }
  return state;
}

export function setSize(state: OrSet): number {
  return state.members.length;
}

export function isSetEmpty(state: OrSet): boolean {
  return state.members.length === 0;
}

export function setHas(state: OrSet, member: Buffer | string): boolean {
  return state.slots.has(memberKey(member));
}

/** The member in slot `index` (0 ≤ index < size), for random picks with the caller's RNG. */
export function setMemberAt(state: OrSet, index: number): Buffer | undefined {
  const member = state.members[index];
  return member === undefined ? undefined : Buffer.from(member, 'latin1');
}

/** All members, in slot order (Redis replies to SMEMBERS in hash order, which clients must not rely on). */
export function setMembers(state: OrSet): Buffer[] {
  return state.members.map((member) => Buffer.from(member, 'latin1'));
}

/** Iterates members as latin1 keys without copying (SINTER/SUNION/SSCAN). */
export function setKeys(state: OrSet): IterableIterator<string> {
  return state.members.values();
}

/**
 * SSCAN: up to `count` members from cursor `cursor` (0 starts), and the next cursor (0
 * when done). Slots are walked from the top down: a removal moves the last member into
 * the freed slot, which is either below the cursor (not yet visited: it will be) or
 * above it (visited), so a member present for the whole scan is never missed; one may
 * be returned twice, which SCAN's contract allows.
 */
export function setScan(state: OrSet, cursor: number, count: number): { cursor: number; members: Buffer[] } {
  let position = cursor === 0 ? state.members.length : Math.min(cursor, state.members.length);
  const members: Buffer[] = [];
  while (position > 0 && members.length < count) {
    position -= 1;
    members.push(Buffer.from(state.members[position] as string, 'latin1'));
  }
  return { cursor: position, members };
}

/**
 * Tombstone GC: an OR-Set under causal delivery keeps no tombstones (removed dots are
 * simply dropped), so there is nothing to collect. Present for a uniform store API.
 */
export function gcSet(state: OrSet): OrSet {
  return state;
}
