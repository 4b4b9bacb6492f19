import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { Sidecar } from '../../src/app/sidecar.js';
import { RawClient } from '../support/raw-client.js';
import { RedisServerProcess } from '../support/redis-server.js';
import { startSidecar } from '../support/sidecar.js';
import { eventually, settled } from './harness.js';

const PASSWORD = 'pa ss@word:/';

/** `--mirror` against a real redis-server that wants a password, in a database other than 0. */
describe('mirror connection options (password, database)', function () {
  this.timeout(120000);
  let server: RedisServerProcess;
  let sidecar: Sidecar | undefined;
  let client: RawClient | undefined;

  before(async () => {
    server = await RedisServerProcess.start(['--requirepass', PASSWORD]);
  });

  afterEach(async () => {
    client?.close();
    await sidecar?.stop();
    sidecar = undefined;
  });

  after(async () => {
    await server.stop();
  });

  it('authenticates, selects the database, writes behind and passes reads through there', async () => {
    sidecar = await startSidecar(['--mirror', `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}/2`]);
    client = await RawClient.connect(sidecar.resp.port);
    await client.pipeline([['SET', 'k', 'foobar'], ['HSET', 'h', 'f', 'v']]);
    await settled(sidecar);
    const db2 = new Redis({ port: server.port, host: '127.0.0.1', password: PASSWORD, db: 2 });
    const db0 = new Redis({ port: server.port, host: '127.0.0.1', password: PASSWORD, db: 0 });
    try {
      assert.equal(await db2.get('k'), 'foobar');
      assert.deepEqual(await db2.hgetall('h'), { f: 'v' });
      assert.equal(await db0.dbsize(), 0);
    } finally {
      db2.disconnect();
      db0.disconnect();
    }
    assert.equal((await client.call(['BITCOUNT', 'k'])).toString('latin1'), ':26\r\n');
    const status = (await client.call(['CRDT.MIRROR', 'STATUS'])).toString('latin1');
    assert.ok(!status.includes(PASSWORD), 'STATUS must not show the password');
    assert.match(status, /redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/2/);
  });

  it('keeps serving with a wrong password and says why the mirror is not connected', async () => {
    sidecar = await startSidecar(['--mirror', `redis://:wrong@127.0.0.1:${server.port}/2`]);
    client = await RawClient.connect(sidecar.resp.port);
    assert.equal((await client.call(['SET', 'k', 'v'])).toString('latin1'), '+OK\r\n');
    const mirror = sidecar.mirror!;
    await eventually('the failed handshake to be reported', () => /WRONGPASS|invalid password/i.test(mirror.counters.lastError));
    assert.equal(mirror.state, 'connecting');
    assert.match((await client.call(['CRDT.MIRROR', 'STATUS'])).toString('latin1'), /mirror_last_error\r\n\$\d+\r\n[^\r]*(WRONGPASS|invalid password)/i);
    assert.match((await client.call(['CRDT.MIRROR', 'REBUILD'])).toString('latin1'), /^-ERR the local Redis mirror is not connected/);
  });
});
