/**
 * Renders the chart with a real `helm` (helm lint + helm template). Not part of
 * the unit glob (`*.test.js`): it needs the helm binary the e2e testbed builds.
 * Run: npx mocha --no-config --timeout 120000 'dist/operator/test/**\/*.helm.js'
 * Without helm it FAILS with instructions; it never passes silently.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { repoPath } from '../fixtures/repo.js';

function findHelm(): string | undefined {
  const fromEnv = process.env['HELM'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  const cache = path.join(os.homedir(), '.cache/redis-crdt');
  if (!existsSync(cache)) return undefined;
  return readdirSync(cache).filter((d) => d.startsWith('k8s-')).sort().reverse().map((d) => path.join(cache, d, 'bin/helm')).find((p) => existsSync(p));
}

const CHART = repoPath('charts/redis-crdt-operator');

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const bin = findHelm();
  if (bin === undefined) throw new Error('helm not found: set $HELM or build it with `bash e2e/testbed/build.sh` (it lands in ~/.cache/redis-crdt/k8s-*/bin/helm)');
  return spawnSync(bin, args, { encoding: 'utf8' });
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
function render(release: string, set: string[] = []): Obj[] {
  const r = helm(['template', release, CHART, '--namespace', 'ops', '--include-crds', '--kube-version', '1.33.0', ...set.flatMap((s) => ['--set', s])]);
  assert.equal(r.status, 0, r.stderr);
  return YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

describe('Helm chart rendered by helm', () => {
  it('passes helm lint', () => {
    const r = helm(['lint', CHART, '--strict']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('renders the CRD, a cluster-wide operator and its metrics by default', () => {
    const objects = render('rco');
    const kinds = objects.map((o) => o.kind).sort();
    assert.deepEqual(kinds, [
      'ClusterRole', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'CustomResourceDefinition', 'Deployment',
      'MutatingWebhookConfiguration', 'Role', 'Role', 'RoleBinding', 'RoleBinding', 'Service', 'Service', 'ServiceAccount',
    ]);
    const deploy = objects.find((o) => o.kind === 'Deployment');
    assert.match(JSON.stringify(deploy), /ghcr.io\/redis-crdt\/redis-crdt-operator:0.1.0/);
  });

  it('uses a namespaced Role when watching one namespace, and keeps names within 63 characters', () => {
    const objects = render('a'.repeat(53), ['watchNamespace=apps', 'metrics.serviceMonitor.enabled=true']);
    assert.ok(objects.some((o) => o.kind === 'Role' && o.metadata.namespace === 'apps'));
    // The only cluster-wide right left is the injection webhook's: its own configuration's caBundle.
    const clusterRoles = objects.filter((o) => o.kind === 'ClusterRole') as Array<Obj & { rules?: Array<{ resources: string[]; resourceNames?: string[] }> }>;
    assert.deepEqual(clusterRoles.flatMap((r) => r.rules ?? []).map((rule) => [rule.resources, rule.resourceNames?.length]), [[['mutatingwebhookconfigurations'], 1]]);
    assert.ok(objects.some((o) => o.kind === 'ServiceMonitor'));
    for (const o of objects) assert.ok(o.metadata.name.length <= 63, `${o.kind} ${o.metadata.name}`);
  });

  it('rejects unknown values through values.schema.json', () => {
    const r = helm(['template', 'x', CHART, '--kube-version', '1.33.0', '--set', 'imagee.tag=1']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /imagee|additional properties/i);
  });
});
