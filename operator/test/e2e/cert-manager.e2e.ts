/**
 * tls.issuer certManager end to end, on the testbed with the real cert-manager
 * controller (built from its Go module by e2e/testbed/build-cert-manager.sh and run
 * as a local process against the bed's API server; its webhook and cainjector are
 * not needed and not run). First the operator finds no cert-manager CRDs and says so;
 * then, with the CRDs and controller installed and a CA Issuer bootstrapped from a
 * self-signed ClusterIssuer, cert-manager issues every replica's Secret, the cluster
 * becomes Ready with no operator CA, a write replicates over mTLS between pods that
 * use cert-manager's certificates, later reconciles change nothing, and a renewal
 * (triggered as `cmctl renew` does) reaches the running sidecar with a new key.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { runCommand, sleep, useCluster, waitFor, type Cluster } from '../../../e2e/harness/index.js';
import { ManagedProcess } from '../../../e2e/harness/managed-process.js';
import type { OperatorConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Manager } from '../../src/manager.js';
import { REPL_PORT } from '../../src/resources/index.js';
import { repoPath } from '../fixtures/repo.js';
import { clusterObject, createNamespace, installCrd, kubectl } from './support.js';
import { resp } from './resp.js';

interface Condition { type: string; status: string; reason?: string; message: string }
interface Status { phase?: string; readyReplicas?: number; certificates?: { earliestLeafNotAfter?: string; caNotAfter?: string }; conditions?: Condition[] }

/** Runs the cached build script (a cold build shows its progress on stderr) and returns its cache directory. */
function buildCertManager(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [repoPath('e2e/testbed/build-cert-manager.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => {
      const dir = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && dir !== '') resolve(dir);
      else reject(new Error(`e2e/testbed/build-cert-manager.sh failed with exit code ${code ?? 'null'}`));
    });
  });
}

