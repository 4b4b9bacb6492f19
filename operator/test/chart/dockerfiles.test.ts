/** Static checks of the Dockerfiles (no container engine on CI machines to build them). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { repoPath } from '../fixtures/repo.js';

const read = (p: string): string => readFileSync(repoPath(p), 'utf8');
const bins = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin;

describe('Dockerfiles', () => {
  for (const [name, program] of [['operator', 'redis-crdt-operator'], ['sidecar', 'redis-crdt-sidecar']] as const) {
    it(`Dockerfile.${name}: multi-stage, non-root node user, runs the ${program} bin`, () => {
      const text = read(`Dockerfile.${name}`);
      const froms = text.split('\n').filter((l) => l.startsWith('FROM '));
      assert.ok(froms.length >= 2, 'multi-stage');
      assert.ok(froms.every((l) => l.includes('node:20-alpine')), 'small Node 20 base');
      const afterLastFrom = text.slice(text.lastIndexOf('\nFROM '));
      assert.match(afterLastFrom, /\nUSER node\n/);
      assert.ok(!/npm ci|tsc/.test(afterLastFrom), 'the runtime stage carries no toolchain');
      const entry = /ENTRYPOINT \["node", "([^"]+)"\]/.exec(text)?.[1];
      assert.equal(entry, bins[program]);
      assert.match(text, new RegExp(`ghcr\\.io/redis-crdt/${program}:`));
    });
  }

  it('names the same operator image as the chart default', () => {
    const values = YAML.parse(read('charts/redis-crdt-operator/values.yaml')) as { image: { repository: string } };
    assert.match(read('Dockerfile.operator'), new RegExp(`${values.image.repository.replace(/\./g, '\\.')}:`));
  });
});
