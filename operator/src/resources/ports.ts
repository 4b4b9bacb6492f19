/** Ports of the sidecar contract (issue 7, DESIGN.md §7); one place so Services, probes and policies agree. */
export const RESP_PORT = 6379;
export const REPL_PORT = 7379;
export const ADMIN_PORT = 9379;
/** The pod-local redis-server the sidecar mirrors into; bound to 127.0.0.1 only. */
export const MIRROR_PORT = 6380;

export const PORT_NAMES = { resp: 'resp', repl: 'repl', admin: 'admin' } as const;

/** Paths inside the sidecar container. */
export const PATHS = {
  dataDir: '/var/lib/redis-crdt',
  peersDir: '/etc/redis-crdt/peers',
  peersFile: '/etc/redis-crdt/peers/peers.yaml',
  /** This pod's certificate, key and CA bundle (copied by the tls-sync container). */
  tlsDir: '/etc/redis-crdt/tls',
  /** Every replica's TLS Secret, one directory per pod: mounted in the tls-sync container only. */
  tlsSourceDir: '/etc/redis-crdt/tls-all',
} as const;

/** Key of the peers file inside the peers ConfigMap. */
export const PEERS_KEY = 'peers.yaml';
