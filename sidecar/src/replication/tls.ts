import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext, type PeerCertificate, type SecureContextOptions } from 'node:tls';
import * as grpc from '@grpc/grpc-js';

/** File paths of this replica's TLS material (all PEM). */
export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function load(files: TlsFiles): TlsMaterial {
  return { ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

function stamp(files: TlsFiles): string {
  return [files.ca, files.cert, files.key].map((path) => {
    try {
      const stat = statSync(path);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'missing';
    }
  }).join('|');
}

/** TLS 1.3 only: the version DESIGN.md §6 requires, refused below it by both sides. */
function contextOptions(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: 'TLSv1.3' };
}

/**
 * Server credentials whose certificate and CA are swapped in place when the files change:
 * grpc-js calls `setSecureContext` on its HTTP/2 server, which affects new handshakes
 * only, so established streams keep running (DESIGN.md §6: reload without restart).
 * Client certificates are required and must chain to the CA.
 */
class ReloadableServerCredentials extends grpc.ServerCredentials {
  constructor(material: TlsMaterial) {
    super({ requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, contextOptions(material));
  }

  reload(material: TlsMaterial): void {
    this.updateSecureContextOptions(contextOptions(material));
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export type ServerIdentityCheck = (peerId: string, address: string, cert: PeerCertificate) => Error | undefined;

/**
 * The replica's TLS material, polled for changes every `pollMs`: the server credentials
 * reload in place; client credentials are built per connection from the latest material.
 */
export class TlsCredentials {
  private material: TlsMaterial;
  private lastStamp: string;
  private readonly server: ReloadableServerCredentials;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly files: TlsFiles, private readonly onReload: (error: Error | undefined) => void) {
    this.material = load(files);
    this.lastStamp = stamp(files);
    this.server = new ReloadableServerCredentials(this.material);
  }

  serverCredentials(): grpc.ServerCredentials {
    return this.server;
  }

  /** Credentials for one connection to `peerId`, checking its certificate names it. */
  clientCredentials(peerId: string, address: string, serverName: string | undefined): grpc.ChannelCredentials {
    const context = createSecureContext(contextOptions(this.material));
    return grpc.credentials.createFromSecureContext(context, {
      checkServerIdentity: (_host, cert) => certificateNamesPeer(cert, peerId, address, serverName),
    });
  }

  watch(pollMs = 2000): void {
    this.timer = setInterval(() => this.poll(), pollMs);
    this.timer.unref();
  }

  /** Re-reads the files if any changed (also callable directly, e.g. by tests). */
  poll(): void {
    const current = stamp(this.files);
    if (current === this.lastStamp) return;
    try {
      const material = load(this.files);
      createSecureContext(contextOptions(material)); // validates the key matches the cert
      this.material = material;
      this.server.reload(material);
      this.lastStamp = current;
      this.onReload(undefined);
    } catch (error) {
      // Half-written files (a Secret update in progress): keep the old material, retry next poll.
      this.onReload(error as Error);
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return (colon < 0 ? address : address.slice(0, colon)).replace(/^\[|\]$/g, '');
}

/** DNS names of a certificate's subject alternative names (and its CN). */
export function certificateDnsNames(cert: PeerCertificate): string[] {
  const names: string[] = [];
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const entry = part.trim();
    if (entry.startsWith('DNS:')) names.push(entry.slice(4).toLowerCase());
  }
  const cn = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn.toLowerCase());
  return names;
}

/**
 * True-ish identity: the certificate names the replica id (a bare pod name is one of the
 * operator's SANs), or the DNS host we were configured to reach it at. IP SANs never
 * prove an identity: several replicas may share an address (a local cluster).
 */
export function certificateNamesPeer(cert: PeerCertificate, peerId: string, address: string, serverName?: string): Error | undefined {
  const names = certificateDnsNames(cert);
  const wanted = [peerId.toLowerCase()];
  const host = hostOf(address).toLowerCase();
  if (host !== '' && isIP(host) === 0) wanted.push(host);
  if (serverName !== undefined && serverName !== '') wanted.push(serverName.toLowerCase());
  if (wanted.some((name) => names.includes(name))) return undefined;
  return new Error(`peer certificate names [${names.join(', ')}], not replica '${peerId}' (${address})`);
}
