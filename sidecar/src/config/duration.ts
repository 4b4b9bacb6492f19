import { ConfigError } from './parse.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration like `90s`, `30m`, `1h`, `500ms` (a bare number is seconds) into ms. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const unit = UNITS[match?.[2] ?? 's'];
  if (match === null || unit === undefined) throw new ConfigError(`--${name} must be a duration like 500ms, 90s, 30m or 1h, got '${text}'`);
  const ms = Math.round(Number(match[1]) * unit);
  if (ms <= 0) throw new ConfigError(`--${name} must be longer than 0, got '${text}'`);
  return ms;
}
