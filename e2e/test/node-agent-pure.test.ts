// The node agent's pure rules, checked without a cluster: how an image and a
// manifest become an argv, how $(VAR) expands, what goes into /etc/hosts, and
// how container states become a pod phase.
import assert from 'node:assert/strict';
import { containerArgv, expandVars } from '../harness/node-agent/command-line.js';
import { shouldRestart, exitCodeOf } from '../harness/node-agent/container-state.js';
import { buildHostsFile } from '../harness/node-agent/hosts-file.js';
import { imageName, lookupImage, SIDECAR_MAIN } from '../harness/node-agent/images.js';
import { podPhase, type ContainerFacts } from '../harness/node-agent/pod-status.js';

const redis = lookupImage('redis:7.2');

describe('node agent: images and command lines', function () {
  it('maps redis, registry-qualified redis, our sidecar and operator, and rejects others', function () {
    assert.deepEqual(lookupImage('docker.io/library/redis:7.2@sha256:abc')?.entrypoint, ['redis-server']);
    assert.deepEqual(lookupImage('localhost:5000/redis')?.entrypoint, ['redis-server']);
    assert.deepEqual(lookupImage('ghcr.io/acme/redis-crdt-sidecar:dev')?.entrypoint, ['node', SIDECAR_MAIN]);
    assert.equal(lookupImage('ghcr.io/acme/redis-crdt-operator:dev')?.entrypoint[0], 'node');
    assert.equal(lookupImage('nginx:1.27'), undefined);
    assert.equal(lookupImage('redisinsight:1'), undefined);
    assert.equal(imageName('localhost:5000/redis:7'), 'localhost:5000/redis');
  });

  it('builds argv like a container runtime: command replaces the entrypoint, args follow it', function () {
    assert.ok(redis);
    assert.deepEqual(containerArgv({ name: 'c' }, redis, {}), ['redis-server']);
    assert.deepEqual(containerArgv({ name: 'c', args: ['--port', '7000'] }, redis, {}), ['redis-server', '--port', '7000']);
    assert.deepEqual(containerArgv({ name: 'c', args: ['/etc/r.conf'] }, redis, {}), ['redis-server', '/etc/r.conf']);
    // The redis image's entrypoint runs non-flag args as the command.
    assert.deepEqual(containerArgv({ name: 'c', args: ['redis-server', '--port', '1'] }, redis, {}), ['redis-server', '--port', '1']);
    assert.deepEqual(containerArgv({ name: 'c', command: ['sh', '-c'], args: ['echo $(A)'] }, redis, { A: 'x' }), ['sh', '-c', 'echo x']);
    assert.deepEqual(containerArgv({ name: 'c', command: ['redis-crdt-sidecar'], args: ['--x'] }, redis, {}), ['node', SIDECAR_MAIN, '--x']);
  });

  it('expands $(VAR), keeps unknown references and unescapes $$', function () {
    assert.equal(expandVars('$(A)-$(B)-$$(A)', { A: '1' }), '1-$(B)-$(A)');
  });
});

describe('node agent: hosts file', function () {
  it('lists stable names for pods with a subdomain, short forms only in the same namespace', function () {
    const self = { ip: '10.88.0.2', namespace: 'a', hostname: 'web-0', subdomain: 'web' };
    const peer = { ip: '10.88.0.3', namespace: 'a', hostname: 'web-1', subdomain: 'web' };
    const other = { ip: '10.88.0.4', namespace: 'b', hostname: 'db-0', subdomain: 'db' };
    const loner = { ip: '10.88.0.5', namespace: 'a', hostname: 'solo', subdomain: undefined };
    const text = buildHostsFile(self, [self, peer, other, loner]);
    assert.match(text, /^10\.88\.0\.2\tweb-0\.web\.a\.svc\.cluster\.local .* web-0\.web web-0$/m);
    assert.match(text, /^10\.88\.0\.3\tweb-1\.web\.a\.svc\.cluster\.local web-1\.web\.a\.svc web-1\.web\.a web-1\.web$/m);
    assert.match(text, /^10\.88\.0\.4\tdb-0\.db\.b\.svc\.cluster\.local db-0\.db\.b\.svc db-0\.db\.b$/m);
    assert.doesNotMatch(text, /10\.88\.0\.5/);
  });
});

describe('node agent: container and pod state', function () {
  const status = { name: 'c', image: 'redis', imageID: '', ready: true, started: true, restartCount: 0, state: {}, lastState: {} };
  const app = (active: boolean, exitCode?: number): ContainerFacts => ({ status, active, everStarted: true, exitCode });
  const base = { fatal: undefined, initDone: true, initFailed: false, sidecars: [] };

  it('derives the pod phase from its containers', function () {
    assert.equal(podPhase({ ...base, initDone: false, apps: [] }), 'Pending');
    assert.equal(podPhase({ ...base, apps: [app(true)] }), 'Running');
    assert.equal(podPhase({ ...base, apps: [app(false, 0), app(false, 0)] }), 'Succeeded');
    assert.equal(podPhase({ ...base, apps: [app(false, 0), app(false, 1)] }), 'Failed');
    assert.equal(podPhase({ ...base, fatal: { reason: 'UnknownImage', message: '' }, apps: [] }), 'Failed');
  });

  it('restarts per restartPolicy and reports signals as 128+n', function () {
    assert.equal(shouldRestart('Always', 0), true);
    assert.equal(shouldRestart('OnFailure', 0), false);
    assert.equal(shouldRestart('OnFailure', 2), true);
    assert.equal(shouldRestart('Never', 2), false);
    assert.deepEqual(exitCodeOf(null, 'SIGKILL'), { exitCode: 137, signal: 9 });
  });
});
