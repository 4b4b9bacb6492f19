// Asks the kernel for an unused loopback port. The port is released before the
// caller binds it, so a race is possible in principle; fixed ports would collide
// far more often when several engineers run beds on one machine.
import net from 'node:net';

/** Resolves with a TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No port assigned'))));
    });
  });
}
