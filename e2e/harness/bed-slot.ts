// A bed's slot: a small number N that names its bridge (rcrdtN), its network
// namespaces (rcrdtN-*) and its subnet (10.88.N.0/24), so several beds (several
// engineers, or a crashed run) never collide. A slot is claimed with a lock file
// holding the owner's PID; a slot whose owner is dead is swept and reused.
import fs from 'node:fs';
import path from 'node:path';
import { log } from './log.js';
import { runCommand } from './run-command.js';

const LOCK_DIR = '/run/redis-crdt-e2e';
const MAX_SLOTS = 32;

export interface BedSlot {
  readonly index: number;
  readonly bridge: string;
  /** Prefix of every network namespace and veth this bed creates. */
  readonly prefix: string;
  /** First three octets of the bed's /24, e.g. "10.88.3". */
  readonly subnetBase: string;
  readonly gateway: string;
  /** Remembers a control-plane PID so a sweep can stop it if this process dies without cleaning up. */
  recordPid(pid: number): void;
  release(): void;
}

/** Claims the lowest free slot, sweeping any slot whose owner process has died. */
export async function claimSlot(): Promise<BedSlot> {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  for (let index = 0; index < MAX_SLOTS; index++) {
    const lock = path.join(LOCK_DIR, `slot-${index}.pid`);
    if (fs.existsSync(lock)) {
      if (ownerAlive(lock)) continue;
      await sweepSlot(index);
      fs.rmSync(lock, { force: true });
    }
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      continue; // Another bed won the race for this slot.
    }
    const slot = describeSlot(index, () => {
      fs.rmSync(lock, { force: true });
      fs.rmSync(pidsFile(index), { force: true });
    });
    if ((await runCommand(['ip', 'link', 'show', slot.bridge])).code === 0) await sweepSlot(index);
    return slot;
  }
  throw new Error(`All ${MAX_SLOTS} testbed slots are in use (see ${LOCK_DIR})`);
}

function describeSlot(index: number, release: () => void): BedSlot {
  const subnetBase = `10.88.${index}`;
  const recordPid = (pid: number): void => fs.appendFileSync(pidsFile(index), `${pid}\n`);
  return { index, bridge: `rcrdt${index}`, prefix: `rcrdt${index}-`, subnetBase, gateway: `${subnetBase}.1`, recordPid, release };
}

function pidsFile(index: number): string {
  return path.join(LOCK_DIR, `slot-${index}.pids`);
}

/** Kills recorded control-plane PIDs that still run one of the bed's binaries (guards against PID reuse). */
function killRecorded(index: number): void {
  let text = '';
  try {
    text = fs.readFileSync(pidsFile(index), 'utf8');
  } catch {
    return;
  }
  for (const pid of text.split('\n').map(Number).filter((n) => n > 0)) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/etcd|kube-apiserver|kube-controller-manager/.test(cmdline)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  fs.rmSync(pidsFile(index), { force: true });
}

function ownerAlive(lock: string): boolean {
  const pid = Number(fs.readFileSync(lock, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes what a dead bed left behind: processes in its namespaces, the namespaces, the bridge. */
export async function sweepSlot(index: number): Promise<void> {
  const { prefix, bridge } = describeSlot(index, () => undefined);
  killRecorded(index);
  const list = await runCommand(['ip', 'netns', 'list']);
  const names = list.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(prefix));
  for (const ns of names) {
    const pids = await runCommand(['ip', 'netns', 'pids', ns]);
    for (const pid of pids.stdout.split('\n').map(Number).filter((n) => n > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already exited.
      }
    }
    await runCommand(['ip', 'netns', 'delete', ns]);
    fs.rmSync(path.join('/etc/netns', ns), { recursive: true, force: true });
  }
  await runCommand(['ip', 'link', 'delete', bridge]);
  if (names.length > 0) log.warn('Swept a stale testbed slot', { index, namespaces: names.length });
}
