import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateIdentity, markCleanShutdown } from '../../src/replica/identity.js';
import { replicaNameOf } from '../../src/replica/origin-name.js';
import { tempDir } from '../support/sidecar.js';

describe('replica identity and incarnations', () => {
  const now = new Date('2026-01-02T03:04:05Z');

  it('creates a fresh identity in a new data directory', async () => {
    const dir = tempDir('identity');
    const identity = await loadOrCreateIdentity(dir, 'r1', now);
    assert.equal(identity.fresh, true);
    assert.match(identity.originId, /^r1~[0-9a-f]{6}$/);
    assert.equal(identity.previousIncarnation, undefined);
  });

  it('keeps the incarnation after a clean shutdown, and consumes the mark', async () => {
    const dir = tempDir('identity');
    const first = await loadOrCreateIdentity(dir, 'r1', now);
    await markCleanShutdown(dir);
    const second = await loadOrCreateIdentity(dir, 'r1', now);
    assert.equal(second.originId, first.originId);
    assert.equal(second.fresh, false);
    assert.equal(existsSync(join(dir, 'clean-shutdown')), false);
  });

  it('starts a new incarnation after an unclean shutdown, keeping the creation time', async () => {
    const dir = tempDir('identity');
    const first = await loadOrCreateIdentity(dir, 'r1', now);
    const second = await loadOrCreateIdentity(dir, 'r1', new Date('2030-01-01T00:00:00Z'));
    assert.notEqual(second.incarnation, first.incarnation);
    assert.equal(second.previousIncarnation, first.incarnation);
    assert.equal(second.createdAt, first.createdAt);
    const third = await loadOrCreateIdentity(dir, 'r1', now);
    assert.equal(third.previousIncarnation, second.incarnation, 'the new incarnation was persisted');
  });

  it('refuses a data directory of another replica, and a file that is not an identity', async () => {
    const dir = tempDir('identity');
    await loadOrCreateIdentity(dir, 'r1', now);
    await assert.rejects(loadOrCreateIdentity(dir, 'r2', now), /belongs to replica 'r1', not 'r2'/);
    writeFileSync(join(dir, 'identity.json'), '42');
    await assert.rejects(loadOrCreateIdentity(dir, 'r1', now), /not a replica identity file/);
  });

  it('names the replica of an origin id under any incarnation', () => {
    assert.equal(replicaNameOf('cache-0~a1b2c3'), 'cache-0');
    assert.equal(replicaNameOf('a~b~c0'), 'a~b');
    assert.equal(replicaNameOf('plain'), 'plain');
  });
});
