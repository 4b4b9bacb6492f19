import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { freePort } from '../support/redis-server.js';
import { SidecarProcess, tempDir } from '../support/sidecar.js';
import { connect, eventually, TestPki } from './cluster.js';

interface Proc {
  readonly id: string;
  proc: SidecarProcess;
  client: Redis;
}

/** Per-replica writer: INCRs and unique SETs, counting acknowledged and uncertain ones. */
class Writer {
  acked = 0;
  uncertain = 0;
  readonly keys: string[] = [];
  private running = true;
  private seq = 0;

  constructor(private readonly member: Proc) {}

  async run(): Promise<void> {
    while (this.running) {
      const key = `w:${this.member.id}:${this.seq++}`;
      try {
        await this.member.client.set(key, 'v');
        this.keys.push(key);
        await this.member.client.incr('total');
        this.acked += 1;
      } catch {
        this.uncertain += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  stop(): void {
    this.running = false;
  }
}

describe('replication: kill -9 and restart mid-workload (real processes)', function () {
  this.timeout(180000);
  let members: Proc[] = [];

  afterEach(async () => {
    for (const m of members) {
      m.client.disconnect();
      await m.proc.stop();
    }
    members = [];
  });

  it('loses no acknowledged write and converges after the crashed replica restarts', async () => {
    const pki = new TestPki();
    const ids = ['r1', 'r2', 'r3'];
    const ports = await Promise.all(ids.map(() => freePort()));
    const peers = ids.map((id, i) => `${id}=127.0.0.1:${ports[i]}`).join(',');
    for (const [i, id] of ids.entries()) {
      const flags = ['--replica-id', id, '--repl-port', String(ports[i]), '--repl-bind', '127.0.0.1', '--peers', peers, '--appendfsync', 'always', ...pki.flags(id)];
      const proc = await SidecarProcess.start(flags, tempDir(id));
      members.push({ id, proc, client: connect(proc.port) });
    }
    const writers = members.map((m) => new Writer(m));
    const running = writers.map((w) => w.run());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const victim = members[1]!;
    await victim.proc.crash();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await victim.proc.restart();
    victim.client.disconnect();
    victim.client = connect(victim.proc.port);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const w of writers) w.stop();
    await Promise.all(running);

    const digests = async (): Promise<string[]> => Promise.all(members.map(async (m) => String(await m.client.call('crdt.digest'))));
    await eventually('replicas converge', async () => new Set(await digests()).size === 1, 60000);
    const acked = writers.reduce((sum, w) => sum + w.acked, 0);
    const uncertain = writers.reduce((sum, w) => sum + w.uncertain, 0);
    for (const m of members) {
      const total = Number(await m.client.get('total'));
      assert.ok(total >= acked && total <= acked + uncertain, `${m.id}: total ${total} not in [${acked}, ${acked + uncertain}]`);
      const keys = writers.flatMap((w) => w.keys);
      const values = await m.client.mget(...keys);
      assert.equal(values.filter((v) => v !== 'v').length, 0, `${m.id} lost acknowledged SETs`);
    }
    assert.ok(acked > 20, `workload too small (${acked})`);
  });
});
