import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { envName, flagName, helpText, OPTIONS, parseConfig } from '../../src/config.js';
import { repoPath } from '../fixtures/repo.js';

const noFile = (): string => { throw new Error('no file expected'); };

describe('operator configuration', () => {
  it('has defaults for everything', () => {
    const r = parseConfig([], {}, noFile);
    assert.ok(r.ok);
    assert.equal(r.value.config.httpPort, 8080);
    assert.equal(r.value.config.certPropagationDelayMs, 120_000);
    assert.equal(r.value.config.leaderElect, true);
    assert.equal(r.value.config.leaderElectionNamespace, 'default');
    assert.equal(r.value.config.kubeconfig, undefined);
  });

  it('takes flags over env over the config file', () => {
    const file = 'workers: 7\nclusterDomain: corp.local\nlog-level: debug\n';
    const r = parseConfig(['--config', 'x.yaml', '--workers=3', '--leader-elect=false'], { REDIS_CRDT_OPERATOR_CLUSTER_DOMAIN: 'env.local', POD_NAMESPACE: 'ops', KUBECONFIG: '/k' }, () => file);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.equal(r.value.config.workers, 3);
    assert.equal(r.value.config.clusterDomain, 'env.local');
    assert.equal(r.value.config.logLevel, 'debug');
    assert.equal(r.value.config.leaderElect, false);
    assert.equal(r.value.config.leaderElectionNamespace, 'ops');
    assert.equal(r.value.config.kubeconfig, '/k');
  });

  it('rejects unknown flags, unknown file keys and bad values with clear messages', () => {
    assert.deepEqual(parseConfig(['--nope'], {}, noFile), { ok: false, error: ['unknown flag --nope'] });
    assert.deepEqual(parseConfig(['--config', 'f'], {}, () => 'nope: 1'), { ok: false, error: ['config file: unknown key "nope"'] });
    const bad = parseConfig(['--http-port', 'x', '--poll-interval', '5d', '--log-level', 'loud'], {}, noFile);
    assert.deepEqual(!bad.ok && bad.error.length, 3);
  });

  it('derives flag and env names from one table and documents every option in --help', () => {
    assert.equal(flagName('certPropagationDelayMs'), 'cert-propagation-delay');
    assert.equal(envName('httpPort'), 'REDIS_CRDT_OPERATOR_HTTP_PORT');
    const help = helpText();
    for (const o of OPTIONS) assert.ok(help.includes(`--${flagName(o.key)}`) && help.includes(envName(o.key)), o.key);
  });

  it('runs as an executable: --help exits 0, a bad flag exits 2', function () {
    // Two Node start-ups that load the Kubernetes client: seconds on a loaded 2-core machine.
    this.timeout(30_000);
    const main = repoPath('dist/operator/src/main.js');
    const help = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: redis-crdt-operator/);
    const bad = spawnSync(process.execPath, [main, '--bogus'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown flag --bogus/);
  });
});
