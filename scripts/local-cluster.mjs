#!/usr/bin/env node
// Starts a local active-active cluster: N replicas of redis-crdt-sidecar on 127.0.0.1,
// each with its own data folder, replicating over gRPC with mutual TLS using a throwaway
// CA and per-replica certificates generated here with the openssl CLI. Ctrl-C stops all.
//
//   npm run build && node scripts/local-cluster.mjs [--replicas 3] [--base-port 7001] [--dir ./local-cluster] [--fresh]
//
// RESP ports: base-port.. (7001-7003), replication: +100 (7101-7103), admin HTTP: +200 (7201-7203).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'sidecar', 'src', 'main.js');

function parseArgs(argv) {
  const args = { replicas: 3, basePort: 7001, dir: resolve('local-cluster'), fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--replicas') args.replicas = Number(argv[++i]);
    else if (arg === '--base-port') args.basePort = Number(argv[++i]);
    else if (arg === '--dir') args.dir = resolve(argv[++i]);
    else if (arg === '--fresh') args.fresh = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('Usage: node scripts/local-cluster.mjs [--replicas 3] [--base-port 7001] [--dir ./local-cluster] [--fresh]\n');
      process.exit(0);
    } else {
      process.stderr.write(`local-cluster: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.replicas) || args.replicas < 1 || args.replicas > 10) throw new Error('--replicas must be 1..10');
  return args;
}

function openssl(args) {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A CA and one certificate per replica (SANs: its id, localhost, 127.0.0.1), kept across runs. */
function ensureCertificates(dir, ids) {
  mkdirSync(dir, { recursive: true });
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  if (!existsSync(ca.cert)) {
    openssl(['req', '-x509', ...EC, '-keyout', ca.key, '-out', ca.cert, '-days', '365', '-subj', '/CN=redis-crdt local CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  const leaves = new Map();
  for (const id of ids) {
    const base = join(dir, id);
    if (!existsSync(`${base}.crt`)) {
      writeFileSync(`${base}.ext`, `subjectAltName=DNS:${id},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
      openssl(['req', '-new', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${id}`]);
      openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${base}.crt`, '-days', '90', '-extfile', `${base}.ext`]);
    }
    leaves.set(id, { cert: `${base}.crt`, key: `${base}.key` });
  }
  return { ca, leaves };
}

function start() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(main)) {
    process.stderr.write('local-cluster: dist/ is missing: run `npm run build` first\n');
    process.exit(1);
  }
  if (args.fresh) rmSync(args.dir, { recursive: true, force: true });
  const ids = Array.from({ length: args.replicas }, (_, i) => `r${i + 1}`);
  const { ca, leaves } = ensureCertificates(join(args.dir, 'certs'), ids);
  const peers = ids.map((id, i) => `${id}=127.0.0.1:${args.basePort + 100 + i}`).join(',');
  const children = ids.map((id, i) => {
    const leaf = leaves.get(id);
    const flags = [
      main, '--replica-id', id, '--port', String(args.basePort + i), '--repl-port', String(args.basePort + 100 + i), '--repl-bind', '127.0.0.1',
      '--admin-port', String(args.basePort + 200 + i), '--data-dir', join(args.dir, 'data', id), '--peers', peers,
      '--tls-ca', ca.cert, '--tls-cert', leaf.cert, '--tls-key', leaf.key, '--log-format', 'text',
    ];
    const child = spawn(process.execPath, flags, { stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = (chunk) => chunk.toString().split('\n').filter((l) => l !== '').map((l) => `[${id}] ${l}\n`).join('');
    child.stdout.on('data', (chunk) => process.stdout.write(prefix(chunk)));
    child.stderr.on('data', (chunk) => process.stderr.write(prefix(chunk)));
    child.on('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`[${id}] exited (${signal ?? code}); stopping the cluster\n`);
      stop();
    });
    return child;
  });
  let stopping = false;
  let exited = 0;
  function stop() {
    if (!stopping) {
      stopping = true;
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    }
  }
  for (const child of children) child.on('exit', () => { if (++exited === children.length) process.exit(0); });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const lines = ids.map((id, i) => `  ${id}: redis-cli -p ${args.basePort + i}    (admin http://127.0.0.1:${args.basePort + 200 + i}/v1/status)`);
  process.stdout.write([
    '', `redis-crdt local cluster: ${args.replicas} replicas, data and certificates under ${args.dir}`, ...lines,
    `  Try: redis-cli -p ${args.basePort} SET greeting hello; redis-cli -p ${args.basePort + 1} GET greeting; redis-cli -p ${args.basePort + 2} CRDT.PEERS`,
    '  Ctrl-C stops every replica (a snapshot is written on the way out).', '',
  ].join('\n'));
}

start();
