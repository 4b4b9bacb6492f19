/**
 * Static checks of the Dockerfiles. e2e/test/images.test.ts builds them (buildah, scripts/build-images.sh)
 * and runs the images; these checks run in the unit suite, without a build.
 */
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
      assert.ok(froms.every((l) => l.includes('node:20-bookworm-slim')), 'the official Debian (glibc) Node 20 image, slim variant');
      const afterLastFrom = text.slice(text.lastIndexOf('\nFROM '));
      assert.match(afterLastFrom, /\nUSER node\n/);
      assert.ok(!/npm ci|tsc/.test(afterLastFrom), 'the runtime stage carries no toolchain');
      // The build stage compiles sources only: the tests import bench/ and e2e/, which it does not copy.
      assert.match(text, new RegExp(`\\nCOPY ${name}/src \\./${name}/src\\n`));
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
