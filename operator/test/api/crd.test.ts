import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { DEFAULTS, parseRedisCRDTCluster } from '../../src/api/v1alpha1/index.js';
import { repoPath } from '../fixtures/repo.js';

type Schema = { [k: string]: unknown; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean };

const crd = YAML.parse(readFileSync(repoPath('crds/rediscrdt.io_rediscrdtclusters.yaml'), 'utf8')) as {
  spec: { group: string; names: Record<string, unknown>; versions: Array<{ name: string; subresources: Record<string, unknown>; additionalPrinterColumns: Array<{ name: string }>; schema: { openAPIV3Schema: Schema } }> };
};
const version = crd.spec.versions[0];
if (version === undefined) throw new Error('CRD has no version');
const root = version.schema.openAPIV3Schema;
const specSchema = root.properties?.['spec'];
if (specSchema === undefined) throw new Error('CRD has no spec schema');

/** Every node of a structural schema names its type (Kubernetes "structural schema" rule 1). */
function untypedNodes(node: Schema, path: string): string[] {
  const out: string[] = [];
  if (node['type'] === undefined && node['x-kubernetes-int-or-string'] !== true) out.push(path);
  if (node.properties !== undefined && node.additionalProperties !== undefined) out.push(`${path} (properties and additionalProperties)`);
  for (const [k, child] of Object.entries(node.properties ?? {})) out.push(...untypedNodes(child, `${path}.${k}`));
  if (node.items !== undefined) out.push(...untypedNodes(node.items, `${path}[]`));
  if (typeof node.additionalProperties === 'object') out.push(...untypedNodes(node.additionalProperties, `${path}{}`));
  return out;
}

/** What the API server's defaulting does to `{}`: recurse into objects that default to `{}`. */
function applyDefaults(node: Schema): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    if (child['default'] === undefined) continue;
    out[k] = child['type'] === 'object' ? applyDefaults(child) : child['default'];
  }
  return out;
}

/** DEFAULTS without the empty maps and lists the parser fills in (the CRD leaves those absent). */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, withoutEmpty(v)] as const)
    .filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0));
  return Object.fromEntries(entries);
}

function rules(node: Schema | undefined): string[] {
  const v = node?.['x-kubernetes-validations'];
  return Array.isArray(v) ? v.map((r: { rule: string }) => r.rule) : [];
}

describe('CRD rediscrdtclusters.rediscrdt.io', () => {
  it('declares names, short name rcc, category redis, and both subresources', () => {
    assert.equal(crd.spec.group, 'rediscrdt.io');
    assert.deepEqual(crd.spec.names['shortNames'], ['rcc']);
    assert.deepEqual(crd.spec.names['categories'], ['redis']);
    assert.equal(version.name, 'v1alpha1');
    assert.deepEqual(version.subresources['status'], {});
    assert.deepEqual(version.subresources['scale'], { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' });
    assert.deepEqual(version.additionalPrinterColumns.map((c) => c.name), ['Replicas', 'Ready', 'Max Lag', 'Phase', 'Age']);
  });

  it('is a structural schema: every node is typed', () => {
    assert.deepEqual(untypedNodes(root, '(root)'), []);
  });

  it('defaults the same values as the operator', () => {
    const fromCrd = withoutEmpty(applyDefaults({ properties: { spec: specSchema }, type: 'object' }));
    assert.deepEqual(fromCrd, { spec: withoutEmpty(DEFAULTS) });
  });

  it('has CEL rules for the replica bound, no storage shrink and immutable fields', () => {
    const spec = specSchema.properties ?? {};
    assert.ok(rules(spec['replicas']).includes('self >= 0 && self <= 15'));
    assert.ok(rules(spec['storage']).some((r) => r.includes('quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0')));
    assert.ok(rules(spec['storage']).some((r) => r.includes('self.className == oldSelf.className')));
    assert.ok(rules(spec['tls']?.properties?.['issuer']).includes('self == oldSelf'));
    assert.ok(rules(root).some((r) => r.includes('self.metadata.name.size() <= 40')));
  });

  it('bounds every list a CEL rule could walk, so the API server accepts the rule costs', () => {
    const lists: string[] = [];
    const walk = (node: Schema, path: string): void => {
      if (node['type'] === 'array' && node['maxItems'] === undefined && !path.startsWith('status') && !path.includes('podTemplate')) lists.push(path);
      for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, path === '' ? k : `${path}.${k}`);
      if (node.items !== undefined) walk(node.items, `${path}[]`);
    };
    walk(root, '');
    assert.deepEqual(lists, []);
  });

  it('accepts the example with the operator parser', () => {
    const example = YAML.parse(readFileSync(repoPath('crds/examples/basic.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    const r = parseRedisCRDTCluster({ ...example, metadata: { ...example['metadata'], namespace: 'default', uid: 'u', generation: 1 } });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.equal(r.value.spec.replicas, 3);
    assert.equal(r.value.spec.tls.validity, '720h');
  });
});
