import type { Logger } from '../observability/logger.js';
import { publishFiles, readFiles } from './atomic-dir.js';

/** The files of a `kubernetes.io/tls` Secret the sidecar reads (--tls-ca, --tls-cert, --tls-key). */
export const TLS_FILES = ['ca.crt', 'tls.crt', 'tls.key'] as const;

export type SyncResult = 'waiting' | 'unchanged' | 'updated';

/**
 * Copies one pod's certificate, key and trust bundle out of a volume that holds every
 * replica's (a StatefulSet has one pod template, so it can only mount all of them) into a
 * directory only this pod's other containers see. The tls-sync container is the only one
 * that mounts the full volume, so the replica, the app and anything that compromises them
 * never see a peer's private key. Runs as a native sidecar: it keeps copying when the
 * operator or cert-manager rotates the Secret, and the replica reloads from the copy.
 */
export class TlsSync {
  private last: Map<string, Buffer> | undefined;
  private generation = 0;
  private waitingLogged = false;

  constructor(private readonly from: string, private readonly to: string, private readonly logger: Logger, private readonly clock: () => number = Date.now) {}

  async syncOnce(): Promise<SyncResult> {
    const source = await readFiles(this.from, TLS_FILES);
    if (source === undefined) {
      if (!this.waitingLogged) this.logger.warn('Waiting for this pod\'s TLS Secret to appear in the source volume (the operator or cert-manager issues it)', { from: this.from, files: TLS_FILES.join(',') });
      this.waitingLogged = true;
      return 'waiting';
    }
    this.waitingLogged = false;
    this.last ??= await readFiles(this.to, TLS_FILES);
    if (this.last !== undefined && TLS_FILES.every((name) => this.last?.get(name)?.equals(source.get(name)!))) return 'unchanged';
    this.generation += 1;
    await publishFiles(this.to, source, `${this.clock()}_${this.generation}`);
    this.logger.info(this.last === undefined ? 'Copied this pod\'s TLS material' : 'Copied rotated TLS material', { from: this.from, to: this.to });
    this.last = source;
    return 'updated';
  }
}
