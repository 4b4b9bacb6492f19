// A pod's network: its own network namespace with one veth on the bed's bridge
// and one address from the bed's /24, so `localhost` inside the pod is the pod's
// own and pods reach each other by IP. /etc/netns/<ns>/{hosts,resolv.conf} are
// what `ip netns exec` bind-mounts over /etc, for containers and tests alike.
import fs from 'node:fs';
import path from 'node:path';
import type { BedSlot } from '../bed-slot.js';
import { mustRun, runCommand } from '../run-command.js';

export interface PodNetwork {
  readonly netns: string;
  readonly ip: string;
  readonly etcDir: string;
}

/**
 * Hands out pod addresses .2–.254 of the bed's /24 round-robin. Handing a
 * released address straight back out would let peers keep the old pod's MAC in
 * their neighbour cache, and connections to the recreated pod would hang until
 * that entry expires; cycling through the range avoids it (as most IPAMs do).
 */
export class IpPool {
  private readonly used = new Set<number>();
  private next = 2;
  constructor(private readonly slot: BedSlot) {}

  allocate(): string {
    for (let i = 0; i < 253; i++) {
      const host = this.next;
      this.next = host >= 254 ? 2 : host + 1;
      if (this.used.has(host)) continue;
      this.used.add(host);
      return `${this.slot.subnetBase}.${host}`;
    }
    throw new Error(`No free pod address left in ${this.slot.subnetBase}.0/24`);
  }

  release(ip: string): void {
    this.used.delete(Number(ip.split('.')[3]));
  }
}

/** Creates the namespace, the veth pair on the bridge and the pod's /etc files. */
export async function createPodNetwork(slot: BedSlot, ip: string, hosts: string, resolv: string): Promise<PodNetwork> {
  const octet = ip.split('.')[3] ?? '0';
  const netns = `${slot.prefix}pod${octet}`;
  // Interface names are limited to 15 bytes: "rcrdt31-h254" fits.
  const hostSide = `${slot.prefix}h${octet}`;
  const podSide = `${slot.prefix}p${octet}`;
  const etcDir = path.join('/etc/netns', netns);
  // A namespace outlives `ip netns delete` while a dying process still holds it, and its
  // veth with it: the previous pod on this address (or a previous bed on this slot) can
  // leave both behind. Clear them, or the names below collide ("File exists").
  await runCommand(['ip', 'link', 'delete', hostSide]);
  await runCommand(['ip', 'netns', 'delete', netns]);
  await mustRun(['ip', 'netns', 'add', netns]);
  try {
    await mustRun(['ip', 'link', 'add', hostSide, 'type', 'veth', 'peer', 'name', podSide]);
    await mustRun(['ip', 'link', 'set', podSide, 'netns', netns]);
    await mustRun(['ip', 'link', 'set', hostSide, 'master', slot.bridge, 'up']);
    await mustRun(['ip', '-n', netns, 'link', 'set', podSide, 'name', 'eth0']);
    await mustRun(['ip', '-n', netns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    await mustRun(['ip', '-n', netns, 'link', 'set', 'eth0', 'up']);
    await mustRun(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
    fs.mkdirSync(etcDir, { recursive: true });
    fs.writeFileSync(path.join(etcDir, 'hosts'), hosts);
    fs.writeFileSync(path.join(etcDir, 'resolv.conf'), resolv);
  } catch (e) {
    await deletePodNetwork({ netns, ip, etcDir });
    throw e;
  }
  return { netns, ip, etcDir };
}

/**
 * Rewrites the pod's hosts file in place. In place matters: running containers
 * see the file through a bind mount of its inode, which a rename would orphan.
 */
export function updateHostsFile(net: PodNetwork, content: string): void {
  const file = path.join(net.etcDir, 'hosts');
  try {
    if (fs.readFileSync(file, 'utf8') !== content) fs.writeFileSync(file, content);
  } catch {
    // The pod is being torn down and its /etc/netns directory is gone.
  }
}

/** Kills anything left in the namespace, then deletes it (which deletes the veth pair). */
export async function deletePodNetwork(net: PodNetwork): Promise<void> {
  const pids = await runCommand(['ip', 'netns', 'pids', net.netns]);
  for (const pid of pids.stdout.split('\n').map(Number).filter((n) => n > 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already exited.
    }
  }
  await runCommand(['ip', 'netns', 'delete', net.netns]);
  fs.rmSync(net.etcDir, { recursive: true, force: true });
}
