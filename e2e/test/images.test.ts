// The container images, built for real and run for real: scripts/build-images.sh builds
// Dockerfile.sidecar and Dockerfile.operator with buildah (no Docker engine here) into docker
// archives; each archive is unpacked and its ENTRYPOINT/CMD run as its USER, chrooted into the
// read-only image root file system (support/image-archive.ts). A "pod" (one network
// namespace) then runs what the operator's pod template runs: the tls-sync container copying
// the replica's certificate, its startup probe (`test` from the base image), the sidecar with
// the operator's arguments and a pod-local redis-server mirror, plus a second replica from the
// same image that replicates with it over mutual TLS. The operator image prints its usage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess, tailFile } from '../harness/managed-process.js';
import { repoRoot } from '../harness/paths.js';
import { mustRun, runCommand } from '../harness/run-command.js';
import { waitFor } from '../harness/wait-for.js';
import {
  inNetns, resolveUser, runContainer, startContainer, startPodNetwork, unpackDockerArchive,
  type ContainerSpec, type Mount, type UnpackedImage,
} from './support/image-archive.js';

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const SIDECAR_IMAGE = `ghcr.io/redis-crdt/redis-crdt-sidecar:${version}`;
const OPERATOR_IMAGE = `ghcr.io/redis-crdt/redis-crdt-operator:${version}`;
/** The operator's paths and ports (operator/src/resources/ports.ts). */
const DATA_DIR = '/var/lib/redis-crdt';
const TLS_DIR = '/etc/redis-crdt/tls';
const TLS_SOURCE_DIR = '/etc/redis-crdt/tls-all';
const PEERS_FILE = '/etc/redis-crdt/peers/peers.yaml';
const MIRROR_PORT = 6380;

/** One replica's ports; the second replica shares the pod's network namespace, so it gets others. */
interface Replica { readonly id: string; readonly resp: number; readonly repl: number; readonly admin: number }
const A: Replica = { id: 'smoke-0', resp: 6379, repl: 7379, admin: 9379 };
const B: Replica = { id: 'smoke-1', resp: 6479, repl: 7479, admin: 9479 };

