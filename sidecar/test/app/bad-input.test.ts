import assert from 'node:assert/strict';
import net from 'node:net';
import type { Sidecar } from '../../src/app/sidecar.js';
import { RawClient } from '../support/raw-client.js';
import { RedisServerProcess } from '../support/redis-server.js';
import { startSidecar } from '../support/sidecar.js';

/** Sends raw bytes and collects everything the server writes until it closes (or a timeout). */
function exchange(port: number, bytes: Buffer, waitMs = 1500): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    let closed = false;
    socket.on('data', (chunk: Buffer) => { data += chunk.toString('latin1'); });
    socket.on('close', () => { closed = true; clearTimeout(timer); resolve({ data, closed }); });
    socket.on('error', () => undefined);
    socket.write(bytes);
    const timer = setTimeout(() => { socket.destroy(); resolve({ data, closed }); }, waitMs);
  });
}

describe('bad input: Redis errors, clean closes, nothing lost', function () {
  this.timeout(60000);
  let redisServer: RedisServerProcess;
  let sidecar: Sidecar;
  let bystander: RawClient;

  before(async () => {
    redisServer = await RedisServerProcess.start();
    sidecar = await startSidecar();
    bystander = await RawClient.connect(sidecar.resp.port);
    await bystander.call(['set', 'precious', 'data']);
  });

  after(async () => {
    bystander.close();
    await sidecar.stop();
    await redisServer.stop();
  });

  afterEach(async () => {
    // Every case: the server still serves other clients and lost nothing.
    assert.equal((await bystander.call(['get', 'precious'])).toString('latin1'), '$4\r\ndata\r\n');
  });

  const PROTOCOL_CASES: [string, Buffer][] = [
    ['an oversized bulk length', Buffer.from('*2\r\n$3\r\nget\r\n$536870913\r\n', 'latin1')],
    ['a negative bulk length', Buffer.from('*2\r\n$3\r\nget\r\n$-5\r\n', 'latin1')],
    ['a non-numeric multibulk length', Buffer.from('*x\r\n', 'latin1')],
    ['a multibulk length over the limit', Buffer.from('*1048577\r\n', 'latin1')],
    ['a bulk without $', Buffer.from('*1\r\n+get\r\n', 'latin1')],
    ['unbalanced quotes inline', Buffer.from('set "a b\r\n', 'latin1')],
    ['garbage bytes', Buffer.from([0x2a, 0x31, 0x0d, 0x0a, 0xff, 0xfe, 0x00, 0x01, 0x0d, 0x0a])],
  ];

  for (const [name, bytes] of PROTOCOL_CASES) {
    it(`answers ${name} exactly like redis-server`, async () => {
      const [ours, theirs] = await Promise.all([exchange(sidecar.resp.port, bytes), exchange(redisServer.port, bytes)]);
      assert.equal(ours.data, theirs.data);
      assert.equal(ours.closed, theirs.closed);
    });
  }

  it('an oversized value in SETRANGE/APPEND is refused with the proto-max-bulk-len error', async () => {
    const client = await RawClient.connect(sidecar.resp.port);
    assert.equal((await client.call(['setrange', 'big', '536870911', 'xx'])).toString('latin1'), '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    assert.equal((await client.call(['exists', 'big'])).toString('latin1'), ':0\r\n');
    client.close();
  });

  it('a client disconnecting in the middle of a command changes nothing', async () => {
    await exchange(sidecar.resp.port, Buffer.from('*3\r\n$3\r\nset\r\n$4\r\nhalf\r\n$10\r\nonly', 'latin1'), 200);
    assert.equal((await bystander.call(['exists', 'half'])).toString('latin1'), ':0\r\n');
  });

  it('unsupported commands get Redis\'s unknown-command error and the connection stays open', async () => {
    const client = await RawClient.connect(sidecar.resp.port);
    assert.equal((await client.call(['xadd', 's', '*', 'f', 'v'])).toString('latin1'), "-ERR unknown command 'xadd', with args beginning with: 's' '*' 'f' 'v' \r\n");
    assert.equal((await client.call(['ping'])).toString('latin1'), '+PONG\r\n');
    client.close();
  });
});
