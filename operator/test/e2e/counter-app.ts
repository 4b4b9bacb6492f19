/**
 * The small test application of the injection e2e, run as `node -e <script>` in
 * the stock `node` image: it talks RESP to localhost:6379 (the injected sidecar)
 * over one plain TCP connection and serves HTTP on :8080 —
 *   POST /incr?n=N  INCR counter N times, answers {"last": <value after the last INCR>}
 *   GET  /get       answers {"value": <GET counter>}
 * It does not retry its first connection: if the sidecar were not serving before
 * the app started, the app would exit 1 and its container would show a restart.
 */
export const COUNTER_APP_PORT = 8080;

export const COUNTER_APP_SCRIPT = String.raw`
const net = require('node:net');
const http = require('node:http');
const pending = [];
let buf = Buffer.alloc(0);
function parseOne(b) {
  const eol = b.indexOf('\r\n');
  if (eol < 0) return undefined;
  const head = b.subarray(1, eol).toString();
  const rest = b.subarray(eol + 2);
  switch (b[0]) {
    case 43: return { value: head, rest };
    case 45: return { value: new Error(head), rest };
    case 58: return { value: Number(head), rest };
    case 36: {
      const n = Number(head);
      if (n < 0) return { value: null, rest };
      if (rest.length < n + 2) return undefined;
      return { value: rest.subarray(0, n).toString(), rest: rest.subarray(n + 2) };
    }
    default: throw new Error('unexpected RESP reply ' + b.toString());
  }
}
const sock = net.connect(6379, '127.0.0.1');
sock.on('error', (e) => { console.error('redis connection failed: ' + e.message); process.exit(1); });
sock.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (let r = parseOne(buf); r !== undefined; r = parseOne(buf)) {
    buf = r.rest;
    const w = pending.shift();
    if (r.value instanceof Error) w.reject(r.value); else w.resolve(r.value);
  }
});
function cmd(...args) {
  return new Promise((resolve, reject) => {
    pending.push({ resolve, reject });
    sock.write('*' + args.length + '\r\n' + args.map((a) => '$' + Buffer.byteLength(String(a)) + '\r\n' + a + '\r\n').join(''));
  });
}
sock.once('connect', async () => {
  await cmd('INCR', 'app:starts');
  http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://app');
      let body;
      if (req.method === 'POST' && url.pathname === '/incr') {
        let last = 0;
        for (let i = 0; i < Number(url.searchParams.get('n') || '1'); i++) last = await cmd('INCR', 'counter');
        body = { last };
      } else if (url.pathname === '/get') {
        body = { value: await cmd('GET', 'counter') };
      } else { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (e) { res.writeHead(500).end(String(e)); }
  }).listen(${COUNTER_APP_PORT}, '0.0.0.0');
});
process.on('SIGTERM', () => process.exit(0));
`;
