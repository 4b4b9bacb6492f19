import { argNumber, keyOf, lower } from '../commands/args.js';
import { BLOCKED } from '../commands/client.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../commands/errors.js';
import type { ExecContext } from '../commands/exec-context.js';
import { command, NO_KEYS, ONE_KEY, type CommandSpec } from '../commands/spec.js';
import { keyStateJson, mvget } from '../replica/key-inspect.js';
import { array, bulk, bulkOrNull, error, integer, NULL, OK, type Reply } from '../resp/reply.js';
import type { PeerStatus } from './peer-status.js';
import type { Replication } from './replication.js';

const ERR_DISABLED = error('ERR replication is not enabled on this replica (no TLS material and no peers)');

type Result = Reply | typeof BLOCKED;

function peerReply(status: PeerStatus): Reply {
  const pairs: [string, Reply][] = [
    ['id', bulk(status.id)], ['address', bulk(status.address)], ['source', bulk(status.source)], ['state', bulk(status.state)],
    ['link', bulk(status.link)], ['paused', integer(status.paused ? 1 : 0)], ['lag_ops', integer(status.lagOps)], ['lag_ms', integer(status.lagMs)],
    ['acked_vv', bulk(Object.entries(status.ackedVersionVector).map(([r, s]) => `${r}=${s}`).join(','))],
    ['reconnects', integer(status.reconnects)], ['last_error', bulk(status.lastError)],
  ];
  return { kind: 'map', entries: pairs.map(([name, value]) => [bulk(name), value] as const) };
}

/** Ops originated here so far, and the peers that acknowledged all of them. */
function ackedCount(replication: Replication, target: number, onlyAlive: boolean): { acked: number; considered: number } {
  const origin = replication.originId;
  const now = Date.now();
  let acked = 0;
  let considered = 0;
  for (const record of replication.peerRecords()) {
    if (onlyAlive && record.liveness(now) !== 'alive') continue;
    considered += 1;
    if ((record.acked.get(origin) ?? 0) >= target) acked += 1;
  }
  return { acked, considered };
}

/** Blocks the client until `done` (replying its value) or the deadline (replying `onTimeout`). */
function block(ctx: ExecContext, replication: Replication, timeoutMs: number, done: () => Reply | undefined, onTimeout: () => Reply): Result {
  const immediate = done();
  if (immediate !== undefined) return immediate;
  const deadline = timeoutMs === 0 ? Infinity : Date.now() + timeoutMs;
  replication.waiters.add(deadline, () => {
    const reply = done();
    if (reply === undefined) return false;
    ctx.client.unblock(reply);
    return true;
  }, () => ctx.client.unblock(onTimeout()));
  return BLOCKED;
}

/**
 * Admin commands of the replication layer (DESIGN.md §7). `get` returns the running
 * Replication (undefined while replication is disabled); the integrator registers these.
 */
export function replicationCommands(get: () => Replication | undefined): CommandSpec[] {
  const withReplication = (handler: (ctx: ExecContext, args: readonly Buffer[], replication: Replication) => Result) =>
    (ctx: ExecContext, args: readonly Buffer[]): Result => {
      const replication = get();
      return replication === undefined || !replication.enabled ? ERR_DISABLED : handler(ctx, args, replication);
    };

  const peers = withReplication((_ctx, _args, replication) => array(replication.status().map(peerReply)));

  const crdtWait = withReplication((ctx, args, replication) => {
    const timeout = argNumber(args[1]);
    if (timeout === undefined || timeout < 0) return ERR_NOT_INTEGER;
    const target = ctx.server.engine.vv.get(replication.originId) ?? 0;
    return block(ctx, replication, timeout, () => {
      const { acked, considered } = ackedCount(replication, target, true);
      return acked === considered ? integer(acked) : undefined;
    }, () => {
      const { acked, considered } = ackedCount(replication, target, true);
      return error(`TIMEOUT ${acked} of ${considered} live peers acknowledged within ${timeout} ms`);
    });
  });

  /** WAIT numreplicas timeout: like Redis, replies with how many peers acknowledged. */
  const wait = (ctx: ExecContext, args: readonly Buffer[]): Result => {
    const wanted = argNumber(args[1]);
    const timeout = argNumber(args[2]);
    if (wanted === undefined || timeout === undefined) return ERR_NOT_INTEGER;
    if (timeout < 0) return error('ERR timeout is negative');
    const replication = get();
    if (replication === undefined || !replication.enabled) return integer(0);
    const target = ctx.server.engine.vv.get(replication.originId) ?? 0;
    const count = (): number => ackedCount(replication, target, false).acked;
    return block(ctx, replication, timeout, () => (count() >= wanted ? integer(count()) : undefined), () => integer(count()));
  };

  const pause = (paused: boolean) => withReplication((_ctx, args, replication) => {
    const peer = args[1] === undefined ? undefined : keyOf(args[1]);
    const changed = replication.setPaused(paused, peer);
    return peer !== undefined && changed === 0 ? error(`ERR unknown peer '${peer}'`) : OK;
  });

  const digest = withReplication((_ctx, _args, replication) => bulk(replication.digest.digest()));

  const state = (ctx: ExecContext, args: readonly Buffer[]): Reply => bulkOrNull(keyStateJson(ctx.server.engine, keyOf(args[1])));

  const mvgetHandler = (ctx: ExecContext, args: readonly Buffer[]): Reply => {
    const values = mvget(ctx.server.engine, keyOf(args[1]));
    return values === undefined ? NULL : array(values.map((value) => bulk(value)));
  };

  const crdtHelp = (_ctx: ExecContext, args: readonly Buffer[]): Reply => (lower(args[1]) === 'help' ? bulk('CRDT.PEERS | CRDT.WAIT ms | CRDT.PAUSE [peer] | CRDT.RESUME [peer] | CRDT.DIGEST | CRDT.STATE key | CRDT.MVGET key') : ERR_SYNTAX);

  return [
    command('crdt.peers', 1, ['admin', 'loading', 'stale'], NO_KEYS, 'crdt', 'Peers with state, lag and acknowledged version vector', peers),
    command('crdt.wait', 2, ['noscript'], NO_KEYS, 'crdt', 'Blocks until every live peer acknowledged all ops originated here', crdtWait),
    command('crdt.pause', -1, ['admin', 'noscript'], NO_KEYS, 'crdt', 'Stops replication traffic with one peer or all', pause(true)),
    command('crdt.resume', -1, ['admin', 'noscript'], NO_KEYS, 'crdt', 'Resumes replication traffic with one peer or all', pause(false)),
    command('crdt.digest', 1, ['readonly', 'loading', 'stale'], NO_KEYS, 'crdt', 'Order-independent hash of the logical state', digest),
    command('crdt.state', 2, ['readonly', 'loading', 'stale'], ONE_KEY, 'crdt', 'CRDT metadata of a key as JSON', state),
    command('crdt.mvget', 2, ['readonly', 'fast'], ONE_KEY, 'crdt', 'Concurrent values of a string, LWW winner first', mvgetHandler),
    command('crdt.help', 2, ['loading', 'stale'], NO_KEYS, 'crdt', 'Lists the CRDT commands', crdtHelp),
    command('wait', 3, ['noscript'], NO_KEYS, 'generic', 'Waits until peers acknowledged the writes originated here', wait, '3.0.0'),
  ];
}
