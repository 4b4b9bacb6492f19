import assert from 'node:assert/strict';
import { RespServer, type ServerOptions } from '../../src/net/server.js';
import { bulk } from '../../src/resp/reply.js';
import { EchoSink } from './echo-sink.js';
import { RawClient, sleep } from './raw-client.js';

async function start(opts: ServerOptions = {}): Promise<{ server: RespServer; sink: EchoSink }> {
  const sink = new EchoSink();
  const server = new RespServer(sink, { port: 0, ...opts });
  await server.listen();
  return { server, sink };
}

const cmd = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

describe('net/server: requests and replies over TCP', () => {
  let server: RespServer;
  let sink: EchoSink;
  beforeEach(async () => ({ server, sink } = await start()));
  afterEach(() => server.close(200));

  it('answers multibulk and inline requests', async () => {
    const c = await RawClient.connect(server.port);
    const want = '+PONG\r\n$5\r\nhello\r\n$3\r\na b\r\n';
    c.write(cmd('PING') + cmd('ECHO', 'hello') + 'ECHO "a b"\r\n');
    await c.untilText(want);
    assert.equal(c.text(), want);
    c.destroy();
  });

  it('pipelines 10,000 commands in one write: replies in order, batched writes', async () => {
    const c = await RawClient.connect(server.port);
    const n = 10_000;
    let input = '';
    let want = '';
    for (let i = 0; i < n; i++) {
      input += cmd('ECHO', String(i));
      want += `$${String(i).length}\r\n${i}\r\n`;
    }
    c.write(input);
    await c.untilText(want);
    assert.equal(c.text(), want);
    assert.equal(sink.executed.length, n);
    // One release (= one socket.write) per read event, not per reply.
    assert.ok(sink.releases < 100, `${sink.releases} batches for ${n} commands`);
    assert.ok(c.dataEvents < 100, `${c.dataEvents} data events at the client`);
    assert.equal(server.stats.totalCommands, n);
    assert.equal(server.stats.bytesOut, Buffer.byteLength(want));
    assert.equal(server.stats.bytesIn, Buffer.byteLength(input));
    c.destroy();
  });

  it('BLOCKED holds the pipeline until unblock, then continues in order', async () => {
    const c = await RawClient.connect(server.port);
    c.write(cmd('PING') + cmd('BLOCK') + cmd('ECHO', 'after'));
    await c.untilText('+PONG\r\n');
    await sleep(30);
    assert.equal(c.text(), '+PONG\r\n');
    assert.deepEqual(sink.executed.map((a) => a[0]), ['PING', 'BLOCK'], 'ECHO waits');
    sink.unblockAll(bulk('woke'));
    const want = '+PONG\r\n$4\r\nwoke\r\n$5\r\nafter\r\n';
    await c.untilText(want);
    assert.equal(c.text(), want);
    c.destroy();
  });

  it('holds replies until the sink flushes, and flushes batches in order', async () => {
    sink.holdFlushes = true;
    const c = await RawClient.connect(server.port);
    c.write(cmd('ECHO', 'one'));
    await waitFor(() => sink.heldFlushes.length === 1);
    c.write(cmd('ECHO', 'two'));
    await waitFor(() => sink.heldFlushes.length === 2);
    await sleep(20);
    assert.equal(c.text(), '', 'nothing before the flush');
    sink.heldFlushes[0]?.();
    sink.heldFlushes[1]?.();
    await c.untilText('$3\r\none\r\n$3\r\ntwo\r\n');
    assert.equal(c.text(), '$3\r\none\r\n$3\r\ntwo\r\n');
    c.destroy();
  });

  it('push is written at once; in RESP3 as a > push', async () => {
    const c = await RawClient.connect(server.port);
    c.write(cmd('HELLO', '3') + cmd('PUSH', 'x'));
    const want = '+OK\r\n>2\r\n$7\r\nmessage\r\n$1\r\nx\r\n+OK\r\n';
    await c.untilText(want);
    assert.equal(c.text(), want);
    const client = server.clients.get(sink.connectedIds[0] ?? -1);
    assert.ok(client !== undefined);
    client.push(bulk('later'));
    await c.untilText(want + '$5\r\nlater\r\n');
    c.destroy();
  });

  it('a push waits behind a batch the sink has not released yet', async () => {
    sink.holdFlushes = true;
    const c = await RawClient.connect(server.port);
    c.write(cmd('ECHO', 'first'));
    await waitFor(() => sink.heldFlushes.length === 1);
    server.clients.get(sink.connectedIds[0] ?? -1)?.push(bulk('pushed'));
    await sleep(20);
    assert.equal(c.text(), '');
    sink.heldFlushes[0]?.();
    const want = '$5\r\nfirst\r\n$6\r\npushed\r\n';
    await c.untilText(want);
    assert.equal(c.text(), want);
    c.destroy();
  });

  it('a command that closes its own client stops the pipeline at once', async () => {
    const c = await RawClient.connect(server.port);
    c.write(cmd('PING') + cmd('KILL') + cmd('PING'));
    await c.untilClosed();
    assert.deepEqual(sink.executed.map((a) => a[0]), ['PING', 'KILL']);
    await waitFor(() => sink.disconnectedIds.length === 1);
  });

  it('QUIT replies, then closes; later commands are not run', async () => {
    const c = await RawClient.connect(server.port);
    c.write(cmd('PING') + cmd('QUIT') + cmd('PING'));
    await c.untilClosed();
    assert.equal(c.text(), '+PONG\r\n+OK\r\n');
    assert.equal(sink.executed.length, 2);
    await waitFor(() => sink.disconnectedIds.length === 1);
  });

  it('a protocol error is sent after earlier replies, then the connection closes', async () => {
    const c = await RawClient.connect(server.port);
    c.write(cmd('PING') + '*1\r\n$-1\r\n' + cmd('PING'));
    await c.untilClosed();
    assert.equal(c.text(), '+PONG\r\n-ERR Protocol error: invalid bulk length\r\n');
    assert.equal(server.stats.protocolErrors, 1);
    await waitFor(() => sink.disconnectedIds.length === 1);
  });

  it('garbage bytes never stop the server from serving others', async () => {
    let seed = 12345;
    const garbage = Buffer.alloc(200_000);
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      garbage[i] = seed >> 16;
    }
    const bad = await RawClient.connect(server.port);
    bad.write(garbage);
    const good = await RawClient.connect(server.port);
    good.write(cmd('PING'));
    await good.untilText('+PONG\r\n');
    await bad.untilClosed();
    assert.match(bad.text(), /-ERR Protocol error: [^\r\n]+\r\n$/);
    good.destroy();
  });

  it('a client that disconnects mid-bulk is dropped cleanly', async () => {
    const c = await RawClient.connect(server.port);
    c.write('*2\r\n$4\r\nECHO\r\n$10\r\nab');
    await waitFor(() => server.stats.bytesIn > 0);
    c.destroy();
    await waitFor(() => sink.disconnectedIds.length === 1);
    assert.equal(sink.executed.length, 0);
    assert.equal(server.clients.size, 0);
    assert.equal(server.stats.connectedClients, 0);
    const d = await RawClient.connect(server.port);
    d.write(cmd('PING'));
    await d.untilText('+PONG\r\n');
    d.destroy();
  });

  it('a slow reader pauses execution (backpressure) and gets every byte later', async () => {
    const c = await RawClient.connect(server.port);
    c.socket.pause();
    const n = 400;
    const size = 65536;
    c.write(cmd('BIG', String(size)).repeat(n));
    await sleep(150);
    const ranWhilePaused = sink.executed.length;
    assert.ok(ranWhilePaused < n / 2, `${ranWhilePaused} of ${n} ran while the client read nothing`);
    let bytes = 0;
    c.socket.removeAllListeners('data');
    c.socket.on('data', (d: Buffer) => (bytes += d.length));
    c.socket.resume();
    const perReply = `$${size}\r\n`.length + size + 2;
    await waitFor(() => bytes === n * perReply, 5000);
    assert.equal(sink.executed.length, n);
    c.destroy();
  });
});

