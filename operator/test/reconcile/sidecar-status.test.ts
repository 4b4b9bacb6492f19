import assert from 'node:assert/strict';
import { parseSidecarStatus } from '../../src/reconcile/sidecar-status.js';

/** The shape the sidecar's GET /v1/status returns (sidecar/src/app/sidecar.ts status()). */
const real = {
  replicaId: 'cache-2', originId: 'cache-2~62cf9c', ready: false, draining: true, opsOriginated: 20, opsApplied: 3, oplogBytes: 1507, keys: 2,
  versionVector: { 'cache-0~a1': 1, 'cache-2~62cf9c': 20 },
  peers: [{ id: 'cache-0', address: 'cache-0.cache-headless.ns.svc.cluster.local:7379', state: 'alive', link: 'up', lagOps: 0, lagMs: 0, paused: false, ackedVersionVector: { 'cache-2~62cf9c': 20 } }],
  mirror: { state: 'ok' },
};

describe('reconcile: sidecar /v1/status parsing', () => {
  it('reads the sidecar\'s document, keeping its origin id apart from the pod name', () => {
    const r = parseSidecarStatus(real);
    assert.ok(r.ok);
    assert.equal(r.value.replicaId, 'cache-2');
    assert.equal(r.value.originId, 'cache-2~62cf9c');
    assert.equal(r.value.peers[0]?.ackedVersionVector['cache-2~62cf9c'], 20);
    assert.equal(r.value.draining, true);
  });

  it('defaults originId to replicaId and rejects malformed documents', () => {
    const { originId: _o, ...old } = real;
    const r = parseSidecarStatus(old);
    assert.ok(r.ok && r.value.originId === 'cache-2');
    assert.deepEqual(parseSidecarStatus({ ...real, versionVector: { a: 'x' } }), { ok: false, error: 'versionVector missing or malformed' });
    assert.deepEqual(parseSidecarStatus({ ...real, peers: [{ id: 'x', state: 'zombie' }] }), { ok: false, error: 'a peer entry is malformed' });
    assert.equal(parseSidecarStatus('nope').ok, false);
  });
});
