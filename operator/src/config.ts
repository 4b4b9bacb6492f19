/**
 * The operator's configuration: flags, `REDIS_CRDT_OPERATOR_*` environment
 * variables and an optional YAML file (`--config`), in increasing precedence
 * file < env < flags. Parsed into a typed value or a list of errors.
 */
import YAML from 'yaml';
import { parseDuration } from './util/duration.js';
import { err, ok, type Result } from './util/result.js';

export interface OperatorConfig {
  kubeconfig?: string;
  /** Namespace to watch; empty means all namespaces. */
  namespace: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  httpHost: string;
  httpPort: number;
  workers: number;
  clusterDomain: string;
  certPropagationDelayMs: number;
  pollIntervalMs: number;
  busyPollIntervalMs: number;
  resyncMs: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'auto' | 'json' | 'text';
  /** Sidecar injection webhook (issue 8); optional so configurations written before it still type-check. */
  webhook?: boolean;
  webhookHost?: string;
  webhookPort?: number;
  webhookSecret?: string;
  webhookConfiguration?: string;
  webhookService?: string;
  /** Comma-separated extra DNS names or IPs for the serving certificate. */
  webhookHosts?: string;
}

type Kind = 'string' | 'bool' | 'int' | 'duration';
interface Option { key: keyof OperatorConfig; kind: Kind; help: string; default: string }

/** One table drives parsing, env names and `--help` (so they cannot drift apart). */
export const OPTIONS: readonly Option[] = [
  { key: 'kubeconfig', kind: 'string', help: 'kubeconfig file; in-cluster config when unset (also $KUBECONFIG)', default: '' },
  { key: 'namespace', kind: 'string', help: 'watch only this namespace; all namespaces when empty', default: '' },
  { key: 'leaderElect', kind: 'bool', help: 'elect a leader with a Lease so several replicas can run', default: 'true' },
  { key: 'leaderElectionNamespace', kind: 'string', help: 'namespace of the Lease (default $POD_NAMESPACE, else default)', default: '' },
  { key: 'leaderElectionId', kind: 'string', help: 'name of the Lease', default: 'redis-crdt-operator' },
  { key: 'httpHost', kind: 'string', help: 'address for /healthz, /readyz and /metrics', default: '0.0.0.0' },
  { key: 'httpPort', kind: 'int', help: 'port for /healthz, /readyz and /metrics', default: '8080' },
  { key: 'workers', kind: 'int', help: 'clusters reconciled concurrently', default: '2' },
  { key: 'clusterDomain', kind: 'string', help: 'cluster DNS domain used in certificate names', default: 'cluster.local' },
  { key: 'certPropagationDelayMs', kind: 'duration', help: 'time for a trust bundle change to reach every pod before the next CA rotation step', default: '2m' },
  { key: 'pollIntervalMs', kind: 'duration', help: 'how often a settled cluster re-reads its sidecars', default: '30s' },
  { key: 'busyPollIntervalMs', kind: 'duration', help: 'how often while scaling, upgrading or starting', default: '3s' },
  { key: 'resyncMs', kind: 'duration', help: 'informer resync period', default: '10m' },
  { key: 'logLevel', kind: 'string', help: 'error, warn, info or debug', default: 'info' },
  { key: 'logFormat', kind: 'string', help: 'auto (JSON unless a terminal), json or text', default: 'auto' },
  { key: 'webhook', kind: 'bool', help: 'serve the sidecar injection webhook (pods labelled rediscrdt.io/inject: <cluster>)', default: 'false' },
  { key: 'webhookHost', kind: 'string', help: 'address the injection webhook listens on (HTTPS)', default: '0.0.0.0' },
  { key: 'webhookPort', kind: 'int', help: 'port of the injection webhook', default: '9443' },
  { key: 'webhookSecret', kind: 'string', help: 'Secret (operator namespace) holding the webhook CA and serving certificate; created when missing', default: 'redis-crdt-operator-webhook-tls' },
  { key: 'webhookConfiguration', kind: 'string', help: 'MutatingWebhookConfiguration whose caBundle the operator fills in', default: 'redis-crdt-operator' },
  { key: 'webhookService', kind: 'string', help: 'Service in front of the webhook (its DNS names go into the serving certificate)', default: '' },
  { key: 'webhookHosts', kind: 'string', help: 'extra comma-separated DNS names or IPs for the serving certificate (a webhook called by URL)', default: '' },
];

