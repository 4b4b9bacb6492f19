import { clientCommands } from './client-cmd.js';
import { commandDocsCommands } from './command-docs.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { flushCommands } from './flush.js';
import { genericCommands } from './generic.js';
import { hashCommands } from './hash.js';
import { infoCommands } from './info.js';
import { listCommands } from './list.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './set.js';
import type { CommandSpec } from './spec.js';
import { stringCommands } from './string.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zset.js';

/**
 * The command table: an explicit registration list, nothing discovered dynamically.
 * Extra groups (collections, admin) are passed in by the process that assembles them.
 */
export function buildCommandTable(...extra: readonly CommandSpec[][]): Map<string, CommandSpec> {
  const table = new Map<string, CommandSpec>();
  const groups = [
    connectionCommands, serverCommands, clientCommands, configCommands, infoCommands, commandDocsCommands,
    transactionCommands, pubsubCommands, flushCommands, stringCommands, genericCommands, listCommands, zsetCommands, setCommands, hashCommands, ...extra,
  ];
  for (const group of groups) {
    for (const spec of group) {
      if (table.has(spec.name)) throw new Error(`Command '${spec.name}' registered twice`);
      table.set(spec.name, spec);
    }
  }
  return table;
}
