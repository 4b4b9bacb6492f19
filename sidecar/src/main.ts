#!/usr/bin/env node
import { Sidecar } from './app/sidecar.js';
import { helpText } from './config/options.js';
import { ConfigError, parseOptions } from './config/parse.js';
import { toSidecarConfig } from './config/sidecar-config.js';
import { createLogger } from './observability/logger.js';

/** `redis-crdt-sidecar`: parse options, start one replica, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    const options = parseOptions(process.argv.slice(2), process.env);
    if (options.get('help') === true) {
      process.stdout.write(`${helpText('redis-crdt-sidecar')}\n`);
      return;
    }
    config = toSidecarConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`redis-crdt-sidecar: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, config.logFormat, { replica: config.replicaId });
  const sidecar = new Sidecar(config, logger);
  const shutdown = (signal: string): void => {
    logger.info('Received signal', { signal });
    sidecar.stop().then(() => process.exit(0), (error: unknown) => {
      logger.error('Shutdown failed', { error: String(error) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await sidecar.start();
  } catch (error) {
    logger.error('Failed to start', { error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

// `redis-crdt-sidecar tls-sync ...`: the TLS copier container of a replica pod (tls-sync/).
if (process.argv[2] === 'tls-sync') void import('./tls-sync/main.js').then((m) => m.tlsSyncMain(process.argv.slice(3)));
else void main();