describe('operator e2e: tls.issuer certManager with the real cert-manager controller', function () {
  let cluster: Cluster;
  let manager: Manager;
  let certManagerDir: string;
  let controller: ManagedProcess | undefined;
  const ns = `op-certmgr-${randomBytes(3).toString('hex')}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-manager-e2e-'));

  const custom = (): CustomObjectsApi => cluster.kubeconfig.makeApiClient(CustomObjectsApi);
  const core = (): CoreV1Api => cluster.kubeconfig.makeApiClient(CoreV1Api);
  const status = async (): Promise<Status> => ((await custom().getNamespacedCustomObject({ group: 'rediscrdt.io', version: 'v1alpha1', namespace: ns, plural: 'rediscrdtclusters', name: 'cache' })) as { status?: Status }).status ?? {};
  const condition = (s: Status, type: string): Condition | undefined => s.conditions?.find((c) => c.type === type);
  const apply = (obj: KubernetesObject): Promise<KubernetesObject> =>
    KubernetesObjectApi.makeApiClient(cluster.kubeconfig).patch(obj, undefined, undefined, 'e2e-user', true, 'application/apply-patch+yaml');
  const podIP = async (i: number): Promise<string> => (await core().readNamespacedPod({ name: `cache-${i}`, namespace: ns })).status?.podIP ?? '';
  const secretText = async (name: string, key: string): Promise<string> => Buffer.from((await core().readNamespacedSecret({ name, namespace: ns })).data?.[key] ?? '', 'base64').toString('utf8');

  before(async function () {
    this.timeout(90 * 60_000);
    certManagerDir = await buildCertManager();
    cluster = await useCluster();
    await installCrd(cluster);
    await createNamespace(cluster, ns);
    const config: OperatorConfig = {
      kubeconfig: cluster.kubeconfigPath, namespace: ns, leaderElect: false, leaderElectionNamespace: ns, leaderElectionId: 'redis-crdt-operator',
      httpHost: '127.0.0.1', httpPort: 0, workers: 2, clusterDomain: 'cluster.local', certPropagationDelayMs: 10_000,
      pollIntervalMs: 3000, busyPollIntervalMs: 1000, resyncMs: 60_000, logLevel: 'warn', logFormat: 'json',
    };
    manager = new Manager(config, createLogger(config, false));
    await manager.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.error(cluster.diagnostics());
      if (controller !== undefined) console.error(`cert-manager controller log:\n${controller.tail(60)}`);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await manager?.stop();
    await controller?.stop();
    if (cluster !== undefined) {
      await core().deleteNamespace({ name: ns }).catch(() => undefined);
      await cluster.stop();
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('says in the status and an event that cert-manager is not installed (the API server has no Certificate kind)', async function () {
    this.timeout(120_000);
    await apply(clusterObject(ns, 'cache', { replicas: 2, tls: { issuer: 'certManager', certManagerIssuerRef: { name: 'redis-ca', kind: 'Issuer' } } }));
    let last: Status = {};
    await waitFor('CertificatesReady=False naming the missing cert-manager', 60_000, async () => {
      last = await status();
      return /cert-manager is not installed/.test(condition(last, 'CertificatesReady')?.message ?? '') ? true : undefined;
    }, 500).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    assert.equal(condition(last, 'CertificatesReady')?.status, 'False');
    const events = await waitFor('a CertManagerMissing event', 30_000, async () => {
      const list = await core().listNamespacedEvent({ namespace: ns });
      const hit = list.items.filter((e) => e.reason === 'CertManagerMissing');
      return hit.length > 0 ? hit : undefined;
    }, 500);
    assert.equal(events[0]?.type, 'Warning');
    assert.match(events[0]?.message ?? '', /Install cert-manager/);
    await assert.rejects(core().readNamespacedSecret({ name: 'cache-ca', namespace: ns }), 'no operator CA in certManager mode');
  });

  it('with cert-manager installed, every replica gets a Certificate from the Issuer and the cluster becomes Ready with no operator CA', async function () {
    this.timeout(600_000);
    await installCertManager();
    await bootstrapCaIssuer();
    let last: Status = {};
    await waitFor('the cluster to be Ready', 420_000, async () => {
      last = await status();
      return condition(last, 'Ready')?.status === 'True' ? true : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; last status ${JSON.stringify(last)}`); });
    assert.equal(last.readyReplicas, 2);
    assert.match(condition(last, 'CertificatesReady')?.message ?? '', /^2 certificates issued by cert-manager Issuer redis-ca$/);
    assert.equal(last.certificates?.caNotAfter, undefined);
    await assert.rejects(core().readNamespacedSecret({ name: 'cache-ca', namespace: ns }), 'no operator CA in certManager mode');

    const issuerCa = new X509Certificate(await secretText('redis-ca', 'tls.crt'));
    const notAfters: number[] = [];
    for (const i of [0, 1]) {
      const secret = await core().readNamespacedSecret({ name: `cache-${i}-tls`, namespace: ns });
      assert.equal(secret.metadata?.labels?.['app.kubernetes.io/managed-by'], 'redis-crdt-operator', 'secretTemplate labels reach the Secret');
      assert.equal(secret.metadata?.labels?.['rediscrdt.io/pod'], `cache-${i}`);
      const leaf = new X509Certificate(await secretText(`cache-${i}-tls`, 'tls.crt'));
      assert.ok(leaf.verify(issuerCa.publicKey), 'issued by the CA Issuer');
      assert.equal(await secretText(`cache-${i}-tls`, 'ca.crt'), issuerCa.toString(), 'ca.crt is the issuer CA');
      assert.equal(leaf.checkHost(`cache-${i}.cache-headless.${ns}.svc.cluster.local`), `cache-${i}.cache-headless.${ns}.svc.cluster.local`);
      assert.equal(leaf.publicKey.asymmetricKeyType, 'ec');
      assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      notAfters.push(new Date(leaf.validTo).getTime());
    }
    assert.equal(new Date(last.certificates?.earliestLeafNotAfter ?? '').getTime(), Math.min(...notAfters));
  });

  it('replicates a write on cache-0 to cache-1 over mutual TLS with cert-manager certificates', async function () {
    this.timeout(60_000);
    assert.ok(cluster.podNetworkReachable, 'this test talks to pod IPs directly (the testbed allows it)');
    assert.equal(await resp(await podIP(0), 6379, ['SET', 'issued-by', 'cert-manager']), '+OK');
    const ip1 = await podIP(1);
    const value = await waitFor('the write to reach cache-1', 30_000, async () => ((await resp(ip1, 6379, ['GET', 'issued-by'])) === 'cert-manager' ? 'ok' : undefined), 250);
    assert.equal(value, 'ok');
  });

  it('changes nothing on later passes: the Certificates and issued Secrets keep their resourceVersions', async function () {
    this.timeout(60_000);
    const versions = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const i of [0, 1]) {
        const cert = (await custom().getNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: ns, plural: 'certificates', name: `cache-${i}-tls` })) as KubernetesObject;
        out.push(`Certificate ${i} ${cert.metadata?.resourceVersion ?? ''}`);
        out.push(`Secret ${i} ${(await core().readNamespacedSecret({ name: `cache-${i}-tls`, namespace: ns })).metadata?.resourceVersion ?? ''}`);
      }
      return out;
    };
    const before = await versions();
    // The manager reconciles every 3 s while nothing changes: let it run a few passes.
    await sleep(10_000);
    assert.deepEqual(await versions(), before);
  });

  it('picks up a renewal: cert-manager reissues cache-0 with a new key, the sidecar serves it, replication goes on', async function () {
    this.timeout(240_000);
    const before = new X509Certificate(await secretText('cache-0-tls', 'tls.crt'));
    // What `cmctl renew` does: mark the Certificate Issuing=True (ManuallyTriggered) through its status.
    const ref = { group: 'cert-manager.io', version: 'v1', namespace: ns, plural: 'certificates', name: 'cache-0-tls' };
    const cert = (await custom().getNamespacedCustomObject(ref)) as KubernetesObject & { status?: { conditions?: Condition[] } };
    const conditions = [...(cert.status?.conditions ?? []).filter((c) => c.type !== 'Issuing'), { type: 'Issuing', status: 'True', reason: 'ManuallyTriggered', message: 'Certificate re-issuance manually triggered', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }];
    await custom().replaceNamespacedCustomObjectStatus({ ...ref, body: { ...cert, status: { ...cert.status, conditions } } });
    const renewed = await waitFor('cert-manager to reissue cache-0-tls', 120_000, async () => {
      const now = new X509Certificate(await secretText('cache-0-tls', 'tls.crt'));
      return now.serialNumber !== before.serialNumber ? now : undefined;
    }, 1000).catch((e: unknown) => { throw new Error(`${String(e)}; controller log:\n${controller?.tail(40) ?? ''}`); });
    assert.notEqual(renewed.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'), before.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'), 'rotationPolicy Always: a new key');
    const ip0 = await podIP(0);
    const client = { cert: await secretText('cache-1-tls', 'tls.crt'), key: await secretText('cache-1-tls', 'tls.key'), ca: await secretText('cache-1-tls', 'ca.crt') };
    await waitFor('cache-0 to serve the renewed certificate on its replication port', 120_000, async () => {
      const served = await servedCertificate(ip0, REPL_PORT, `cache-0.cache-headless.${ns}.svc.cluster.local`, client).catch(() => undefined);
      return served?.serialNumber === renewed.serialNumber ? true : undefined;
    }, 1000);
    assert.equal(await resp(ip0, 6379, ['SET', 'after-renewal', 'still replicating']), '+OK');
    const ip1 = await podIP(1);
    const value = await waitFor('the write to reach cache-1', 30_000, async () => ((await resp(ip1, 6379, ['GET', 'after-renewal'])) === 'still replicating' ? 'ok' : undefined), 250);
    assert.equal(value, 'ok');
    await waitFor('CertificatesReady after the renewal', 60_000, async () => (condition(await status(), 'CertificatesReady')?.status === 'True' ? true : undefined), 1000);
  });

  /** The certificate a TLS server presents (mutual TLS: the client shows a peer's certificate). */
  function servedCertificate(host: string, port: number, servername: string, client: { cert: string; key: string; ca: string }): Promise<X509Certificate> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host, port, servername, ...client, ALPNProtocols: ['h2'] }, () => {
        const raw = socket.getPeerX509Certificate();
        socket.destroy();
        if (raw === undefined) reject(new Error('no peer certificate'));
        else resolve(raw);
      });
      socket.once('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
    });
  }

  /** The CRDs as cert-manager ships them (minus the Helm-templated labels), then its controller. */
  async function installCertManager(): Promise<void> {
    const crdDir = path.join(certManagerDir, 'crds');
    for (const file of fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
      const crd = YAML.parse(fs.readFileSync(path.join(crdDir, file), 'utf8')) as { metadata: { labels?: unknown } };
      delete crd.metadata.labels;
      const clean = path.join(work, file.replace(/\.yaml$/, '.json'));
      fs.writeFileSync(clean, JSON.stringify(crd));
      const r = await runCommand([kubectl(cluster), '--kubeconfig', cluster.kubeconfigPath, 'apply', '--server-side', '-f', clean]);
      if (r.code !== 0) throw new Error(`kubectl apply of ${file} failed: ${r.stderr}`);
    }
    const w = await runCommand([kubectl(cluster), '--kubeconfig', cluster.kubeconfigPath, 'wait', '--for=condition=Established', '--timeout=60s', 'crd/certificates.cert-manager.io', 'crd/issuers.cert-manager.io', 'crd/clusterissuers.cert-manager.io', 'crd/certificaterequests.cert-manager.io']);
    if (w.code !== 0) throw new Error(`cert-manager CRDs not established: ${w.stderr}`);
    controller = await ManagedProcess.start({
      name: 'cert-manager-controller',
      argv: [path.join(certManagerDir, 'bin', 'cert-manager-controller'), `--kubeconfig=${cluster.kubeconfigPath}`, '--leader-elect=false',
        `--cluster-resource-namespace=${ns}`, '--metrics-listen-address=127.0.0.1:0', '--enable-certificate-owner-ref=true', '--v=2'],
      logFile: path.join(work, 'cert-manager-controller.log'),
    });
  }

  /** The usual cert-manager bootstrap: a self-signed ClusterIssuer signs a CA Certificate, which backs a CA Issuer. */
  async function bootstrapCaIssuer(): Promise<void> {
    const meta = (name: string): { name: string; namespace: string } => ({ name, namespace: ns });
    await apply({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: `${ns}-selfsigned` }, spec: { selfSigned: {} } } as KubernetesObject);
    await apply({
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('redis-ca'),
      spec: { isCA: true, commonName: 'redis-crdt e2e CA', secretName: 'redis-ca', privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { name: `${ns}-selfsigned`, kind: 'ClusterIssuer', group: 'cert-manager.io' } },
    } as KubernetesObject);
    await waitFor('cert-manager to issue the CA Secret', 180_000, async () => ((await secretText('redis-ca', 'tls.crt').catch(() => '')) !== '' ? true : undefined), 1000)
      .catch((e: unknown) => { throw new Error(`${String(e)}; controller log:\n${controller?.tail(40) ?? ''}`); });
    await apply({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('redis-ca'), spec: { ca: { secretName: 'redis-ca' } } } as KubernetesObject);
  }
});
