import assert from 'node:assert/strict';
import YAML from 'yaml';
import { planReplicas } from '../../src/reconcile/scale-down.js';
import type { SidecarStatus } from '../../src/reconcile/sidecar-status.js';
import { ipOf, startPods } from '../fixtures/fake-data-plane.js';
import { Env } from '../fixtures/reconcile-env.js';

function peersFile(env: Env): { peers: Array<{ id: string }>; removed: string[] } {
  const cm = env.kube.find('v1', 'ConfigMap', 'prod', 'cache-peers');
  return YAML.parse(String((cm?.['data'] as Record<string, string>)['peers.yaml'])) as { peers: Array<{ id: string }>; removed: string[] };
}
const stsReplicas = (env: Env): number => (env.kube.find('apps/v1', 'StatefulSet', 'prod', 'cache')?.['spec'] as { replicas: number }).replicas;
const scaleDown = (env: Env): Record<string, unknown> | undefined => env.status()['scaleDown'] as Record<string, unknown> | undefined;

describe('reconcile: safe scale-down 3 → 2', () => {
  it('drains, waits for every peer to hold the leaving replica\'s ops, retires it, then shrinks', async () => {
    const env = new Env();
    await env.reconcile();
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2], 5);
    await env.reconcile();
    // cache-2 wrote 3 more ops that cache-0 has not received yet.
    const leaving = env.sidecars.byIP.get(ipOf(2));
    if (leaving === undefined) throw new Error('fixture');
    leaving.versionVector['cache-2'] = 8;
    leaving.opsOriginated = 8;
    for (const p of leaving.peers) p.ackedVersionVector['cache-2'] = p.id === 'cache-1' ? 8 : 5;
    const c1 = env.sidecars.byIP.get(ipOf(1));
    if (c1 !== undefined) c1.versionVector['cache-2'] = 8;

    env.editSpec({ replicas: 2 });
    await env.reconcile();
    assert.deepEqual(env.sidecars.calls, [`drain ${ipOf(2)}`]);
    assert.deepEqual(env.sidecars.tokens, [env.secretText('cache-admin', 'token')], 'the drain carries the cluster\'s admin token');
    assert.deepEqual(scaleDown(env)?.['phase'], 'Draining');
    assert.equal(stsReplicas(env), 3, 'the pod stays while draining');
    assert.equal(env.condition('Progressing')?.reason, 'ScalingDown');

    await env.reconcile();
    assert.equal(scaleDown(env)?.['phase'], 'WaitingForAcks');
    assert.equal(scaleDown(env)?.['leavingSeq'], 8);
    await env.reconcile();
    assert.equal(scaleDown(env)?.['phase'], 'WaitingForAcks', 'cache-0 has only 5 of 8 ops');
    assert.match(env.condition('Progressing')?.message ?? '', /Waiting for cache-0 to acknowledge cache-2's 8 ops/);
    assert.deepEqual(peersFile(env).removed, []);

    const c0 = env.sidecars.byIP.get(ipOf(0));
    if (c0 !== undefined) c0.versionVector['cache-2'] = 8;
    await env.reconcile();
    assert.equal(scaleDown(env)?.['phase'], 'RemovingPeer');
    assert.equal(stsReplicas(env), 3);

    await env.reconcile();
    assert.equal(scaleDown(env)?.['phase'], 'Shrinking');
    assert.deepEqual(peersFile(env).removed, ['cache-2']);
    assert.deepEqual(peersFile(env).peers.map((p) => p.id), ['cache-0', 'cache-1']);
    assert.equal(stsReplicas(env), 2);

    env.kube.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-cache-2', namespace: 'prod' }, spec: {} });
    await env.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'prod', name: 'cache-2' });
    env.sidecars.byIP.delete(ipOf(2));
    for (const ip of [ipOf(0), ipOf(1)]) {
      const s = env.sidecars.byIP.get(ip);
      if (s !== undefined) s.peers = s.peers.filter((p) => p.id !== 'cache-2');
    }
    await env.reconcile();
    assert.equal(scaleDown(env), undefined);
    assert.deepEqual(env.status()['removedReplicas'], ['cache-2']);
    assert.equal(env.kube.find('v1', 'PersistentVolumeClaim', 'prod', 'data-cache-2'), undefined, 'the retired volume is deleted');
    assert.equal(env.condition('Ready')?.status, 'True');
    env.kube.changes = [];
    await env.reconcile();
    assert.deepEqual(env.kube.changes, [], 'settled: nothing more to do');
  });

  it('takes a draining replica back into service when the scale-down is cancelled in time', async () => {
    const env = new Env();
    await env.reconcile();
    startPods(env.kube, env.sidecars, 'cache', [0, 1, 2]);
    env.editSpec({ replicas: 2 });
    await env.reconcile();
    assert.equal(scaleDown(env)?.['phase'], 'Draining');
    env.editSpec({ replicas: 3 });
    await env.reconcile();
    assert.deepEqual(env.sidecars.calls, [`drain ${ipOf(2)}`, `undrain ${ipOf(2)}`]);
    assert.equal(scaleDown(env), undefined);
    assert.equal(stsReplicas(env), 3);
  });

  it('refuses to scale back up into a retired replica id', async () => {
    const env = new Env({ replicas: 2 });
    const cr = env.cr();
    env.kube.put({ ...cr, status: { removedReplicas: ['cache-2'] } });
    env.editSpec({ replicas: 4 });
    await env.reconcile();
    assert.equal(stsReplicas(env), 2);
    assert.equal(env.condition('Degraded')?.reason, 'ReplicaIdRetired');
  });
});

