#!/usr/bin/env node
/** redis-crdt-operator: the executable. Parses configuration, starts the manager, stops on SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { helpText, parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { Manager } from './manager.js';

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env, (path) => readFileSync(path, 'utf8'));
  if (!parsed.ok) {
    process.stderr.write(`redis-crdt-operator: ${parsed.error.join('\n')}\nRun with --help for usage.\n`);
    return 2;
  }
  if (parsed.value.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const log = createLogger(parsed.value.config, process.stderr.isTTY);
  const manager = new Manager(parsed.value.config, log);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('Received signal', { signal });
    manager.stop().then(() => process.exit(0), (err: unknown) => {
      log.error('Shutdown failed', { error: String(err) });
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await manager.start();
  return -1;
}

main().then((code) => { if (code >= 0) process.exit(code); }, (err: unknown) => {
  process.stderr.write(`redis-crdt-operator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
