/**
 * Golden files (YAML 1.1, as kubectl reads it, so `no` and `on` stay quoted strings): the exact wire YAML of every object for two clusters, so any change
 * to what the operator writes shows up in review. `UPDATE_GOLDEN=1` rewrites them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { toWire } from '../../src/controller/wire.js';
import { cluster, fullCluster } from '../fixtures/clusters.js';
import { allObjects } from '../fixtures/objects.js';
import { repoPath } from '../fixtures/repo.js';

const GOLDEN_DIR = repoPath('operator/test/resources/golden');

function render(objects: KubernetesObject[]): string {
  return objects.map((o) => YAML.stringify(toWire(o), { lineWidth: 0, version: '1.1' })).join('---\n');
}

function checkGolden(name: string, actual: string): void {
  const file = `${GOLDEN_DIR}/${name}.yaml`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing golden file ${file}: run with UPDATE_GOLDEN=1`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}.yaml differs; if the change is intended run with UPDATE_GOLDEN=1 and review the diff`);
}

describe('resources: golden YAML', () => {
  it('basic cluster (defaults, 3 replicas)', () => checkGolden('basic', render(allObjects(cluster(), 3))));
  it('full cluster (every option, 5 replicas, remote peers, monitoring)', () => checkGolden('full', render(allObjects(fullCluster(), 5))));
});