describe('scale planner (pure)', () => {
  const status = (id: string, vv: Record<string, number>, draining = false): SidecarStatus => ({ replicaId: id, originId: id, ready: !draining, draining, opsOriginated: vv[id] ?? 0, oplogBytes: 0, versionVector: vv, peers: [] });
  const base = { clusterName: 'c', removed: [], existingPods: new Set(['c-0', 'c-1']), now: 't' };

  it('pauses at replicas 0 without draining or retiring anyone', () => {
    const plan = planReplicas({ ...base, desired: 0, current: 3, statuses: new Map() });
    assert.equal(plan.replicas, 0);
    assert.equal(plan.progress, undefined);
    assert.equal(plan.retire, undefined);
  });

  it('scales up directly', () => {
    assert.deepEqual(planReplicas({ ...base, desired: 5, current: 3, statuses: new Map() }), { replicas: 5 });
  });

  it('waits while the leaving replica cannot be reached, keeping it in the cluster', () => {
    const plan = planReplicas({ ...base, desired: 1, current: 2, statuses: new Map(), progress: { leaving: 'c-1', phase: 'WaitingForAcks', leavingSeq: 4, startedAt: 't' } });
    assert.equal(plan.replicas, 2);
    assert.match(plan.message ?? '', /Waiting for c-1 to answer/);
  });

  it('re-drains a leaving replica that restarted and forgot it was draining', () => {
    const statuses = new Map([['c-1', status('c-1', { 'c-1': 4 })], ['c-0', status('c-0', { 'c-1': 1 })]]);
    const plan = planReplicas({ ...base, desired: 1, current: 2, statuses, progress: { leaving: 'c-1', phase: 'WaitingForAcks', leavingSeq: 4, startedAt: 't' } });
    assert.equal(plan.drain, 'c-1');
    assert.equal(plan.progress?.phase, 'WaitingForAcks');
  });
});

describe('scale planner with incarnation-suffixed replica ids', () => {
  it('counts the leaving pod\'s ops under <pod>~<incarnation> and waits until every peer holds them', () => {
    const leaving: SidecarStatus = {
      replicaId: 'c-1', originId: 'c-1~9f3a', ready: false, draining: true, opsOriginated: 7, oplogBytes: 0,
      versionVector: { 'c-1~9f3a': 7, 'c-1~0001': 3, 'c-0~77aa': 4 },
      peers: [{ id: 'c-0', address: '', state: 'alive', lagOps: 0, lagMs: 0, ackedVersionVector: { 'c-1~9f3a': 6, 'c-1~0001': 3 } }],
    };
    const peer = (vv: Record<string, number>): SidecarStatus => ({ replicaId: 'c-0', originId: 'c-0~77aa', ready: true, draining: false, opsOriginated: 4, oplogBytes: 0, versionVector: vv, peers: [] });
    const progress = { leaving: 'c-1', phase: 'WaitingForAcks' as const, leavingSeq: 7, startedAt: 't' };
    const base = { clusterName: 'c', desired: 1, current: 2, removed: [], existingPods: new Set(['c-0', 'c-1']), now: 't', progress };
    const behind = planReplicas({ ...base, statuses: new Map([['c-1', leaving], ['c-0', peer({ 'c-1~9f3a': 6, 'c-1~0001': 3 })]]) });
    assert.equal(behind.progress?.phase, 'WaitingForAcks');
    const oldIncarnationMissing = planReplicas({ ...base, statuses: new Map([['c-1', leaving], ['c-0', peer({ 'c-1~9f3a': 7 })]]) });
    assert.equal(oldIncarnationMissing.progress?.phase, 'RemovingPeer', 'acked VV covers the old incarnation');
    const noAck: SidecarStatus = { ...leaving, peers: [] };
    const missingOld = planReplicas({ ...base, statuses: new Map([['c-1', noAck], ['c-0', peer({ 'c-1~9f3a': 7 })]]) });
    assert.equal(missingOld.progress?.phase, 'WaitingForAcks', 'the old incarnation\'s 3 ops are not proven held by c-0');
    const covered = planReplicas({ ...base, statuses: new Map([['c-1', noAck], ['c-0', peer({ 'c-1~9f3a': 7, 'c-1~0001': 3 })]]) });
    assert.equal(covered.progress?.phase, 'RemovingPeer');
  });
});
