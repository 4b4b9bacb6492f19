import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { RawClient } from '../support/raw-client.js';
import { SIDECAR_MAIN, SidecarProcess, tempDir } from '../support/sidecar.js';

const text = (reply: Buffer): string => reply.toString('latin1');

describe('durability with real sidecar processes', function () {
  this.timeout(120000);

  // Under everysec too, as Redis: the op log is written (not yet fsynced) before replies.
  for (const policy of ['always', 'everysec']) it(`kill -9 under appendfsync ${policy} loses no acknowledged write`, async () => {
    const proc = await SidecarProcess.start(['--appendfsync', policy]);
    try {
      const client = await RawClient.connect(proc.port);
      let acknowledged = 0;
      let sent = 0;
      const writer = (async () => {
        for (;;) {
          sent += 1;
          const reply = await client.call(['incr', 'counter']);
          assert.equal(text(reply), `:${acknowledged + 1}\r\n`);
          acknowledged += 1;
        }
      })().catch(() => undefined);
      while (acknowledged < 300) await new Promise((r) => setTimeout(r, 10));
      await proc.crash();
      await writer;
      client.close();
      await proc.restart();
      const again = await RawClient.connect(proc.port);
      const value = Number(text(await again.call(['get', 'counter'])).split('\r\n')[1]);
      again.close();
      assert.ok(value >= acknowledged, `value ${value} lost acknowledged increments (${acknowledged} acknowledged)`);
      assert.ok(value <= sent, `value ${value} counts more increments than were sent (${sent})`);
    } finally {
      await proc.stop();
    }
  });

  it('every type survives a clean shutdown (its snapshot) and a restart, and a kill -9 after more writes', async () => {
    const proc = await SidecarProcess.start();
    const writes: (string | number)[][] = [
      ['set', 'str', 'v'], ['incrby', 'counter', 5], ['rpush', 'list', 'a', 'b', 'c'], ['sadd', 'set', 'x', 'y'],
      ['hset', 'hash', 'f', 'v', 'g', 'w'], ['hincrby', 'hash', 'n', 3], ['zadd', 'zset', 1, 'one', 2, 'two'], ['zincrby', 'zset', 5, 'one'],
      ['sadd', 'gone', 'z'], ['del', 'gone'], ['pexpire', 'str', 600_000],
    ];
    const reads: string[][] = [
      ['get', 'str'], ['get', 'counter'], ['lrange', 'list', '0', '-1'], ['smembers', 'set'], ['hgetall', 'hash'],
      ['zrange', 'zset', '0', '-1', 'withscores'], ['exists', 'gone'], ['type', 'set'], ['type', 'hash'], ['type', 'zset'], ['dbsize'],
    ];
    const readAll = async (): Promise<string[]> => {
      const client = await RawClient.connect(proc.port);
      const replies: string[] = [];
      for (const read of reads) replies.push(text(await client.call(read)));
      client.close();
      return replies;
    };
    try {
      const client = await RawClient.connect(proc.port);
      for (const write of writes) assert.doesNotMatch(text(await client.call(write.map(String))), /^-/);
      client.close();
      const before = await readAll();
      // SIGTERM: a clean shutdown writes a snapshot, which the next start loads.
      assert.equal(await proc.stop(), 0);
      assert.ok(readdirSync(proc.dataDir).some((name) => name.endsWith('.snap')), 'a snapshot was written');
      await proc.restart();
      assert.deepEqual(await readAll(), before);
      // More writes on top of the snapshot, then a crash: snapshot plus op-log replay.
      const more = await RawClient.connect(proc.port);
      assert.equal(text(await more.call(['sadd', 'set', 'after'])), ':1\r\n');
      more.close();
      await proc.crash();
      await proc.restart();
      const again = await RawClient.connect(proc.port);
      assert.equal(text(await again.call(['sismember', 'set', 'after'])), ':1\r\n');
      again.close();
    } finally {
      await proc.stop();
    }
  });

  it('a torn op-log tail is truncated with a warning and every earlier write survives', async () => {
    const proc = await SidecarProcess.start(['--appendfsync', 'always', '--snapshot-interval', '0']);
    const client = await RawClient.connect(proc.port);
    for (let i = 0; i < 50; i++) await client.call(['set', `k${i}`, `v${i}`]);
    client.close();
    await proc.crash();
    const segment = readdirSync(proc.dataDir).find((name) => name.endsWith('.seg'));
    assert.ok(segment !== undefined);
    const path = join(proc.dataDir, segment);
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([0x20, 0, 0, 0, 0xde, 0xad])])); // a half-written frame
    await proc.restart();
    const again = await RawClient.connect(proc.port);
    assert.equal(text(await again.call(['get', 'k49'])), '$3\r\nv49\r\n');
    assert.equal(text(await again.call(['dbsize'])), ':50\r\n');
    again.close();
    await proc.stop();
    assert.match(proc.output, /truncat/i);
  });

  it('corruption in the middle of the op log stops start-up with an error that says what to do', async () => {
    const proc = await SidecarProcess.start(['--appendfsync', 'always', '--snapshot-interval', '0']);
    const client = await RawClient.connect(proc.port);
    for (let i = 0; i < 50; i++) await client.call(['set', `key-${i}`, 'x'.repeat(100)]);
    client.close();
    await proc.crash();
    const segment = readdirSync(proc.dataDir).find((name) => name.endsWith('.seg'));
    assert.ok(segment !== undefined);
    const path = join(proc.dataDir, segment);
    const bytes = readFileSync(path);
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle); // flip a byte in a record in the middle
    writeFileSync(path, bytes);
    const run = spawnSync(process.execPath, [SIDECAR_MAIN, '--port', '0', '--admin-port', '-1', '--data-dir', proc.dataDir, '--replica-id', 'proc', '--log-format', 'json'], { encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 1);
    const output = `${run.stdout}${run.stderr}`;
    assert.match(output, /Failed to start/);
    assert.match(output, /\.seg/);
    assert.match(output, /resync|restore|move/i);
  });

  it('bad options exit with status 2 and name the option', () => {
    const dir = tempDir('flags');
    const cases: [string[], RegExp][] = [
      [['--no-such-flag'], /Unknown option --no-such-flag/],
      [['--port', 'abc'], /--port/],
      [['--appendfsync', 'sometimes'], /--appendfsync.*always, everysec, no/],
      [['--tls-ca', 'x'], /must be given together/],
      [['--peers', 'nonsense'], /Invalid peer/],
    ];
    for (const [flags, message] of cases) {
      const run = spawnSync(process.execPath, [SIDECAR_MAIN, '--data-dir', dir, ...flags], { encoding: 'utf8', timeout: 20000 });
      assert.equal(run.status, 2, `${flags.join(' ')} should exit 2`);
      assert.match(run.stderr, message);
    }
    const help = spawnSync(process.execPath, [SIDECAR_MAIN, '--help'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--appendfsync/);
    assert.match(help.stdout, /REDIS_CRDT_REPLICA_ID/);
  });
});
