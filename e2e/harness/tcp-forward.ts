// A loopback TCP forwarder. kube-apiserver binds one address, and it must be
// the bridge gateway for pods to reach it; this gives host-side clients the
// loopback address too (127.0.0.1:<port> → <gateway>:<port>). TLS passes through.
import net from 'node:net';

export interface Forwarder {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`listenPort` (0 for any) and pipes each connection to `target`. */
export function forwardLoopback(listenPort: number, target: { host: string; port: number }): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