describe('container images: built by scripts/build-images.sh, run from their docker archives', function () {
  let work: string;
  let sidecar: UnpackedImage;
  let operator: UnpackedImage;
  const running: ManagedProcess[] = [];

  before(async function () {
    // A cold build (Debian base, npm ci, tsc, two images) takes about 5 minutes on two cores; a warm one well under one.
    this.timeout(40 * 60_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-crdt-images-'));
    const out = path.join(work, 'archives');
    const started = Date.now();
    const build = await runCommand(['bash', path.join(repoRoot, 'scripts', 'build-images.sh')], {
      env: { ...process.env, REDIS_CRDT_IMAGES_OUT: out },
      timeoutMs: 35 * 60_000,
    });
    fs.writeFileSync(path.join(work, 'build-images.log'), `${build.stdout}${build.stderr}`);
    assert.equal(build.code, 0, `scripts/build-images.sh failed (${build.code}):\n${build.stderr.split('\n').slice(-40).join('\n')}`);
    console.log(`      images built in ${Math.round((Date.now() - started) / 1000)} s`);
    for (const name of ['sidecar', 'operator']) {
      const archive = path.join(out, `redis-crdt-${name}-${version}.tar`);
      console.log(`      ${path.basename(archive)}: ${Math.round(fs.statSync(archive).size / 2 ** 20)} MiB`);
    }
    sidecar = await unpackDockerArchive(path.join(out, `redis-crdt-sidecar-${version}.tar`), path.join(work, 'sidecar'));
    operator = await unpackDockerArchive(path.join(out, `redis-crdt-operator-${version}.tar`), path.join(work, 'operator'));
    // The archives are unpacked; drop them (about 650 MiB).
    fs.rmSync(out, { recursive: true, force: true });
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(running.map((p) => p.stop(5000)));
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  });

  function logFile(name: string): string {
    return path.join(work, `${name}.log`);
  }

  async function start(name: string, spec: ContainerSpec): Promise<ManagedProcess> {
    const p = await startContainer(name, spec, logFile(name));
    running.push(p);
    return p;
  }

  it('names the images and configures them as docker/README.md says', function () {
    assert.deepEqual(sidecar.repoTags, [SIDECAR_IMAGE]);
    assert.deepEqual(operator.repoTags, [OPERATOR_IMAGE]);
    assert.deepEqual(sidecar.config.Entrypoint, ['node', 'dist/sidecar/src/main.js']);
    assert.deepEqual(operator.config.Entrypoint, ['node', 'dist/operator/src/main.js']);
    for (const image of [sidecar, operator]) {
      // ENTRYPOINT replaced the base's, and with it the base's CMD (["node"]).
      assert.deepEqual(image.config.Cmd ?? [], []);
      assert.equal(image.config.WorkingDir, '/app');
      assert.equal(image.config.User, 'node');
      assert.deepEqual(resolveUser(image), { uid: 1000, gid: 1000 }, 'the node user is uid/gid 1000, the pods\' runAsUser/fsGroup');
      assert.ok(image.config.Env?.includes('NODE_ENV=production'));
    }
    assert.deepEqual(Object.keys(sidecar.config.ExposedPorts ?? {}).sort(), ['6379/tcp', '7379/tcp', '9379/tcp']);
    assert.deepEqual(Object.keys(sidecar.config.Volumes ?? {}), [DATA_DIR]);
    assert.deepEqual(Object.keys(operator.config.ExposedPorts ?? {}), ['8080/tcp']);
    const data = fs.statSync(path.join(sidecar.rootfs, DATA_DIR));
    assert.deepEqual([data.uid, data.gid], [1000, 1000], `${DATA_DIR} belongs to node`);
  });

  it('runs Node 20 from the base image as the unprivileged node user, on a read-only root', async function () {
    // /usr/local/bin/node is where the official image (and the stand-in) has it; the host's is elsewhere or absent.
    const script = [
      'const fs = require("fs");',
      'const tryWrite = (f) => { try { fs.writeFileSync(f, "x"); return "ok"; } catch (e) { return e.code; } };',
      'console.log([process.version, process.execPath, process.getuid() + ":" + process.getgid(), process.cwd(),',
      '  tryWrite("/home/node/x"), tryWrite("/tmp/x")].join(" "));',
    ].join('\n');
    const node = await runContainer({ image: sidecar, command: ['node', '-e', script], mounts: [{ source: 'tmpfs', target: '/tmp' }] });
    assert.equal(node.code, 0, node.stderr);
    // The image's home directory belongs to node but the root file system is read-only; /tmp is a volume.
    assert.match(node.stdout.trim(), /^v20\.\d+\.\d+ \/usr\/local\/bin\/node 1000:1000 \/app EROFS ok$/);
  });

  it('operator image: the entrypoint prints its usage with --help and refuses an unknown flag', async function () {
    const help = await runContainer({ image: operator, args: ['--help'] });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^redis-crdt-operator: runs RedisCRDTCluster/);
    assert.match(help.stdout, /--leader-elect/);
    const bad = await runContainer({ image: operator, args: ['--no-such-flag'] });
    assert.equal(bad.code, 2, `exit ${bad.code}: ${bad.stdout}${bad.stderr}`);
    assert.match(bad.stderr, /no-such-flag/);
  });

  it('sidecar image: the entrypoint prints its usage, and tls-sync\'s', async function () {
    const help = await runContainer({ image: sidecar, args: ['--help'] });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: redis-crdt-sidecar \[options\]/);
    const tlsSync = await runContainer({ image: sidecar, args: ['tls-sync', '--help'] });
    assert.equal(tlsSync.code, 0, tlsSync.stderr);
    assert.match(tlsSync.stdout, /^Usage: redis-crdt-sidecar tls-sync --from DIR --to DIR/);
  });

  describe('a pod as the operator builds it: tls-sync, the sidecar, a redis-server mirror, and a second replica', function () {
    let pod: ManagedProcess;
    let tlsSync: ManagedProcess;
    let replicaA: ManagedProcess;
    let replicaB: ManagedProcess;
    let dataA: string;
    /** Mounts of the tls-sync container, also used by its startup probe (probes exec in the container). */
    let tlsSyncMounts: Mount[];

    async function cli(replica: Replica | number, ...args: string[]): Promise<string> {
      const port = typeof replica === 'number' ? replica : replica.resp;
      const r = await inNetns(pod.pid, ['redis-cli', '-p', String(port), ...args]);
      if (r.code !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    }

    /** GET on the admin HTTP port from inside the pod (host node in the pod's network namespace). */
    async function admin(replica: Replica, route: string): Promise<{ status: number; body: string }> {
      const script = `fetch('http://127.0.0.1:${replica.admin}${route}').then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })))`;
      const r = await inNetns(pod.pid, [process.execPath, '-e', script]);
      if (r.code !== 0) throw new Error(`GET ${route}: ${r.stderr.trim()}`);
      return JSON.parse(r.stdout) as { status: number; body: string };
    }

    function failureReport(): string {
      return [tlsSync, replicaA, replicaB].filter((p) => p !== undefined).map((p) => `--- ${p.name}:\n${tailFile(p.logFile, 30)}`).join('\n');
    }

    function replicaSpec(replica: Replica, data: string, tls: string, peers: string): ContainerSpec {
      return {
        image: sidecar,
        hostname: replica.id,
        netnsOf: pod.pid,
        env: { POD_NAME: replica.id, REDIS_CRDT_REPLICA_ID: replica.id, REDIS_CRDT_ADMIN_TOKEN: 'smoke-admin-token' },
        // operator/src/resources/sidecar-container.ts's args, ports aside for the second replica.
        args: [
          `--replica-id=${replica.id}`, `--port=${replica.resp}`, '--bind=0.0.0.0', `--data-dir=${DATA_DIR}`,
          `--admin-port=${replica.admin}`, '--admin-bind=0.0.0.0', '--appendfsync=everysec', `--repl-port=${replica.repl}`,
          `--peers-file=${PEERS_FILE}`, `--tls-ca=${TLS_DIR}/ca.crt`, `--tls-cert=${TLS_DIR}/tls.crt`, `--tls-key=${TLS_DIR}/tls.key`,
          ...(replica === A ? [`--mirror=redis://127.0.0.1:${MIRROR_PORT}`] : []),
        ],
        mounts: [
          { source: data, target: DATA_DIR },
          { source: peers, target: path.posix.dirname(PEERS_FILE), readOnly: true },
          { source: tls, target: TLS_DIR, readOnly: true },
          { source: 'tmpfs', target: '/tmp' },
        ],
      };
    }

    before(async function () {
      this.timeout(180_000);
      const dir = (name: string, owner = 1000): string => {
        const d = path.join(work, name);
        fs.mkdirSync(d, { recursive: true });
        fs.chownSync(d, owner, owner);
        return d;
      };
      // Every replica's TLS Secret, one directory per pod (the tls-all volume), readable by the pods' fsGroup.
      const pki = dir('pki', 0);
      await mustRun(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', path.join(pki, 'ca.key'), '-out', path.join(pki, 'ca.crt'), '-days', '2', '-subj', '/CN=redis-crdt-images-test-ca']);
      const tlsAll = dir('tls-all');
      for (const replica of [A, B]) {
        const d = dir(path.join('tls-all', replica.id));
        const ext = path.join(pki, `${replica.id}.ext`);
        fs.writeFileSync(ext, `subjectAltName=DNS:${replica.id}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
        await mustRun(['openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', path.join(d, 'tls.key'), '-out', path.join(pki, `${replica.id}.csr`), '-subj', `/CN=${replica.id}`]);
        await mustRun(['openssl', 'x509', '-req', '-in', path.join(pki, `${replica.id}.csr`), '-CA', path.join(pki, 'ca.crt'),
          '-CAkey', path.join(pki, 'ca.key'), '-CAcreateserial', '-days', '2', '-out', path.join(d, 'tls.crt'), '-extfile', ext]);
        fs.copyFileSync(path.join(pki, 'ca.crt'), path.join(d, 'ca.crt'));
        for (const f of ['ca.crt', 'tls.crt', 'tls.key']) fs.chownSync(path.join(d, f), 1000, 1000);
      }
      const peers = dir('peers');
      fs.writeFileSync(path.join(peers, 'peers.yaml'),
        `peers:\n${[A, B].map((r) => `  - id: ${r.id}\n    address: 127.0.0.1:${r.repl}\n`).join('')}removed: []\n`);

      pod = await startPodNetwork('pod-network', logFile('pod-network'));
      running.push(pod);
      const mirror = await ManagedProcess.start({
        name: 'redis', logFile: logFile('redis'),
        argv: ['nsenter', `--net=/proc/${pod.pid}/ns/net`, '--', 'redis-server', '--port', String(MIRROR_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      });
      running.push(mirror);

      // The tls-sync native sidecar: copies this pod's files from tls-all into the shared memory volume.
      const tlsA = dir('tls-smoke-0');
      tlsSyncMounts = [
        { source: tlsAll, target: TLS_SOURCE_DIR, readOnly: true },
        { source: tlsA, target: TLS_DIR },
      ];
      tlsSync = await start('tls-sync', {
        image: sidecar, hostname: A.id, netnsOf: pod.pid, env: { POD_NAME: A.id },
        args: ['tls-sync', `--from=${TLS_SOURCE_DIR}/${A.id}`, `--to=${TLS_DIR}`],
        mounts: tlsSyncMounts,
      });
      // Its startup probe, exec'd in the container as the operator defines it, holds the replica until the first copy.
      await waitFor('the tls-sync startup probe', 30_000, async () => {
        const probe = await runContainer({ image: sidecar, command: ['test', '-s', `${TLS_DIR}/tls.key`], mounts: tlsSyncMounts });
        return probe.code === 0 ? true : undefined;
      }, 500).catch((e: Error) => { throw new Error(`${e.message}\n${failureReport()}`); });

      dataA = dir('data-smoke-0');
      replicaA = await start(A.id, replicaSpec(A, dataA, tlsA, peers));
      replicaB = await start(B.id, replicaSpec(B, dir('data-smoke-1'), path.join(tlsAll, B.id), peers));
      await waitFor('both replicas to answer PING', 60_000, async () => {
        if (!replicaA.running || !replicaB.running) throw new Error('a replica exited');
        return (await cli(A, 'PING')) === 'PONG' && (await cli(B, 'PING')) === 'PONG' ? true : undefined;
      }).catch((e: Error) => { throw new Error(`${e.message}\n${failureReport()}`); });
    });

    it('tls-sync copied the replica\'s own certificate; the startup probe\'s `test` tells present from missing', async function () {
      for (const f of ['ca.crt', 'tls.crt', 'tls.key']) {
        assert.equal(fs.readFileSync(path.join(work, 'tls-smoke-0', f), 'utf8'), fs.readFileSync(path.join(work, 'tls-all', A.id, f), 'utf8'));
      }
      const missing = await runContainer({ image: sidecar, command: ['test', '-s', `${TLS_DIR}/missing.key`], mounts: tlsSyncMounts });
      assert.equal(missing.code, 1);
    });

    it('SET and GET over RESP (redis-cli), and the admin port answers /healthz', async function () {
      assert.equal(await cli(A, 'SET', 'k', 'v'), 'OK');
      assert.equal(await cli(A, 'GET', 'k'), 'v');
      assert.equal(await cli(A, 'INCRBY', 'n', '5'), '5');
      const health = await admin(A, '/healthz');
      assert.equal(health.status, 200, health.body);
    });

    it('mirrors values into the pod-local redis-server', async function () {
      assert.equal(await cli(A, 'SET', 'mirrored', 'yes'), 'OK');
      await waitFor('the value in the mirror', 20_000, async () => ((await cli(MIRROR_PORT, 'GET', 'mirrored')) === 'yes' ? true : undefined));
    });

    it('two replicas from the image replicate both ways over mutual TLS and report ready', async function () {
      this.timeout(90_000);
      assert.equal(await cli(A, 'SET', 'from-a', '1'), 'OK');
      assert.equal(await cli(B, 'SET', 'from-b', '2'), 'OK');
      await waitFor('A\'s write on B and B\'s on A', 60_000, async () =>
        (await cli(B, 'GET', 'from-a')) === '1' && (await cli(A, 'GET', 'from-b')) === '2' ? true : undefined,
      ).catch((e: Error) => { throw new Error(`${e.message}\n${failureReport()}`); });
      assert.equal(await cli(B, 'INCRBY', 'n', '2'), '7', 'B counts on top of A\'s INCRBY 5');
      await waitFor('A and B ready', 30_000, async () =>
        (await admin(A, '/readyz')).status === 200 && (await admin(B, '/readyz')).status === 200 ? true : undefined);
    });

    it('stops on SIGTERM with status 0 and leaves its data in the volume, owned by node', async function () {
      this.timeout(60_000);
      const exit = await replicaA.stop(30_000);
      assert.deepEqual([exit.code, exit.signal], [0, null], `sidecar exit ${JSON.stringify(exit)}\n${replicaA.tail()}`);
      const files = fs.readdirSync(dataA);
      assert.ok(files.length > 0, 'the data volume is empty');
      for (const f of files) assert.equal(fs.statSync(path.join(dataA, f)).uid, 1000, `${f} is not owned by uid 1000`);
    });
  });
});
