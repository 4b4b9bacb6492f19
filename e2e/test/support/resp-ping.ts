// Sends one inline RESP command over plain TCP and returns the first reply line;
// enough to prove a pod's IP answers from this process without a client library.
import net from 'node:net';

export function respCommand(host: string, port: number, command: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout talking to ${host}:${port}`)));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (b: Buffer) => {
      data += b.toString('utf8');
      const end = data.indexOf('\r\n');
      if (end >= 0) {
        socket.end();
        resolve(data.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}
