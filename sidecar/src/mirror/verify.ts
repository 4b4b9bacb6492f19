import { expiresAt } from '../crdt/ttl-register.js';
import type { Keyspace } from '../store/keyspace.js';
import { canonicalOfReply, canonicalOfState, readCommand } from './canonical.js';
import type { MirrorLink } from './mirror-link.js';
import type { Mirror } from './mirror.js';
import { decodeReply, textOf, textsOf } from './resp-value.js';

export interface VerifyReport {
  checked: number;
  /** One line per key that differs: `key: what differs`. */
  readonly differences: string[];
}

/** Keys checked per round trip (one event-loop turn each). */
const BATCH = 256;
/** Keys expiring this close to now are skipped: the mirror may expire them a moment before or after the store hides them. */
const EXPIRY_MARGIN_MS = 2000;

/**
 * Compares the store with the mirror. The reads go on the write-behind link, each key's
 * expected state is taken from the store when its reads are queued: the mirror answers
 * them after every write queued before, so the two must match exactly whatever clients
 * do meanwhile. Store keys first (all, or `sample` random ones), then the mirror's own
 * keys (SCAN, or `sample` RANDOMKEYs) to catch keys the store does not have.
 */
export async function verifyMirror(mirror: Mirror, keyspace: Keyspace, sample: number | undefined): Promise<VerifyReport> {
  await new Promise<void>((resolve) => mirror.whenReadable(resolve));
  const report: VerifyReport = { checked: 0, differences: [] };
  const seen = new Set<string>();
  const storeKeys = sample === undefined ? [...keyspace.keys()] : sampleStoreKeys(keyspace, sample);
  for (let i = 0; i < storeKeys.length; i += BATCH) await checkKeys(linkOf(mirror), keyspace, storeKeys.slice(i, i + BATCH), report, seen);
  const mirrorKeys = sample === undefined ? await scanMirror(linkOf(mirror)) : await randomMirrorKeys(linkOf(mirror), sample);
  const extra = mirrorKeys.filter((key) => !seen.has(key));
  for (let i = 0; i < extra.length; i += BATCH) await checkKeys(linkOf(mirror), keyspace, extra.slice(i, i + BATCH), report, seen);
  return report;
}

function linkOf(mirror: Mirror): MirrorLink {
  if (mirror.link === undefined) throw new Error('the local Redis mirror disconnected');
  return mirror.link;
}

function sampleStoreKeys(keyspace: Keyspace, count: number): string[] {
  const keys = new Set<string>();
  for (let i = 0; i < count * 4 && keys.size < count; i++) {
    const key = keyspace.randomKey(Math.random);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}

interface Expected {
  readonly type: string;
  readonly content: string;
  readonly at: number;
}

function expectedOf(keyspace: Keyspace, key: string, now: number): Expected | 'skip' {
  const state = keyspace.lookup(key, now);
  if (state === undefined) {
    const record = keyspace.record(key);
    const at = record === undefined ? undefined : expiresAt(record.ttl);
    return at !== undefined && Math.abs(at - now) < EXPIRY_MARGIN_MS ? 'skip' : { type: 'none', content: '', at: -2 };
  }
  const at = expiresAt(keyspace.record(key)?.ttl ?? []) ?? -1;
  if (at !== -1 && at - now < EXPIRY_MARGIN_MS) return 'skip';
  return { type: state.kind, content: canonicalOfState(state), at };
}

async function checkKeys(link: MirrorLink, keyspace: Keyspace, keys: readonly string[], report: VerifyReport, seen: Set<string>): Promise<void> {
  const now = Date.now();
  const checks: Promise<void>[] = [];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const expected = expectedOf(keyspace, key, now);
    if (expected === 'skip') continue;
    report.checked += 1;
    checks.push(link.request([['TYPE', key], ['PEXPIRETIME', key], readCommand(expected.type, key)]).then((replies) => {
      const difference = compare(expected, replies);
      if (difference !== undefined) report.differences.push(`${JSON.stringify(key)}: ${difference}`);
    }));
  }
  await Promise.all(checks);
}

function compare(expected: Expected, replies: readonly Buffer[]): string | undefined {
  const [typeReply, expiryReply, valueReply] = replies.map(decodeReply);
  const type = typeReply === undefined ? undefined : textOf(typeReply);
  if (type !== expected.type) return `type ${String(type)} in the mirror, ${expected.type} in the store`;
  if (expected.type === 'none') return undefined;
  if (expiryReply !== expected.at) return `expiry ${JSON.stringify(expiryReply)} in the mirror, ${expected.at} in the store`;
  const content = valueReply === undefined ? undefined : canonicalOfReply(type, valueReply);
  if (content !== expected.content) return `value ${clip(content)} in the mirror, ${clip(expected.content)} in the store`;
  return undefined;
}

function clip(text: string | undefined): string {
  if (text === undefined) return '(unreadable)';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

async function scanMirror(link: MirrorLink): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [reply] = await link.request([['SCAN', cursor, 'COUNT', '1000']]);
    const value = reply === undefined ? null : decodeReply(reply);
    if (!Array.isArray(value)) throw new Error('unexpected SCAN reply from the mirror');
    const [next, batch] = value as readonly Parameters<typeof textOf>[0][];
    cursor = (next === undefined ? undefined : textOf(next)) ?? '0';
    keys.push(...((batch === undefined ? undefined : textsOf(batch)) ?? []));
  } while (cursor !== '0');
  return keys;
}

async function randomMirrorKeys(link: MirrorLink, count: number): Promise<string[]> {
  const replies = await link.request(Array.from({ length: count }, () => ['RANDOMKEY']));
  return replies.map((reply) => textOf(decodeReply(reply))).filter((key): key is string => key !== undefined);
}
