/**
 * Editing-trace benchmark (issue 3, item 4 (c)): replays the full automerge-paper trace
 * (259,778 single-character edits at visible positions) into the RGA list through
 * insert/remove at a visible index, checks the final text equals `endContent`, and
 * reports the time and the heap the list holds. Not a test.
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/bench/editing-trace.js [trace.json.gz]
 *
 * Reference times on this kind of machine (the trace's README): Yjs ~5.6 s, Automerge
 * ~14.6 s, naive array-scan RGA ~50 s, a plain JS string ~0.9 s. Targets: < 2 s, < 50 MiB.
 */
import { listTombstones, listLength, listValues } from '../sidecar/src/crdt/rga.js';
import { loadTrace, replayIntoRga, TRACE_DIR } from './editing-trace-replay.js';

const path = process.argv[2] ?? `${TRACE_DIR}/automerge-paper.json.gz`;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

function settledHeap(): { heap: number; external: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with node --expose-gc');
  collect();
  collect();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.arrayBuffers };
}

const trace = loadTrace(path);
console.log(`trace ${path}: ${trace.patches.length} patches, final length ${Array.from(trace.endContent).length} code points`);
const MiB = 1024 * 1024;

/** One replay in its own frame, so the list is garbage once it returns. */
function round(n: number): void {
  const before = settledHeap();
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const state = replayIntoRga(trace.patches);
  const cpu = process.cpuUsage(cpuStarted);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = settledHeap();
  const text = Buffer.concat(listValues(state)).toString('utf8');
  if (text !== trace.endContent) throw new Error('Final content differs from endContent');
  console.log([
    `round ${n}: ${(elapsedMs / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (all threads, GC included)`,
    `${(trace.patches.length / elapsedMs * 1000).toFixed(0)} patches/s`,
    `heap ${((after.heap - before.heap) / MiB).toFixed(1)} MiB + buffers ${((after.external - before.external) / MiB).toFixed(1)} MiB`,
    `(${listLength(state)} visible, ${listTombstones(state)} tombstones, content = endContent)`,
  ].join(', '));
}

for (let n = 1; n <= ROUNDS; n++) round(n);
