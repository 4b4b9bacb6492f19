import assert from 'node:assert/strict';
import fc from 'fast-check';
import { leafDecision, planCa, renewalTime, signingCa, trustsPrevious, type CaState, type CertInfo } from '../../src/certs/index.js';

const H = 3_600_000;
const T0 = new Date('2026-01-01T00:00:00Z');
const at = (hours: number): Date => new Date(T0.getTime() + hours * H);
const cert = (names: string[], fromH = 0, toH = 90): CertInfo => ({ serialHex: '01', subject: '', issuer: '', notBefore: at(fromH), notAfter: at(toH), dnsNames: names });

describe('certs: renewal decisions', () => {
  it('renews at two thirds of the lifetime unless renewBefore says otherwise', () => {
    assert.deepEqual(renewalTime(at(0), at(90)), at(60));
    assert.deepEqual(renewalTime(at(0), at(90), 10 * H), at(80));
    assert.deepEqual(renewalTime(at(0), at(90), 100 * H), at(60), 'a renewBefore longer than the lifetime falls back to 2/3');
  });

  it('gives a reason for every renewal', () => {
    const base = { signedBySigningCa: true, wantedDnsNames: ['a', 'b'], now: at(10) };
    assert.deepEqual(leafDecision({ ...base, cert: undefined }), { renew: true, reason: 'Missing' });
    assert.deepEqual(leafDecision({ ...base, cert: 'garbage' }), { renew: true, reason: 'Unparseable' });
    assert.deepEqual(leafDecision({ ...base, cert: cert(['a']) }), { renew: true, reason: 'NamesChanged' });
    assert.deepEqual(leafDecision({ ...base, cert: cert(['b', 'a']), signedBySigningCa: false }), { renew: true, reason: 'IssuerChanged' });
    assert.deepEqual(leafDecision({ ...base, cert: cert(['b', 'a']), now: at(60) }), { renew: true, reason: 'Expiring' });
    assert.deepEqual(leafDecision({ ...base, cert: cert(['b', 'a']) }), { renew: false, renewAt: at(60) });
  });

  it('never lets a certificate reach expiry unrenewed, for any lifetime and time', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (lifetimeH, nowH) => {
      const d = leafDecision({ cert: cert(['a'], 0, lifetimeH), signedBySigningCa: true, wantedDnsNames: ['a'], now: at(nowH) });
      return nowH < lifetimeH * (2 / 3) ? !d.renew : d.renew;
    }));
  });
});

describe('certs: CA rotation phases', () => {
  const stable: CaState = { phase: 'Stable', since: at(0), current: { notBefore: at(0), notAfter: at(900) }, allLeavesOnCurrent: true };
  const DELAY = 2 * H;

  it('creates a CA when there is none and starts rotating at 2/3 of its life', () => {
    const { current: _unused, ...none } = stable;
    assert.deepEqual(planCa(none, at(0), DELAY), { kind: 'create' });
    assert.deepEqual(planCa(stable, at(10), DELAY), { kind: 'wait', until: at(600) });
    assert.deepEqual(planCa(stable, at(600), DELAY), { kind: 'startRotation' });
  });

  it('holds each propagation phase for the delay and reissues before retiring the old CA', () => {
    assert.deepEqual(planCa({ ...stable, phase: 'Distributing', since: at(600) }, at(601), DELAY), { kind: 'wait', until: at(602) });
    assert.deepEqual(planCa({ ...stable, phase: 'Distributing', since: at(600) }, at(602), DELAY), { kind: 'advance', to: 'Reissuing' });
    assert.deepEqual(planCa({ ...stable, phase: 'Reissuing', allLeavesOnCurrent: false }, at(700), DELAY), { kind: 'wait' });
    assert.deepEqual(planCa({ ...stable, phase: 'Reissuing' }, at(700), DELAY), { kind: 'advance', to: 'Retiring' });
    assert.deepEqual(planCa({ ...stable, phase: 'Retiring', since: at(700) }, at(702), DELAY), { kind: 'advance', to: 'Stable' });
  });

  it('signs with the CA every peer already trusts, and trusts both during a rotation', () => {
    assert.equal(signingCa('Distributing'), 'previous');
    for (const p of ['Stable', 'Reissuing', 'Retiring'] as const) assert.equal(signingCa(p), 'current');
    assert.deepEqual((['Stable', 'Distributing', 'Reissuing', 'Retiring'] as const).map(trustsPrevious), [false, true, true, true]);
  });
});
