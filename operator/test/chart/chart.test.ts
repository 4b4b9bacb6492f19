/** Checks of the Helm chart that need no helm binary (rendering is in helm-template.helm.ts). */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import YAML from 'yaml';
import { DEFAULT_SIDECAR_IMAGE, OPERATOR_VERSION } from '../../src/api/v1alpha1/index.js';
import { validate } from '../fixtures/json-schema.js';
import { repoPath } from '../fixtures/repo.js';

const chart = (p: string): string => readFileSync(repoPath('charts/redis-crdt-operator', p), 'utf8');
const schema = JSON.parse(chart('values.schema.json')) as Record<string, unknown>;
const values = YAML.parse(chart('values.yaml')) as Record<string, unknown>;

describe('Helm chart redis-crdt-operator', () => {
  it('ships the CRD from crds/ unchanged (single source)', () => {
    const source = readFileSync(repoPath('crds/rediscrdt.io_rediscrdtclusters.yaml'), 'utf8');
    assert.equal(chart('crds/rediscrdt.io_rediscrdtclusters.yaml'), source, 'run: cp crds/rediscrdt.io_rediscrdtclusters.yaml charts/redis-crdt-operator/crds/');
    assert.deepEqual(readdirSync(repoPath('charts/redis-crdt-operator/crds')), ['rediscrdt.io_rediscrdtclusters.yaml']);
  });

  it('validates its own defaults against values.schema.json', () => {
    assert.deepEqual(validate(values, schema), []);
  });

  it('rejects unknown keys at every level of values', () => {
    assert.deepEqual(validate({ ...values, imagee: {} }, schema), ['$.imagee: unknown key']);
    assert.deepEqual(validate({ ...values, metrics: { serviceMonitor: { enabeld: true } } }, schema), ['$.metrics.serviceMonitor.enabeld: unknown key']);
    assert.deepEqual(validate({ ...values, logLevel: 'verbose' }, schema).length, 1);
    const objects: string[] = [];
    const walk = (s: Record<string, unknown>, path: string): void => {
      const props = s['properties'] as Record<string, Record<string, unknown>> | undefined;
      if (props === undefined) return;
      if (s['additionalProperties'] !== false) objects.push(path);
      for (const [k, v] of Object.entries(props)) walk(v, `${path}.${k}`);
    };
    walk(schema, '$');
    assert.deepEqual(objects, [], 'every object with declared properties must set additionalProperties: false');
  });

  it('comments every value in values.yaml', () => {
    const lines = chart('values.yaml').split('\n');
    const stack: Array<{ indent: number; key: string }> = [];
    const undocumented: string[] = [];
    lines.forEach((line, i) => {
      const m = /^(\s*)([A-Za-z_][\w-]*):(.*)$/.exec(line);
      if (m === null) return;
      const indent = (m[1] ?? '').length;
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      const path = [...stack.map((x) => x.key), m[2] ?? ''];
      stack.push({ indent, key: m[2] ?? '' });
      // Keys inside a free-form map value (resources, labels) are data of a documented value.
      const parentSchema = path.slice(0, -1).reduce<Record<string, unknown> | undefined>((sch, k) => (sch?.['properties'] as Record<string, Record<string, unknown>> | undefined)?.[k], schema);
      if (path.length > 1 && parentSchema?.['properties'] === undefined) return;
      const isParent = (m[3] ?? '').trim() === '' && (lines[i + 1] ?? '').search(/\S/) > indent;
      if (!isParent && !(lines[i - 1] ?? '').trim().startsWith('#')) undocumented.push(path.join('.'));
    });
    assert.deepEqual(undocumented, []);
  });

  it('deploys the release the operator belongs to: appVersion, sidecar tag and image names agree', () => {
    const meta = YAML.parse(chart('Chart.yaml')) as Record<string, string>;
    assert.equal(meta['appVersion'], OPERATOR_VERSION);
    assert.equal(meta['version'], OPERATOR_VERSION);
    assert.ok(DEFAULT_SIDECAR_IMAGE.endsWith(`:${meta['appVersion']}`));
    assert.equal((values['image'] as Record<string, string>)['repository'], 'ghcr.io/redis-crdt/redis-crdt-operator');
    assert.equal(DEFAULT_SIDECAR_IMAGE.split(':')[0], 'ghcr.io/redis-crdt/redis-crdt-sidecar');
  });

  it('grants RBAC for every kind the reconciler writes, and no wildcard', () => {
    const rbac = chart('templates/rbac.yaml');
    const block = rbac.slice(rbac.indexOf('rules:'), rbac.indexOf('---'));
    const rules = (YAML.parse(block) as { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }).rules;
    const can = (group: string, resource: string, verb: string): boolean => rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    const writes: Array<[string, string]> = [['', 'secrets'], ['', 'configmaps'], ['', 'services'], ['apps', 'statefulsets'], ['policy', 'poddisruptionbudgets'], ['networking.k8s.io', 'networkpolicies'], ['monitoring.coreos.com', 'servicemonitors'], ['cert-manager.io', 'certificates']];
    for (const [g, r] of writes) for (const v of ['get', 'create', 'patch']) assert.ok(can(g, r, v), `${v} ${g}/${r}`);
    for (const r of ['rediscrdtclusters', 'statefulsets', 'pods', 'secrets']) assert.ok(can(r === 'rediscrdtclusters' ? 'rediscrdt.io' : r === 'statefulsets' ? 'apps' : '', r, 'watch'), `watch ${r}`);
    assert.ok(can('rediscrdt.io', 'rediscrdtclusters/status', 'patch'));
    assert.ok(can('cert-manager.io', 'certificates', 'delete'), 'a departed member\'s Certificate is deleted with tls.issuer certManager');
    assert.ok(can('', 'pods', 'delete') && can('', 'persistentvolumeclaims', 'delete') && can('', 'persistentvolumeclaims', 'patch'));
    assert.ok(!/\*/.test(block), 'no wildcards');
    assert.ok(!can('', 'secrets', 'delete') && !can('rediscrdt.io', 'rediscrdtclusters', 'patch'), 'nothing beyond what is used');
  });

  it('ships a Grafana dashboard that queries the sidecar metrics by their real names', () => {
    const dash = JSON.parse(chart('dashboards/redis-crdt-replication.json')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of ['redis_crdt_replication_peer_lag_seconds', 'redis_crdt_commands_total', 'redis_crdt_oplog_bytes']) assert.ok(exprs.includes(metric), metric);
    const sidecarMetrics = [readFileSync(repoPath('sidecar/src/observability/metrics.ts'), 'utf8'), readFileSync(repoPath('sidecar/src/replication/replication-metrics.ts'), 'utf8')].join('\n');
    for (const m of exprs.match(/redis_crdt_[a-z_]+/g) ?? []) assert.ok(sidecarMetrics.includes(`'${m}'`), `the sidecar exports ${m}`);
  });
});
