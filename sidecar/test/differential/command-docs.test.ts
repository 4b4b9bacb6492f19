import assert from 'node:assert/strict';
import { buildCommandTable } from '../../src/commands/table.js';
import { useRedisAndSidecar } from '../support/differential-pair.js';

/**
 * COMMAND DOCS against a real redis-server, byte for byte in RESP2 and RESP3, for every
 * command and subcommand of the table: summary, since, group, complexity, history and
 * the argument lists redis-cli 7.2+ builds its hints from. The argument data is Redis's
 * own (scripts/gen-command-docs.mjs), so this also catches a stale generated file.
 *
 * A container (CLIENT, CONFIG …) is compared up to its subcommand list, which names only
 * the subcommands the sidecar has; each of those is compared on its own.
 */
const SUBCOMMANDS_KEY = '$11\r\nsubcommands\r\n';
/** Ours and newer than redis-server 7.0: documented from the table (summary, since, group). */
const NOT_IN_REDIS_7_0 = ['client|setinfo'];

const table = buildCommandTable();
const names: string[] = [];
for (const spec of table.values()) {
  names.push(spec.name);
  for (const sub of spec.subcommands?.values() ?? []) names.push(sub.name);
}

function upToSubcommands(reply: Buffer): string {
  const text = reply.toString('latin1');
  const at = text.indexOf(SUBCOMMANDS_KEY);
  return at === -1 ? text : text.slice(0, at);
}

describe('differential: COMMAND DOCS against a real redis-server', function () {
  this.timeout(120000);
  const servers = useRedisAndSidecar();

  for (const protocol of ['2', '3']) {
    it(`answers every command's docs as Redis does (RESP${protocol}, ${names.length} commands and subcommands)`, async () => {
      await servers.redis.call(['hello', protocol]);
      await servers.ours.call(['hello', protocol]);
      const differing: string[] = [];
      const unknownToRedis: string[] = [];
      for (const name of names) {
        const command = ['command', 'docs', name];
        const [want, got] = await Promise.all([servers.redis.call(command), servers.ours.call(command)]);
        if (want.toString('latin1') === (protocol === '3' ? '%0\r\n' : '*0\r\n')) {
          unknownToRedis.push(name);
          continue;
        }
        const container = table.get(name)?.subcommands !== undefined;
        const [expected, actual] = container ? [upToSubcommands(want), upToSubcommands(got)] : [want.toString('latin1'), got.toString('latin1')];
        if (expected !== actual) differing.push(`${name}\n  redis:   ${JSON.stringify(expected.slice(0, 400))}\n  sidecar: ${JSON.stringify(actual.slice(0, 400))}`);
      }
      assert.deepEqual(unknownToRedis, NOT_IN_REDIS_7_0);
      assert.deepEqual(differing, [], `COMMAND DOCS differs for ${differing.length} commands (stale data? run scripts/gen-command-docs.mjs):\n${differing.join('\n')}`);
    });
  }

  it('documents the arguments of every Redis command it has (what redis-cli hints are built from)', async () => {
    const reply = (await servers.ours.call(['command', 'docs', 'set'])).toString('latin1');
    for (const token of ['arguments', 'key_spec_index', 'KEEPTTL', 'PXAT', 'complexity', 'history']) assert.ok(reply.includes(token), `SET's docs lack ${token}`);
  });
});
