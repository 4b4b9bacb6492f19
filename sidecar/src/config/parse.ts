import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { envName, OPTIONS, type OptionSpec } from './options.js';

export type OptionValue = string | number | boolean;
export type ParsedOptions = ReadonlyMap<string, OptionValue>;

export class ConfigError extends Error {}

const SIZE = /^(\d+)\s*([kmg]b?)?$/i;

function convert(option: OptionSpec, raw: unknown, source: string): OptionValue {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (option.type) {
    case 'string':
      if (typeof text === 'string' || typeof text === 'number') return String(text);
      break;
    case 'int':
      if (typeof text === 'number' && Number.isInteger(text)) return text;
      if (typeof text === 'string' && /^-?\d+$/.test(text)) return Number(text);
      break;
    case 'bool':
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === 'yes' || text === '1' || text === '') return true;
      if (text === 'false' || text === 'no' || text === '0') return false;
      break;
    case 'enum':
      if (typeof text === 'string' && option.values?.includes(text.toLowerCase())) return text.toLowerCase();
      throw new ConfigError(`Invalid value '${String(raw)}' for --${option.name} (from ${source}): expected one of ${option.values?.join(', ')}`);
    case 'size': {
      if (typeof text === 'number' && Number.isInteger(text) && text > 0) return text;
      const match = typeof text === 'string' ? SIZE.exec(text) : null;
      if (match) {
        const unit = (match[2] ?? '').toLowerCase()[0];
        const multiplier = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
        return Number(match[1]) * multiplier;
      }
      break;
    }
  }
  throw new ConfigError(`Invalid value '${String(raw)}' for --${option.name} (from ${source}): expected ${option.type === 'size' ? 'a size like 512mb' : `a ${option.type}`}`);
}

function find(name: string): OptionSpec {
  const option = OPTIONS.find((o) => o.name === name);
  if (option === undefined) throw new ConfigError(`Unknown option --${name}. Run with --help for the list of options.`);
  return option;
}

function fromArgv(argv: readonly string[]): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`Unexpected argument '${arg}': options start with --. Run with --help for the list.`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const option = find(name);
    let raw: string;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else if (option.type === 'bool') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`Option --${name} needs a value`);
      raw = next;
      i += 1;
    }
    values.set(name, convert(option, raw, 'command line'));
  }
  return values;
}

function fromFile(path: string): Map<string, OptionValue> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`Cannot read config file ${path}: ${(cause as Error).message}`);
  }
  if (document === null || document === undefined) return new Map();
  if (typeof document !== 'object' || Array.isArray(document)) throw new ConfigError(`Config file ${path} must be a YAML mapping of option names to values`);
  const values = new Map<string, OptionValue>();
  for (const [name, raw] of Object.entries(document)) values.set(name, convert(find(name), raw, path));
  return values;
}

/** Defaults < config file < environment < command line. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedOptions {
  const cli = fromArgv(argv);
  const merged = new Map<string, OptionValue>();
  for (const option of OPTIONS) if (option.default !== undefined) merged.set(option.name, option.default);
  const configPath = cli.get('config') ?? env[envName('config')];
  if (typeof configPath === 'string' && configPath !== '') for (const [k, v] of fromFile(configPath)) merged.set(k, v);
  for (const option of OPTIONS) {
    const raw = env[envName(option.name)];
    if (raw !== undefined) merged.set(option.name, convert(option, raw, envName(option.name)));
  }
  for (const [k, v] of cli) merged.set(k, v);
  return merged;
}
