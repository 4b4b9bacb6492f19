import assert from 'node:assert/strict';
import { registryOf } from '../../src/commands/blocking.js';
import { allAlive, connect, converged, eventually, startCluster, stopCluster, type Member } from '../replication/cluster.js';

/**
 * Blocking pops across replicas (real gRPC replication, two in-process sidecars): a push
 * on one replica wakes a BLPOP/BLMOVE waiting on the other, and the woken pop replicates
 * back like any local write, so both replicas converge on the same lists.
 */
describe('blocking list commands woken by replication', function () {
  this.timeout(120000);
  let members: Member[];

  before(async () => {
    members = await startCluster({ size: 2 }, undefined);
    await allAlive(members);
  });

  after(async () => {
    await stopCluster(members);
  });

  const member = (index: number): Member => {
    const found = members[index];
    if (found === undefined) throw new Error(`no member ${index}`);
    return found;
  };

  it('a push on r2 wakes BLPOP on r1; the pop reaches r2', async () => {
    const waiter = connect(member(0).sidecar.resp.port);
    try {
      const popped = waiter.blpop('queue', 0);
      await eventually('BLPOP to block on r1', () => registryOf(member(0).sidecar.server).size === 1);
      await member(1).client.rpush('queue', 'job-1', 'job-2');
      assert.deepEqual(await popped, ['queue', 'job-1']);
      await eventually('r2 to see the pop', async () => (await member(1).client.lrange('queue', 0, -1)).join(',') === 'job-2');
      await eventually('replicas to converge', () => converged(members));
    } finally {
      waiter.disconnect();
    }
  });

  it('a push on r1 wakes BLMOVE on r2, which moves the element on every replica', async () => {
    const waiter = connect(member(1).sidecar.resp.port);
    try {
      const moved = waiter.blmove('inbox', 'work', 'LEFT', 'RIGHT', 0);
      await eventually('BLMOVE to block on r2', () => registryOf(member(1).sidecar.server).size === 1);
      await member(0).client.lpush('inbox', 'task');
      assert.equal(await moved, 'task');
      await eventually('r1 to see the move', async () =>
        (await member(0).client.exists('inbox')) === 0 && (await member(0).client.lrange('work', 0, -1)).join(',') === 'task');
      await eventually('replicas to converge', () => converged(members));
    } finally {
      waiter.disconnect();
    }
  });
});
