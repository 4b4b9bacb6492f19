/** Shared helpers for op log tests: temp dirs, a recording logger, promise wrappers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpLog } from '../../src/oplog/oplog.js';
import type { OpLogLogger } from '../../src/oplog/logger.js';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'oplog-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  meta: Record<string, unknown> | undefined;
}

/** A logger that remembers what it was told, so tests can assert on warnings. */
export function recordingLogger(): OpLogLogger & { lines: LogLine[]; warnings(): LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) => {
    lines.push({ level, message, meta });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), warnings: () => lines.filter((l) => l.level === 'warn') };
}

export function commit(log: OpLog): Promise<void> {
  return new Promise((resolve, reject) => log.commit((err) => (err ? reject(err) : resolve())));
}

/** Deterministic record content for an LSN, so replay can check bytes, not just counts. */
export function recordFor(lsn: number, size = 20): Buffer {
  const b = Buffer.alloc(size, lsn % 251);
  b.write(`r${lsn}:`, 0, 'latin1');
  return b;
}

export async function replayAll(log: OpLog, afterLsn = log.firstLsn - 1): Promise<Array<[number, Buffer]>> {
  const out: Array<[number, Buffer]> = [];
  await log.replay(afterLsn, (lsn, rec) => out.push([lsn, Buffer.from(rec)]));
  return out;
}
