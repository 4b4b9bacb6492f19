import { createLogger } from '../observability/logger.js';
import { TlsSync } from './tls-sync.js';

const USAGE = `Usage: redis-crdt-sidecar tls-sync --from DIR --to DIR [--interval-ms N]

Copies ca.crt, tls.crt and tls.key from DIR (this pod's directory in a volume holding
every replica's TLS Secret) to --to (a volume shared with the replica container only),
atomically, and again whenever they change. Runs until SIGTERM.`;

function parse(argv: readonly string[]): { from: string; to: string; intervalMs: number } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [name, value] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, argv[++i]];
    if (!['--from', '--to', '--interval-ms'].includes(name) || value === undefined) throw new Error(`unknown or incomplete option ${arg}`);
    values.set(name, value);
  }
  const from = values.get('--from');
  const to = values.get('--to');
  const intervalMs = Number(values.get('--interval-ms') ?? 2000);
  if (from === undefined || to === undefined) throw new Error('--from and --to are required');
  if (!Number.isInteger(intervalMs) || intervalMs < 100) throw new Error('--interval-ms must be an integer of at least 100');
  return { from, to, intervalMs };
}

/** `redis-crdt-sidecar tls-sync`: the TLS copier container of a replica pod (see tls-sync.ts). */
export async function tlsSyncMain(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`redis-crdt-sidecar tls-sync: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const logger = createLogger(process.env.REDIS_CRDT_LOG_LEVEL ?? 'info', 'auto', { component: 'tls-sync' });
  const sync = new TlsSync(options.from, options.to, logger);
  // A copy cut short by the signal leaves the previous generation in place (atomic-dir.ts).
  const stop = (signal: string): void => {
    logger.info('Stopped', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  logger.info('Copying this pod\'s TLS material', { from: options.from, to: options.to, intervalMs: options.intervalMs });
  for (;;) {
    try {
      await sync.syncOnce();
    } catch (error) {
      logger.error('TLS copy failed; retrying', { error: (error as Error).message });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
