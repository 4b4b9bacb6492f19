/**
 * A reader for `unknown` JSON that records the first problem per field, with its
 * path, and keeps going so one parse reports every mistake (like Dragonfly's
 * argument reader latching errors, but collecting them all).
 */

export type Json = Readonly<Record<string, unknown>>;

export class Reader {
  readonly errors: string[] = [];

  fail(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  /** An object, or `{}` when absent; an error when present but not an object. */
  object(value: unknown, path: string): Json {
    if (value === undefined || value === null) return {};
    if (typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.fail(path, 'must be an object');
    return {};
  }

  string(value: unknown, path: string, fallback: string): string {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    this.fail(path, 'must be a string');
    return fallback;
  }

  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(path, 'must be a non-empty string');
    return undefined;
  }

  requiredString(value: unknown, path: string): string {
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(path, 'is required (non-empty string)');
    return '';
  }

  integer(value: unknown, path: string, fallback: number, min: number, max: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.fail(path, `must be an integer between ${min} and ${max}`);
    return fallback;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(path, 'must be a boolean');
    return fallback;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined || value === null) return fallback;
    const found = allowed.find((a) => a === value);
    if (found !== undefined) return found;
    this.fail(path, `must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.object(value, path))) {
      if (typeof v === 'string') out[k] = v;
      else this.fail(`${path}.${k}`, 'must be a string');
    }
    return out;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value as readonly unknown[];
    this.fail(path, 'must be an array');
    return [];
  }

  stringArray(value: unknown, path: string): string[] {
    return this.array(value, path).map((v, i) => this.requiredString(v, `${path}[${i}]`));
  }
}
