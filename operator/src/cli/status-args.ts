/** Flags of `redis-crdt status` (see main.ts for the usage text). */
/** Bad command-line usage: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

export interface StatusOptions {
  basePort: number;
  replicas: number;
  admin: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  kubeconfig: string | undefined;
  output: 'text' | 'json';
  timeoutMs: number;
}

export function parseStatusArgs(argv: readonly string[]): StatusOptions {
  const options: StatusOptions = { basePort: 6379, replicas: 3, admin: undefined, name: undefined, namespace: undefined, kubeconfig: undefined, output: 'text', timeoutMs: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [key, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${key} needs a value`);
      return v;
    };
    const integer = (min: number, max: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${key} must be an integer in ${min}..${max}, got '${text}'`);
      return n;
    };
    switch (key) {
      case '--base-port': options.basePort = integer(1, 65535 - 200 - 16); break;
      case '--replicas': options.replicas = integer(1, 16); break;
      case '--admin': options.admin = value(); break;
      case '--name': options.name = value(); break;
      case '--namespace': case '-n': options.namespace = value(); break;
      case '--kubeconfig': options.kubeconfig = value(); break;
      case '--timeout': options.timeoutMs = integer(100, 60_000); break;
      case '--output': case '-o': {
        const output = value();
        if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, got '${output}'`);
        options.output = output;
        break;
      }
      default: throw new UsageError(`unknown option '${flag}'`);
    }
  }
  if (options.admin !== undefined && options.name !== undefined) throw new UsageError('--admin and --name exclude each other');
  return options;
}
