import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RespServer } from '../../src/net/server.js';
import { EchoSink } from './echo-sink.js';

const REDIS_CLI = '/usr/bin/redis-cli';

/** Runs redis-cli asynchronously (the server under test shares this event loop). */
function redisCli(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(REDIS_CLI, args, { timeout: 5000 }, (err, stdout) => (err !== null ? reject(new Error(err.message)) : resolve(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('net/server: the real redis-cli', function () {
  let server: RespServer;
  before(() => {
    // .ci/run installs redis-tools; a machine without it fails here rather than skipping the suite.
    assert.ok(existsSync(REDIS_CLI), `${REDIS_CLI} not found: install redis-tools (apt-get install -y redis-tools)`);
  });
  beforeEach(async () => {
    server = new RespServer(new EchoSink(), { port: 0 });
    await server.listen();
  });
  afterEach(() => server.close(200));

  it('PING and binary-safe ECHO (multibulk)', async () => {
    const port = String(server.port);
    assert.equal(await redisCli(['-p', port, 'PING']), 'PONG\n');
    assert.equal(await redisCli(['-p', port, 'ECHO', 'a b\tc']), 'a b\tc\n');
    assert.equal(await redisCli(['-p', port, '--no-raw', 'ECHO', '\xff']), '"\\xc3\\xbf"\n', 'UTF-8 bytes of ÿ pass unchanged');
  });

  it('inline commands sent raw with --pipe', async () => {
    const out = await redisCli(['-p', String(server.port), '--pipe'], 'PING\r\nECHO "a b"\r\nPING\r\n');
    assert.match(out, /errors: 0, replies: 3/);
  });
});
