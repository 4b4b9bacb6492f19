/** A minimal RESP client for e2e checks: one command, one complete reply (simple, error, integer, bulk). */
import net from 'node:net';

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Parses one reply from `data`, or undefined if incomplete. Bulk strings come back as their text, nil as null. */
function parse(data: string): string | null | undefined {
  const end = data.indexOf('\r\n');
  if (end < 0) return undefined;
  const head = data.slice(0, end);
  if (head[0] !== '$') return head;
  const len = Number(head.slice(1));
  if (len < 0) return null;
  const body = data.slice(end + 2);
  return body.length >= len + 2 ? body.slice(0, len) : undefined;
}

export function resp(host: string, port: number, args: readonly string[], timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout talking to ${host}:${port}`)));
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (b: Buffer) => {
      data += b.toString('utf8');
      const reply = parse(data);
      if (reply !== undefined) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}
