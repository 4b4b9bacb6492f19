/** Properties every set of built objects must have, whatever the spec. */
import assert from 'node:assert/strict';
import type { KubernetesObject, V1Container, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import YAML from 'yaml';
import { MAX_REPLICAS, type RedisCRDTCluster } from '../../src/api/v1alpha1/index.js';
import * as r from '../../src/resources/index.js';
import { cluster, fullCluster } from '../fixtures/clusters.js';
import { allObjects } from '../fixtures/objects.js';

const CLUSTERS: Array<[string, RedisCRDTCluster]> = [['basic', cluster()], ['full', fullCluster()], ['longest name', cluster({}, 'a'.repeat(40))]];

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podParts(c: RedisCRDTCluster): { sts: V1StatefulSet; labels: Record<string, string>; containers: V1Container[] } {
  const sts = r.buildStatefulSet(c, { replicas: 3, claimTemplateSize: '1Gi' });
  return { sts, labels: sts.spec?.template.metadata?.labels ?? {}, containers: sts.spec?.template.spec?.containers ?? [] };
}

describe('resources: invariants', () => {
  for (const [label, c] of CLUSTERS) {
    describe(label, () => {
      const objects = allObjects(c, 5);

      it('gives every object a controller owner reference to the cluster and the standard labels', () => {
        for (const o of objects) {
          assert.deepEqual(o.metadata?.ownerReferences, [r.ownerReference(c)], `${o.kind}/${o.metadata?.name}`);
          assert.equal(o.metadata?.ownerReferences?.[0]?.uid, c.metadata.uid);
          assert.equal(o.metadata?.namespace, c.metadata.namespace);
          assert.equal(o.metadata?.labels?.['app.kubernetes.io/managed-by'], 'redis-crdt-operator');
        }
      });

      it('keeps every name and label value within 63 characters', () => {
        for (const o of objects) {
          assert.ok((o.metadata?.name ?? '').length <= 63, o.metadata?.name);
          for (const v of Object.values(o.metadata?.labels ?? {})) assert.ok(v.length <= 63, v);
        }
        const names = r.namesFor(c.metadata.name);
        for (let i = 0; i < MAX_REPLICAS; i++) {
          assert.ok(names.pvc(i).length <= 63 && names.podTlsSecret(i).length <= 63);
          // Pod hostnames get a controller-revision-hash label `<sts>-<10 chars>`; that must fit as well.
          assert.ok(`${names.statefulSet}-0123456789`.length <= 63);
        }
      });

      it('selects exactly the replica pods from the StatefulSet, Services, PDB and NetworkPolicy', () => {
        const { sts, labels } = podParts(c);
        assert.ok(matches(sts.spec?.selector.matchLabels, labels));
        for (const s of [r.buildHeadlessService(c), r.buildClientService(c)]) assert.ok(matches(s.spec?.selector, labels), s.metadata?.name);
        assert.ok(matches(r.buildPodDisruptionBudget(c).spec?.selector?.matchLabels, labels));
        assert.ok(matches(r.buildNetworkPolicy(c).spec?.podSelector?.matchLabels, labels));
        const other = cluster({}, 'other');
        assert.ok(!matches(r.buildHeadlessService(other).spec?.selector, labels), 'another cluster must not select these pods');
      });

      it('routes every Service port, probe and policy port to a declared container port', () => {
        const { containers } = podParts(c);
        const sidecar = containers.find((x) => x.name === 'sidecar');
        const named = new Map((sidecar?.ports ?? []).map((p) => [p.name, p.containerPort]));
        const services: V1Service[] = [r.buildHeadlessService(c), r.buildClientService(c)];
        for (const p of services.flatMap((s) => s.spec?.ports ?? [])) assert.equal(named.get(String(p.targetPort)), p.port);
        for (const probe of [sidecar?.readinessProbe, sidecar?.livenessProbe, sidecar?.startupProbe]) assert.ok(named.has(String(probe?.httpGet?.port)));
        const policyPorts = (r.buildNetworkPolicy(c).spec?.ingress ?? []).flatMap((i) => i.ports ?? []).map((p) => p.port);
        assert.deepEqual([...policyPorts].sort(), [...named.values()].sort());
        assert.ok(sidecar?.args?.includes(`--repl-port=${r.REPL_PORT}`) && sidecar.args.includes(`--admin-port=${r.ADMIN_PORT}`));
      });

      it('mounts only volumes the pod declares, and projects each ordinal\'s TLS Secret under its pod name into tls-sync only', () => {
        const { sts, containers } = podParts(c);
        const initContainers = sts.spec?.template.spec?.initContainers ?? [];
        const volumes = new Set((sts.spec?.template.spec?.volumes ?? []).map((v) => v.name));
        const claims = new Set((sts.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name));
        for (const m of [...containers, ...initContainers].flatMap((x) => x.volumeMounts ?? [])) assert.ok(volumes.has(m.name) || claims.has(m.name), m.name);
        // Every replica's private key is in tls-source: no container but the native sidecar tls-sync mounts it.
        const mounting = [...containers, ...initContainers].filter((x) => x.volumeMounts?.some((m) => m.name === 'tls-source')).map((x) => x.name);
        assert.deepEqual(mounting, ['tls-sync']);
        assert.equal(initContainers.find((x) => x.name === 'tls-sync')?.restartPolicy, 'Always');
        assert.equal(sts.spec?.template.spec?.volumes?.find((v) => v.name === 'tls')?.emptyDir?.medium, 'Memory');
        const tls = sts.spec?.template.spec?.volumes?.find((v) => v.name === 'tls-source');
        const names = r.namesFor(c.metadata.name);
        assert.equal(tls?.projected?.sources?.length, MAX_REPLICAS);
        tls?.projected?.sources?.forEach((s, i) => {
          assert.equal(s.secret?.name, r.buildPodTlsSecret(c, { ordinal: i, certPem: '', keyPem: '', trustBundlePem: '' }).metadata?.name);
          assert.ok(s.secret?.items?.every((it) => it.path.startsWith(`${names.pod(i)}/`)));
        });
      });

      it('lists peers at the stable DNS names the certificates carry', () => {
        const file = r.peersFile(c, [0, 1, 2], [], 'cluster.local');
        const parsed = YAML.parse(YAML.stringify(file)) as r.PeersFile;
        for (const [i, p] of parsed.peers.slice(0, 3).entries()) {
          assert.equal(p.id, r.namesFor(c.metadata.name).pod(i));
          assert.equal(p.address, `${p.serverName}:${r.REPL_PORT}`);
          assert.ok(p.serverName?.startsWith(`${p.id}.${r.namesFor(c.metadata.name).headlessService}.${c.metadata.namespace}.svc.`));
        }
        assert.equal(parsed.peers.length, 3 + c.spec.remoteClusters.flatMap((x) => x.peers).length);
      });
    });
  }

  it('builds a pod template that does not depend on the replica count (scaling never rolls pods)', () => {
    const c = fullCluster();
    const a = r.buildStatefulSet(c, { replicas: 1, claimTemplateSize: '1Gi' });
    const b = r.buildStatefulSet(c, { replicas: 15, claimTemplateSize: '1Gi' });
    assert.deepEqual(a.spec?.template, b.spec?.template);
  });

  it('lets user labels never override the selector labels', () => {
    const labels = r.buildPodTemplate(fullCluster()).metadata?.labels;
    assert.equal(labels?.['app.kubernetes.io/name'], 'redis-crdt');
    assert.equal(labels?.['team'], 'payments');
  });

  it('passes the password by Secret reference, never on the command line', () => {
    const sidecar = r.buildSidecarContainer(fullCluster());
    assert.deepEqual(sidecar.env?.find((e) => e.name === 'REDIS_CRDT_REQUIREPASS')?.valueFrom?.secretKeyRef, { name: 'cache-auth', key: 'password' });
    assert.ok(!(sidecar.args ?? []).some((a) => a.includes('requirepass')));
  });

  it('truncates long names to 63 with a hash that keeps them distinct', () => {
    const a = r.truncateName(`${'x'.repeat(70)}-a`);
    const b = r.truncateName(`${'x'.repeat(70)}-b`);
    assert.equal(a.length, 63);
    assert.notEqual(a, b);
    assert.match(a, /^[a-z0-9-]+[a-z0-9]$/);
    assert.equal(r.truncateName('short'), 'short');
    assert.equal(r.ordinalOf('cache', 'cache-12'), 12);
    assert.equal(r.ordinalOf('cache', 'cache-01'), undefined);
    assert.equal(r.ordinalOf('cache', 'cachex-1'), undefined);
  });

  it('allows the replication port from the cluster\'s replica pods, its injected members and remote CIDRs only', () => {
    const c = fullCluster();
    const rules = r.buildNetworkPolicy(c).spec?.ingress ?? [];
    const repl = rules.find((x) => x.ports?.some((p) => p.port === r.REPL_PORT));
    assert.equal(repl?.ports?.length, 1, 'the replication rule opens nothing else');
    assert.deepEqual(repl?._from?.map((f) => f.ipBlock?.cidr ?? 'pods'), ['pods', 'pods', '10.20.0.0/16']);
    // A pod the webhook injects carries the opt-in label naming the cluster: it must reach the replicas.
    const injectedLabels = { app: 'counter', [r.INJECT_LABEL]: c.metadata.name };
    assert.ok(repl?._from?.some((f) => matches(f.podSelector?.matchLabels, injectedLabels)), 'injected members may replicate with the replicas');
    assert.ok(!repl?._from?.some((f) => matches(f.podSelector?.matchLabels, { app: 'counter', [r.INJECT_LABEL]: 'other' })), 'members of another cluster may not');
    const objects: KubernetesObject[] = allObjects(cluster(), 3);
    assert.ok(!objects.some((o) => o.kind === 'ServiceMonitor'), 'no ServiceMonitor unless enabled');
  });
});