/** `certPropagationDelayMs` → `cert-propagation-delay` (the Ms suffix is the unit, not the name). */
export function flagName(key: string): string {
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function envName(key: string): string {
  return `REDIS_CRDT_OPERATOR_${flagName(key).replace(/-/g, '_').toUpperCase()}`;
}

function convert(o: Option, text: string): Result<string | number | boolean, string> {
  switch (o.kind) {
    case 'string': return ok(text);
    case 'bool': return text === 'true' || text === 'false' ? ok(text === 'true') : err(`--${flagName(o.key)} must be true or false`);
    case 'int': return /^\d+$/.test(text) ? ok(Number(text)) : err(`--${flagName(o.key)} must be a whole number`);
    case 'duration': {
      const d = parseDuration(text);
      return d.ok ? ok(d.value) : err(`--${flagName(o.key)}: ${d.error}`);
    }
  }
}

/** Raw string values from argv (`--flag value`, `--flag=value`, bare `--bool-flag`). */
function fromArgv(argv: readonly string[]): Result<{ values: Map<string, string>; config?: string; help: boolean }, string> {
  const values = new Map<string, string>();
  let config: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m === null) return err(`unexpected argument "${arg}"`);
    const name = m[1] ?? '';
    const option = OPTIONS.find((o) => flagName(o.key) === name);
    if (name !== 'config' && option === undefined) return err(`unknown flag --${name}`);
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (option?.kind === 'bool' && (next === undefined || next.startsWith('--'))) value = 'true';
      else { value = next ?? ''; i++; }
    }
    if (name === 'config') config = value;
    else values.set(name, value);
  }
  return ok({ values, help, ...(config !== undefined ? { config } : {}) });
}

/** Keys of a YAML config file may be written as flags (`cluster-domain`) or camelCase (`clusterDomain`). */
function fromFile(text: string): Result<Map<string, string>, string> {
  const doc: unknown = YAML.parse(text);
  if (doc === null || doc === undefined) return ok(new Map());
  if (typeof doc !== 'object' || Array.isArray(doc)) return err('config file must be a YAML mapping');
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const option = OPTIONS.find((o) => o.key === k || flagName(o.key) === k);
    if (option === undefined) return err(`config file: unknown key "${k}"`);
    values.set(flagName(option.key), typeof v === 'string' ? v : JSON.stringify(v));
  }
  return ok(values);
}

export interface ParsedArgs { config: OperatorConfig; help: boolean }

export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string): Result<ParsedArgs, string[]> {
  const args = fromArgv(argv);
  if (!args.ok) return err([args.error]);
  const file = args.value.config === undefined ? ok(new Map<string, string>()) : fromFile(readFile(args.value.config));
  if (!file.ok) return err([file.error]);
  const errors: string[] = [];
  const out: Record<string, string | number | boolean> = {};
  for (const o of OPTIONS) {
    const name = flagName(o.key);
    const legacyEnv = o.key === 'kubeconfig' ? env['KUBECONFIG'] : undefined;
    const text = args.value.values.get(name) ?? env[envName(o.key)] ?? legacyEnv ?? file.value.get(name) ?? o.default;
    const v = convert(o, text);
    if (v.ok) out[o.key] = v.value;
    else errors.push(v.error);
  }
  if (!['error', 'warn', 'info', 'debug'].includes(String(out['logLevel']))) errors.push('--log-level must be error, warn, info or debug');
  if (!['auto', 'json', 'text'].includes(String(out['logFormat']))) errors.push('--log-format must be auto, json or text');
  if (errors.length > 0) return err(errors);
  if (out['leaderElectionNamespace'] === '') out['leaderElectionNamespace'] = env['POD_NAMESPACE'] ?? 'default';
  if (out['kubeconfig'] === '') delete out['kubeconfig'];
  return ok({ config: out as unknown as OperatorConfig, help: args.value.help });
}

export function helpText(): string {
  const lines = OPTIONS.map((o) => `  --${flagName(o.key).padEnd(28)} ${o.help} (default ${o.default === '' ? 'unset' : o.default}; env ${envName(o.key)})`);
  return [
    'redis-crdt-operator: runs RedisCRDTCluster (rediscrdt.io/v1alpha1) active-active Redis clusters on Kubernetes.',
    '',
    'Usage: redis-crdt-operator [--config file.yaml] [flags]',
    '',
    'Flags (precedence: flag > environment > config file > default):',
    `  --${'config'.padEnd(28)} YAML file with any of the keys below (flag or camelCase names)`,
    ...lines,
    `  --${'help'.padEnd(28)} print this help`,
  ].join('\n');
}