describe('net/server: limits and lifecycle', () => {
  it('rejects clients over maxclients with Redis\'s error', async () => {
    const { server } = await start({ maxClients: 1 });
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    await b.untilClosed();
    assert.equal(b.text(), '-ERR max number of clients reached\r\n');
    assert.equal(server.stats.rejectedConnections, 1);
    assert.equal(server.stats.totalConnections, 1);
    a.destroy();
    await server.close(200);
  });

  it('applies the unauthenticated limits until the client authenticates', async () => {
    const { server } = await start({ authRequired: true });
    const a = await RawClient.connect(server.port);
    a.write('*11\r\n');
    await a.untilClosed();
    assert.equal(a.text(), '-ERR Protocol error: unauthenticated multibulk length\r\n');
    const b = await RawClient.connect(server.port);
    b.write(cmd('AUTH', 'pw') + cmd(...Array<string>(11).fill('ARGC')));
    await b.untilText('+OK\r\n:11\r\n');
    b.destroy();
    await server.close(200);
  });

  it('limit changes apply to connected clients', async () => {
    const { server } = await start();
    const c = await RawClient.connect(server.port);
    c.write(cmd('ECHO', 'abcdef'));
    await c.untilText('$6\r\nabcdef\r\n');
    server.limits.maxBulkLen = 5;
    c.write(cmd('ECHO', 'abcdef'));
    await c.untilClosed();
    assert.equal(c.text(), '$6\r\nabcdef\r\n-ERR Protocol error: invalid bulk length\r\n');
    await server.close(200);
  });

  it('closes without a reply past the query buffer limit', async () => {
    const { server } = await start({ limits: { maxQueryBuffer: 1000 } });
    const c = await RawClient.connect(server.port);
    c.write('*1\r\n$5000\r\n' + 'x'.repeat(2000));
    await c.untilClosed();
    assert.equal(c.text(), '');
    await server.close(200);
  });

  it('close() stops accepting and ends connected clients after their replies', async () => {
    const { server, sink } = await start();
    const c = await RawClient.connect(server.port);
    c.write(cmd('PING'));
    await c.untilText('+PONG\r\n');
    const port = server.port;
    await server.close(500);
    await c.untilClosed();
    assert.deepEqual(sink.disconnectedIds, sink.connectedIds);
    await assert.rejects(RawClient.connect(port));
  });

  it('binds several addresses', async () => {
    const { server } = await start({ host: ['127.0.0.1', '127.0.0.2'] });
    assert.equal(server.addresses().length, 2);
    await server.close(200);
  });
});

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
