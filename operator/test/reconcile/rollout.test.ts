import assert from 'node:assert/strict';
import { planRollout } from '../../src/reconcile/rollout.js';
import type { PodObservation } from '../../src/reconcile/observe.js';
import { startPods } from '../fixtures/fake-data-plane.js';
import { Env } from '../fixtures/reconcile-env.js';

const pod = (ordinal: number, revision: string, extra: Partial<PodObservation> = {}): PodObservation => ({
  name: `c-${ordinal}`, ordinal, exists: true, ready: true, revision,
  status: { replicaId: `c-${ordinal}`, originId: `c-${ordinal}`, ready: true, draining: false, opsOriginated: 1, oplogBytes: 0, versionVector: {}, peers: [{ id: 'x', address: '', state: 'alive', lagOps: 0, lagMs: 1, ackedVersionVector: {} }] },
  ...extra,
});

describe('rollout planner (pure)', () => {
  it('replaces the highest outdated ordinal first when everything is ready and caught up', () => {
    const plan = planRollout({ updateRevision: 'v2', pods: [pod(0, 'v1'), pod(1, 'v1'), pod(2, 'v2')], scaling: false });
    assert.deepEqual(plan.outdated, ['c-0', 'c-1']);
    assert.equal(plan.deletePod, 'c-1');
  });

  it('waits for replication to catch up before touching the next pod', () => {
    const lagging = pod(2, 'v2');
    lagging.status?.peers.forEach((p) => { p.lagOps = 12; });
    const plan = planRollout({ updateRevision: 'v2', pods: [pod(0, 'v1'), pod(1, 'v1'), lagging], scaling: false });
    assert.equal(plan.deletePod, undefined);
    assert.match(plan.message ?? '', /catch up on c-2/);
  });

  it('waits for unready pods, except a lone unready pod still on the old revision', () => {
    const waiting = planRollout({ updateRevision: 'v2', pods: [pod(0, 'v1'), pod(1, 'v2', { ready: false })], scaling: false });
    assert.equal(waiting.deletePod, undefined);
    const broken = planRollout({ updateRevision: 'v2', pods: [pod(0, 'v2'), pod(1, 'v1', { ready: false })], scaling: false });
    assert.equal(broken.deletePod, 'c-1');
  });

  it('leaves upgrades until a scale-down is finished, and does nothing when all are current', () => {
    assert.equal(planRollout({ updateRevision: 'v2', pods: [pod(0, 'v1')], scaling: true }).deletePod, undefined);
    assert.deepEqual(planRollout({ updateRevision: 'v2', pods: [pod(0, 'v2')], scaling: false }), { outdated: [] });
  });
});

describe('reconcile: rolling upgrade', () => {
  it('deletes one outdated pod per pass and reports Upgrading', async () => {
    const env = new Env();
    await env.reconcile();
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2], 5, 'rev-1');
    const sts = env.kube.find('apps/v1', 'StatefulSet', 'prod', 'cache');
    if (sts === undefined) throw new Error('no sts');
    env.kube.put({ ...sts, status: { updateRevision: 'rev-2', currentRevision: 'rev-1' } });
    await env.reconcile();
    assert.ok(env.kube.changes.includes('delete Pod/cache-2'));
    assert.equal(env.status()['phase'], 'Upgrading');
    env.kube.changes = [];
    await env.reconcile();
    assert.ok(!env.kube.changes.some((c) => c.startsWith('delete Pod')), 'waits for the replaced pod to come back');
  });
});
