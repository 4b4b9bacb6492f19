/**
 * The chart's injection webhook, rendered by a real helm: the configuration
 * calls the operator's webhook Service, never touches system namespaces or the
 * operator's own, sends only labelled pods, has a configurable failurePolicy and
 * no caBundle (the operator fills it in); the operator gets the matching flags.
 * Run: npx mocha --no-config --timeout 120000 'dist/operator/test/chart/*.helm.js'
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { repoPath } from '../fixtures/repo.js';

function helmBinary(): string {
  const fromEnv = process.env['HELM'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  const cache = path.join(os.homedir(), '.cache/redis-crdt');
  const found = existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith('k8s-')).sort().reverse().map((d) => path.join(cache, d, 'bin/helm')).find((p) => existsSync(p)) : undefined;
  if (found === undefined) throw new Error('helm not found: set $HELM or build it with `bash e2e/testbed/build.sh`');
  return found;
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
interface Webhook {
  failurePolicy: string; sideEffects: string; admissionReviewVersions: string[];
  clientConfig: { caBundle?: string; service?: { name: string; namespace: string; path: string; port: number } };
  namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values: string[] }> };
  objectSelector: { matchExpressions: Array<{ key: string; operator: string }> };
}

function render(set: string[] = []): Obj[] {
  const r = spawnSync(helmBinary(), ['template', 'rco', repoPath('charts/redis-crdt-operator'), '--namespace', 'ops', '--kube-version', '1.33.0', ...set.flatMap((s) => ['--set', s])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

const webhookOf = (objects: Obj[]): Webhook | undefined =>
  (objects.find((o) => o.kind === 'MutatingWebhookConfiguration') as (Obj & { webhooks: Webhook[] }) | undefined)?.webhooks[0];

describe('Helm chart: the injection webhook', () => {
  it('renders a MutatingWebhookConfiguration that calls the webhook Service, for labelled pods only, outside system namespaces', () => {
    const objects = render();
    const hook = webhookOf(objects);
    assert.ok(hook !== undefined);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === hook.clientConfig.service?.name);
    assert.ok(service !== undefined, 'the Service the configuration calls exists');
    assert.deepEqual(hook.clientConfig.service, { name: 'rco-redis-crdt-operator-webhook', namespace: 'ops', path: '/mutate-v1-pod', port: 443 });
    assert.equal(hook.clientConfig.caBundle, undefined, 'the operator injects the CA');
    assert.equal(hook.failurePolicy, 'Fail');
    assert.equal(hook.sideEffects, 'NoneOnDryRun');
    assert.deepEqual(hook.admissionReviewVersions, ['v1']);
    const excluded = hook.namespaceSelector.matchExpressions.find((e) => e.operator === 'NotIn')?.values ?? [];
    for (const ns of ['kube-system', 'ops']) assert.ok(excluded.includes(ns), `${ns} excluded`);
    assert.deepEqual(hook.objectSelector.matchExpressions, [{ key: 'rediscrdt.io/inject', operator: 'Exists' }]);
  });

  it('passes the webhook flags to the operator and opens its port', () => {
    const deploy = render().find((o) => o.kind === 'Deployment') as Obj & { spec: { template: { spec: { containers: Array<{ args: string[]; ports: Array<{ name: string; containerPort: number }> }> } } } };
    const container = deploy.spec.template.spec.containers[0];
    assert.ok(container !== undefined);
    for (const flag of ['--webhook=true', '--webhook-port=9443', '--webhook-service=rco-redis-crdt-operator-webhook', '--webhook-configuration=rco-redis-crdt-operator', '--webhook-secret=rco-redis-crdt-operator-webhook-tls']) {
      assert.ok(container.args.includes(flag), flag);
    }
    assert.ok(container.ports.some((p) => p.name === 'webhook' && p.containerPort === 9443));
  });

  it('takes failurePolicy Ignore, limits injection to the watched namespace, and can be turned off', () => {
    assert.equal(webhookOf(render(['webhook.failurePolicy=Ignore']))?.failurePolicy, 'Ignore');
    const scoped = webhookOf(render(['watchNamespace=apps']));
    assert.deepEqual(scoped?.namespaceSelector.matchExpressions.find((e) => e.operator === 'In')?.values, ['apps']);
    const off = render(['webhook.enabled=false']);
    assert.ok(!off.some((o) => o.kind === 'MutatingWebhookConfiguration' || o.metadata.name.endsWith('-webhook')));
    const deploy = off.find((o) => o.kind === 'Deployment');
    assert.doesNotMatch(JSON.stringify(deploy), /--webhook/);
  });

  it('refuses an unknown failurePolicy through values.schema.json', () => {
    const r = spawnSync(helmBinary(), ['template', 'x', repoPath('charts/redis-crdt-operator'), '--kube-version', '1.33.0', '--set', 'webhook.failurePolicy=Sometimes'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /failurePolicy/);
  });
});
