import assert from 'node:assert/strict';
import type { Sidecar } from '../../src/app/sidecar.js';
import { RawClient } from '../support/raw-client.js';
import { startSidecar } from '../support/sidecar.js';

async function get(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
  return { status: response.status, body: await response.text() };
}

describe('admin HTTP: health, readiness, metrics, status, drain', function () {
  this.timeout(60000);
  let sidecar: Sidecar;
  let client: RawClient;

  before(async () => {
    sidecar = await startSidecar(['--admin-port', '0']);
    client = await RawClient.connect(sidecar.resp.port);
    await client.call(['set', 'k', 'v']);
    await client.call(['incr', 'n']);
  });

  after(async () => {
    client.close();
    await sidecar.stop();
  });

  it('serves /healthz and /readyz', async () => {
    assert.deepEqual(await get(sidecar.adminPort, '/healthz'), { status: 200, body: 'ok\n' });
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 200);
  });

  it('exports Prometheus metrics for commands, keys and the op log', async () => {
    const { status, body } = await get(sidecar.adminPort, '/metrics');
    assert.equal(status, 200);
    assert.match(body, /redis_crdt_commands_total\{command="set"\} 1/);
    assert.match(body, /redis_crdt_keys 2/);
    assert.match(body, /redis_crdt_oplog_bytes \d+/);
    assert.match(body, /redis_crdt_command_duration_seconds_bucket/);
  });

  it('reports status as JSON with the version vector', async () => {
    const status = JSON.parse((await get(sidecar.adminPort, '/v1/status')).body) as Record<string, unknown>;
    assert.equal(status.replicaId, 'test');
    assert.equal(status.ready, true);
    assert.equal(status.opsOriginated, 2);
    assert.deepEqual(Object.values(status.versionVector as Record<string, number>), [2]);
  });

  it('drain refuses client writes and fails readiness; undrain restores both', async () => {
    assert.equal((await get(sidecar.adminPort, '/v1/drain', 'POST')).status, 200);
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 503);
    assert.match((await client.call(['set', 'k', 'w'])).toString(), /^-READONLY /);
    assert.equal((await client.call(['get', 'k'])).toString(), '$1\r\nv\r\n');
    await get(sidecar.adminPort, '/v1/undrain', 'POST');
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 200);
    assert.equal((await client.call(['set', 'k', 'w'])).toString(), '+OK\r\n');
  });

  it('answers unknown paths with 404 and a hint', async () => {
    const { status, body } = await get(sidecar.adminPort, '/nope');
    assert.equal(status, 404);
    assert.match(body, /\/healthz/);
  });
});

describe('admin HTTP: --admin-token guards drain and undrain', function () {
  this.timeout(60000);
  const TOKEN = 'a3f1c9e07b5d42e8a3f1c9e07b5d42e8';
  let sidecar: Sidecar;

  before(async () => { sidecar = await startSidecar(['--admin-port', '0', '--admin-token', TOKEN]); });
  after(async () => { await sidecar.stop(); });

  it('refuses a POST without the token, or with a wrong one, with 401 and a message that says what to send; changes nothing', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }]) {
      const { status, body } = await get(sidecar.adminPort, '/v1/drain', 'POST', headers);
      assert.equal(status, 401);
      assert.match(body, /Authorization: Bearer <token>.*--admin-token/);
      assert.equal((await get(sidecar.adminPort, '/readyz')).status, 200, 'still ready: the refused drain did nothing');
    }
    // Reads stay open: probes and Prometheus carry no token.
    assert.equal((await get(sidecar.adminPort, '/metrics')).status, 200);
    assert.equal((await get(sidecar.adminPort, '/v1/status')).status, 200);
  });

  it('drains and undrains with the token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await get(sidecar.adminPort, '/v1/drain', 'POST', auth)).status, 200);
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 503);
    assert.equal((await get(sidecar.adminPort, '/v1/undrain', 'POST', { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 503);
    assert.equal((await get(sidecar.adminPort, '/v1/undrain', 'POST', auth)).status, 200);
    assert.equal((await get(sidecar.adminPort, '/readyz')).status, 200);
  });
});
