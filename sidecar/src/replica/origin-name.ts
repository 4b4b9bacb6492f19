/**
 * The replica name of an origin id `<replica-id>~<incarnation>`. Ownership that must
 * outlive an incarnation (who expires a key whose TTL it set) is decided by name: after
 * an unclean restart the replica writes under a new incarnation but still owns its TTLs.
 */
export function replicaNameOf(originId: string): string {
  const tilde = originId.lastIndexOf('~');
  return tilde < 0 ? originId : originId.slice(0, tilde);
}
