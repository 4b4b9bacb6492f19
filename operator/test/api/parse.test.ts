import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULTS, parseRedisCRDTCluster, setCondition } from '../../src/api/v1alpha1/index.js';
import { rawCluster } from '../fixtures/cluster.js';

function errorsOf(raw: unknown): string[] {
  const r = parseRedisCRDTCluster(raw);
  assert.equal(r.ok, false, 'expected a parse failure');
  return r.ok ? [] : r.error;
}

describe('api/v1alpha1 parse', () => {
  it('fills every default into a minimal object', () => {
    const r = parseRedisCRDTCluster(rawCluster());
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value.spec, { ...DEFAULTS, replicas: 3 });
    assert.equal(r.value.metadata.generation, 4);
  });

  it('reports every shape error with its path, not just the first', () => {
    const errors = errorsOf(rawCluster({ spec: { replicas: 16, images: { pullPolicy: 'Sometimes' }, persistence: { appendfsync: 'never' } } }));
    assert.deepEqual(errors.sort(), [
      'spec.images.pullPolicy: must be one of Always, IfNotPresent, Never',
      'spec.persistence.appendfsync: must be one of always, everysec, no',
      'spec.replicas: must be an integer between 0 and 15',
    ]);
  });

  it('rejects a wrong kind and a name too long for derived names', () => {
    const raw = { ...rawCluster({ name: 'a'.repeat(41) }), kind: 'Redis' };
    const errors = errorsOf(raw);
    assert.ok(errors.includes('kind: must be RedisCRDTCluster'));
    assert.ok(errors.includes('metadata.name: must be at most 40 characters'));
  });

  it('checks durations, quantities and their relations', () => {
    const errors = errorsOf(rawCluster({ spec: { storage: { size: '1Gb' }, tls: { validity: '10h', caValidity: '15h', renewBefore: '11h' }, gc: { tombstoneMaxAge: '7d' } } }));
    assert.ok(errors.some((e) => e.startsWith('spec.storage.size: invalid quantity')));
    assert.ok(errors.includes('spec.tls.caValidity: must be at least twice spec.tls.validity'));
    assert.ok(errors.includes('spec.tls.renewBefore: must be shorter than spec.tls.validity'));
    assert.ok(errors.some((e) => e.startsWith('spec.gc.tombstoneMaxAge: invalid duration')));
  });

  it('validates remote peers: unique ids, no collision with local ids, host:port, CIDRs', () => {
    const remote = (peers: unknown[], cidrs: string[]): unknown => ({ name: 'east', caSecretRef: { name: 'east-ca' }, peers, cidrs });
    const errors = errorsOf(rawCluster({ spec: { remoteClusters: [
      remote([{ id: 'east-0', address: 'e0.example.com:7379' }, { id: 'east-0', address: 'nope' }], ['10.0.0.0/8']),
      remote([{ id: 'cache-2', address: 'x:1' }], ['10.0.0.0']),
    ] } }));
    assert.deepEqual(errors.sort(), [
      'spec.remoteClusters[0].peers[1].address: must be host:port',
      'spec.remoteClusters[0].peers[1].id: duplicate peer id "east-0"',
      'spec.remoteClusters[1].cidrs[0]: must be a CIDR',
      'spec.remoteClusters[1].peers[0].id: collides with a local replica id',
    ]);
  });

  it('accepts a full remote cluster and defaults the CA key', () => {
    const r = parseRedisCRDTCluster(rawCluster({ spec: { remoteClusters: [{ name: 'east', caSecretRef: { name: 'east-ca' }, peers: [{ id: 'east-0', address: 'e0.example.com:7379', serverName: 'e0' }], cidrs: ['10.1.0.0/16'] }] } }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.spec.remoteClusters[0]?.caSecretRef, { name: 'east-ca', key: 'ca.crt' });
  });

  it('requires an issuer reference for cert-manager', () => {
    assert.ok(errorsOf(rawCluster({ spec: { tls: { issuer: 'certManager' } } })).includes('spec.tls.certManagerIssuerRef: is required when spec.tls.issuer is certManager'));
  });

  it('drops malformed status entries instead of trusting them', () => {
    const r = parseRedisCRDTCluster(rawCluster({ status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'AllGood' }, { type: 'Bogus', status: 'True' }, 7],
      scaleDown: { leaving: 'cache-2', phase: 'Exploding' },
      removedReplicas: ['cache-4', 5],
    } }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.status.conditions?.map((c) => c.type), ['Ready']);
    assert.equal(r.value.status.scaleDown, undefined);
    assert.deepEqual(r.value.status.removedReplicas, ['cache-4']);
  });

  it('never throws, whatever the input', () => {
    fc.assert(fc.property(fc.anything(), (anything) => {
      const r = parseRedisCRDTCluster(anything);
      return typeof r.ok === 'boolean';
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.object(), (spec) => typeof parseRedisCRDTCluster(rawCluster({ spec })).ok === 'boolean'), { numRuns: 300 });
  });
});

describe('api/v1alpha1 conditions', () => {
  it('keeps lastTransitionTime while the status holds and changes it on a flip', () => {
    const a = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: '' }, 1, 't1');
    const b = setCondition(a, { type: 'Ready', status: 'False', reason: 'Waiting', message: 'x' }, 2, 't2');
    assert.equal(b[0]?.lastTransitionTime, 't1');
    assert.equal(b[0]?.observedGeneration, 2);
    const c = setCondition(b, { type: 'Ready', status: 'True', reason: 'AllReady', message: '' }, 2, 't3');
    assert.equal(c[0]?.lastTransitionTime, 't3');
    assert.equal(c.length, 1);
  });
});
