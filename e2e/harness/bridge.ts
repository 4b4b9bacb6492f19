// The bed's Linux bridge. Every pod's veth is attached to it, and the host side
// holds the gateway address, which is where the apiserver listens so that pods
// can reach it. No route or NAT leaves the /24: pods see only each other and the host.
import { mustRun, runCommand } from './run-command.js';
import type { BedSlot } from './bed-slot.js';

/** Creates the slot's bridge with the gateway address and brings it up. */
export async function createBridge(slot: BedSlot): Promise<void> {
  await mustRun(['ip', 'link', 'add', slot.bridge, 'type', 'bridge']);
  await mustRun(['ip', 'addr', 'add', `${slot.gateway}/24`, 'dev', slot.bridge]);
  await mustRun(['ip', 'link', 'set', slot.bridge, 'up']);
}

/** Deletes the bridge; veths still attached go with their namespaces. */
export async function deleteBridge(slot: BedSlot): Promise<void> {
  await runCommand(['ip', 'link', 'delete', slot.bridge]);
}
