// The node agent's NetworkPolicy tables (network-policy.ts), checked without a cluster.
import assert from 'node:assert/strict';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { ingressTable, selectorMatches, type PolicyPod, type PolicyWorld } from '../harness/node-agent/network-policy.js';

const pod = (name: string, ip: string, labels: Record<string, string>, namespace = 'prod'): PolicyPod & { name: string } => ({ name, namespace, labels, ip, namedPorts: new Map([['repl', 7379]]) });
const replica0 = pod('cache-0', '10.9.0.10', { app: 'cache' });
const replica1 = pod('cache-1', '10.9.0.11', { app: 'cache' });
const member = pod('counter-x', '10.9.0.20', { app: 'counter', 'rediscrdt.io/inject': 'cache' });
const outsider = pod('web', '10.9.0.30', { app: 'web' });
const elsewhere = pod('cache-0', '10.9.0.40', { app: 'cache' }, 'staging');

const policy: V1NetworkPolicy = {
  metadata: { name: 'cache', namespace: 'prod' },
  spec: {
    podSelector: { matchLabels: { app: 'cache' } },
    policyTypes: ['Ingress'],
    ingress: [
      { ports: [{ protocol: 'TCP', port: 'repl' }], _from: [{ podSelector: { matchLabels: { app: 'cache' } } }, { podSelector: { matchLabels: { 'rediscrdt.io/inject': 'cache' } } }, { ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.5.0/24'] } }] },
      { ports: [{ protocol: 'TCP', port: 6379 }, { protocol: 'TCP', port: 9379 }] },
    ],
  },
};

const world = (policies: V1NetworkPolicy[]): PolicyWorld => ({ policies, pods: [replica0, replica1, member, outsider, elsewhere], namespaces: new Map([['prod', { env: 'prod' }], ['staging', { env: 'staging' }]]), gateway: '10.9.0.1' });
const rules = (table: string): string[] => table.split('\n').filter((l) => l.startsWith('-A') || l.startsWith(':NP'));

describe('node agent: NetworkPolicy ingress tables', function () {
  it('leaves a pod no policy selects open, and isolates a selected one: loopback, replies and the node always, then the rules, then DROP', function () {
    assert.deepEqual(rules(ingressTable(outsider, world([policy]))), []);
    const table = rules(ingressTable(replica0, world([policy])));
    assert.deepEqual(table.slice(0, 4), [':NP-EXCEPT-0 - [0:0]', '-A INPUT -i lo -j ACCEPT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -s 10.9.0.1/32 -j ACCEPT']);
    assert.equal(table[table.length - 1], '-A INPUT -j DROP');
  });

  it('opens the named replication port only to the selected pods of the policy\'s namespace and the ipBlock minus its except', function () {
    const table = rules(ingressTable(replica0, world([policy])));
    const repl = table.filter((l) => l.includes('--dport 7379'));
    assert.deepEqual(repl, [
      '-A INPUT -s 10.9.0.10/32 -p tcp -m tcp --dport 7379 -j ACCEPT',
      '-A INPUT -s 10.9.0.11/32 -p tcp -m tcp --dport 7379 -j ACCEPT',
      '-A INPUT -s 10.9.0.20/32 -p tcp -m tcp --dport 7379 -j ACCEPT',
      '-A INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 7379 -j NP-EXCEPT-0',
    ], 'not the outsider, not the same-labelled pod of another namespace');
    assert.ok(table.includes('-A NP-EXCEPT-0 -s 10.20.5.0/24 -j RETURN') && table.includes('-A NP-EXCEPT-0 -j ACCEPT'));
    // A rule without `from` allows every source on its ports.
    assert.ok(table.includes('-A INPUT -s 0.0.0.0/0 -p tcp -m tcp --dport 6379 -j ACCEPT'));
    assert.ok(table.includes('-A INPUT -s 0.0.0.0/0 -p tcp -m tcp --dport 9379 -j ACCEPT'));
  });

  it('follows namespaceSelector, a policy with no ingress rules denies everything, and other namespaces\' policies do not apply', function () {
    const fromStaging: V1NetworkPolicy = { metadata: { name: 'x', namespace: 'prod' }, spec: { podSelector: {}, ingress: [{ _from: [{ namespaceSelector: { matchLabels: { env: 'staging' } } }] }] } };
    assert.ok(rules(ingressTable(outsider, world([fromStaging]))).includes('-A INPUT -s 10.9.0.40/32 -j ACCEPT'));
    const denyAll: V1NetworkPolicy = { metadata: { name: 'deny', namespace: 'prod' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    assert.deepEqual(rules(ingressTable(outsider, world([denyAll]))).slice(-1), ['-A INPUT -j DROP']);
    assert.equal(rules(ingressTable(outsider, world([denyAll]))).length, 4);
    assert.deepEqual(rules(ingressTable(elsewhere, world([denyAll]))), []);
    const egressOnly: V1NetworkPolicy = { metadata: { name: 'e', namespace: 'prod' }, spec: { podSelector: {}, policyTypes: ['Egress'] } };
    assert.deepEqual(rules(ingressTable(outsider, world([egressOnly]))), []);
  });

  it('matches label selectors as the API does', function () {
    const labels = { app: 'cache', tier: 'db' };
    assert.ok(selectorMatches({}, labels), 'an empty selector selects everything');
    assert.ok(!selectorMatches(undefined, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels));
  });
});
