/**
 * Go-style durations ("2160h", "1h30m", "90s", "500ms"), the format Kubernetes
 * users already write for cert-manager's `duration` / `renewBefore`.
 */
import { err, ok, type Result } from './result.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Parses a Go duration string into milliseconds; rejects empty, negative or unknown units. */
export function parseDuration(text: string): Result<number, string> {
  if (text.length === 0) return err('empty duration');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (m === null) return err(`invalid duration "${text}" at offset ${at}: expected <number><ms|s|m|h>`);
    const unit = UNIT_MS[m[2] ?? ''];
    if (unit === undefined) return err(`invalid unit in "${text}"`);
    total += Number(m[1]) * unit;
  }
  return ok(Math.round(total));
}

/** Formats milliseconds back as a Go duration, largest units first ("1h30m0s" is written "1h30m"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
