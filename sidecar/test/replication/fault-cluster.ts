import type { Redis } from 'ioredis';
import { connect, eventually, TestPki } from './cluster.js';
import { freePorts } from '../support/redis-server.js';
import { SidecarProcess, tempDir } from '../support/sidecar.js';
import type { Toxic, Toxiproxy } from '../support/toxiproxy.js';
import type { Target } from './typed-workload.js';

/** A replica as a real child process; `client` is replaced when it restarts. */
export interface ProcessMember extends Target {
  readonly proc: SidecarProcess;
}

/**
 * Real sidecar processes over mutual TLS whose every replica-to-replica connection goes
 * through its own toxiproxy proxy: replica `a` reaches peer `b` at the proxy `a->b`, whose
 * upstream is `b`'s replication port. The stream `a` opens to `b` carries `b`'s ops to `a`
 * (downstream) and `a`'s acks (upstream), so a partition between `a` and `b` cuts both
 * `a->b` and `b->a`, and a toxic on every proxy, both directions, slows every link.
 */
export class FaultCluster {
  private readonly toxics = new Set<string>();

  private constructor(readonly members: ProcessMember[], private readonly proxy: Toxiproxy) {}

  static async start(ids: readonly string[], proxy: Toxiproxy, extraFlags: readonly string[] = []): Promise<FaultCluster> {
    const pki = new TestPki();
    // Every port chosen at once, distinct: members bind theirs one after another.
    const ports = await freePorts(ids.length * (ids.length + 2));
    const nextPort = (): number => ports.pop()!;
    const replPorts = new Map<string, number>();
    for (const id of ids) replPorts.set(id, nextPort());
    const members: ProcessMember[] = [];
    for (const id of ids) {
      const peers: string[] = [];
      for (const peer of ids) {
        if (peer === id) continue;
        const port = await proxy.createProxy(linkName(id, peer), `127.0.0.1:${replPorts.get(peer)!}`, nextPort());
        peers.push(`${peer}=127.0.0.1:${port}`);
      }
      const flags = ['--replica-id', id, '--repl-port', String(replPorts.get(id)!), '--repl-bind', '127.0.0.1', '--peers', peers.join(','), '--appendfsync', 'always', ...pki.flags(id), ...extraFlags];
      const proc = await SidecarProcess.start(flags, tempDir(id), { port: nextPort(), adminPort: nextPort() });
      members.push({ id, proc, client: quietClient(proc.port) });
    }
    return new FaultCluster(members, proxy);
  }

  member(id: string): ProcessMember {
    const member = this.members.find((m) => m.id === id);
    if (member === undefined) throw new Error(`no member ${id}`);
    return member;
  }

  /** Cuts every link between replicas of different groups (both directions); links inside a group stay. */
  async partition(...groups: string[][]): Promise<void> {
    const group = (id: string): number => groups.findIndex((g) => g.includes(id));
    for (const [from, to] of this.links()) {
      if (group(from) !== group(to)) await this.proxy.setEnabled(linkName(from, to), false);
    }
  }

  /** Cuts the links between two replicas only (both may still reach the others). */
  async cut(a: string, b: string): Promise<void> {
    await this.proxy.setEnabled(linkName(a, b), false);
    await this.proxy.setEnabled(linkName(b, a), false);
  }

  /** The same toxic on every link, both directions. */
  async degrade(name: string, toxic: Toxic): Promise<void> {
    for (const [from, to] of this.links()) {
      await this.proxy.addToxic(linkName(from, to), `${name}-down`, 'downstream', toxic);
      await this.proxy.addToxic(linkName(from, to), `${name}-up`, 'upstream', toxic);
    }
    this.toxics.add(name);
  }

  /**
   * A toxic on what `to` sends `from` over the stream `from` opened to it (`to`'s ops,
   * heartbeats and membership), nothing else: one slow or silent direction of one link.
   */
  async degradeFeed(from: string, to: string, name: string, toxic: Toxic): Promise<void> {
    await this.proxy.addToxic(linkName(from, to), name, 'downstream', toxic);
    this.toxics.add(name);
  }

  /** Every link enabled and clean again. */
  async heal(): Promise<void> {
    await this.proxy.reset();
    this.toxics.clear();
  }

  /** kill -9 of one replica; its client fails every request until `restart`. */
  async crash(id: string): Promise<void> {
    await this.member(id).proc.crash();
  }

  async restart(id: string): Promise<void> {
    const member = this.member(id);
    try {
      await member.proc.restart();
    } catch (error) {
      throw new Error(`${id} did not come back: ${(error as Error).message}\n${member.proc.output.split('\n').slice(-20).join('\n')}`);
    }
    const old = member.client;
    member.client = quietClient(member.proc.port);
    old.disconnect();
  }

  /** Waits until every replica streams with every peer again. */
  async allAlive(timeoutMs = 60000): Promise<void> {
    const expected = this.members.length - 1;
    try {
      await eventually('all peers alive', async () => {
        const alive = await Promise.all(this.members.map(async (m) => infoNumber(await m.client.info('replication'), 'crdt_peers_alive')));
        return alive.every((n) => n === expected);
      }, timeoutMs);
    } catch (error) {
      // A replica that died (e.g. could not bind a port) says why in its last log lines.
      const logs = this.members.map((m) => `==== ${m.id}\n${m.proc.output.split('\n').slice(-8).join('\n')}`).join('\n');
      throw new Error(`${(error as Error).message}\n${logs}`);
    }
  }

  /** What `id` says of its peers (CRDT.PEERS): link state and reconnect count per peer. */
  async peers(id: string): Promise<PeerView[]> {
    const reply = await this.member(id).client.call('crdt.peers');
    return (Array.isArray(reply) ? reply : []).map((entry: unknown) => {
      const flat = Array.isArray(entry) ? entry.map(String) : [];
      const field = (name: string): string => flat[flat.indexOf(name) + 1] ?? '';
      return { id: field('id'), state: field('state'), reconnects: Number(field('reconnects')) };
    });
  }

  /** Reconnects summed over every replica's peers. */
  async reconnects(): Promise<number> {
    let total = 0;
    for (const m of this.members) for (const peer of await this.peers(m.id)) total += peer.reconnects;
    return total;
  }

  /** Peers, replication info and the last log lines of every replica: printed when a test fails. */
  async diagnostics(): Promise<string> {
    const parts: string[] = [];
    for (const m of this.members) {
      const peers = await m.client.call('crdt.peers').catch(String);
      const info = await m.client.info('replication').catch(String);
      const logs = m.proc.output.split('\n').filter((l) => !l.includes('"level":"debug"')).slice(-30).join('\n');
      parts.push(`==== ${m.id}\n${JSON.stringify(peers)}\n${info}\n${logs}`);
    }
    return parts.join('\n');
  }

  async stop(): Promise<void> {
    for (const m of this.members) {
      m.client.disconnect();
      await m.proc.stop();
    }
  }

  private links(): [string, string][] {
    const ids = this.members.map((m) => m.id);
    return ids.flatMap((from) => ids.filter((to) => to !== from).map((to): [string, string] => [from, to]));
  }
}

export interface PeerView {
  readonly id: string;
  readonly state: string;
  readonly reconnects: number;
}

function linkName(from: string, to: string): string {
  return `${from}-to-${to}`;
}

/** A client whose connection errors (expected: replicas get killed) are seen by the failing commands, not logged. */
function quietClient(port: number): Redis {
  const client = connect(port);
  client.on('error', () => undefined);
  return client;
}

export function infoNumber(info: string, field: string): number {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return Number(match?.[1]?.trim() ?? Number.NaN);
}
