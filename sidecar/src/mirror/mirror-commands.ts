import { argNumber, lower } from '../commands/args.js';
import { BLOCKED } from '../commands/client.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../commands/errors.js';
import type { ExecContext } from '../commands/exec-context.js';
import { containerCommand, helpReply } from '../commands/server.js';
import { command, NO_KEYS, type CommandSpec } from '../commands/spec.js';
import { bulk, error, integer, OK, type Reply } from '../resp/reply.js';
import type { Mirror } from './mirror.js';
import { mirrorStatusFields } from './mirror-status.js';
import { verifyMirror, type VerifyReport } from './verify.js';

const ERR_NO_MIRROR = error('ERR no local Redis mirror is configured: start the sidecar with --mirror redis://host:port');

const HELP = [
  'STATUS', '    State, write-behind queue, rebuild progress and counters of the local Redis mirror.',
  'REBUILD', '    Rewrites the mirror from the store in the background (progress in STATUS).',
  'VERIFY [SAMPLE <count>]', '    Compares the store with the mirror (every key, or <count> random keys each way) and lists differences.',
];

type Result = Reply | typeof BLOCKED;

function fieldsReply(fields: readonly (readonly [string, string | number])[]): Reply {
  return { kind: 'map', entries: fields.map(([name, value]) => [bulk(name), typeof value === 'number' ? integer(value) : bulk(value)] as const) };
}

function reportReply(report: VerifyReport): Reply {
  return {
    kind: 'map',
    entries: [
      [bulk('checked'), integer(report.checked)],
      [bulk('differences'), integer(report.differences.length)],
      [bulk('details'), { kind: 'array', items: report.differences.slice(0, 100).map((line) => bulk(line)) }],
    ],
  };
}

/** CRDT.MIRROR STATUS | REBUILD | VERIFY; `get` returns the mirror (undefined without --mirror). */
export function mirrorCommands(get: () => Mirror | undefined): CommandSpec[] {
  const withMirror = (handler: (ctx: ExecContext, args: readonly Buffer[], mirror: Mirror) => Result) =>
    (ctx: ExecContext, args: readonly Buffer[]): Result => {
      const mirror = get();
      return mirror === undefined ? ERR_NO_MIRROR : handler(ctx, args, mirror);
    };

  const status = withMirror((ctx, _args, mirror) => fieldsReply(mirrorStatusFields(mirror, ctx.now)));

  const rebuild = withMirror((_ctx, _args, mirror) => {
    if (mirror.link === undefined) return error(`ERR the local Redis mirror is not connected (${mirror.target.display}); it is rebuilt as soon as it is`);
    mirror.requestRebuild('CRDT.MIRROR REBUILD');
    return OK;
  });

  const verify = withMirror((ctx, args, mirror) => {
    let sample: number | undefined;
    if (args.length === 4 && lower(args[2]) === 'sample') {
      sample = argNumber(args[3]);
      if (sample === undefined || sample <= 0) return ERR_NOT_INTEGER;
    } else if (args.length !== 2) {
      return ERR_SYNTAX;
    }
    if (mirror.link === undefined) return error(`ERR the local Redis mirror is not connected (${mirror.target.display})`);
    verifyMirror(mirror, ctx.server.keyspace, sample).then(
      (report) => ctx.client.unblock(reportReply(report)),
      (failure: unknown) => ctx.client.unblock(error(`ERR mirror verify failed: ${failure instanceof Error ? failure.message : String(failure)}`)),
    );
    return BLOCKED;
  });

  const flags = ['admin', 'noscript', 'loading', 'stale'] as const;
  return [
    containerCommand('crdt.mirror', 'crdt', 'A container for local Redis mirror commands', '0.1.0', [
      command('crdt.mirror|status', 2, flags, NO_KEYS, 'crdt', 'State and counters of the local Redis mirror', status, '0.1.0'),
      command('crdt.mirror|rebuild', 2, flags, NO_KEYS, 'crdt', 'Rebuilds the local Redis mirror from the store', rebuild, '0.1.0'),
      command('crdt.mirror|verify', -2, flags, NO_KEYS, 'crdt', 'Compares the store with the local Redis mirror', verify, '0.1.0'),
      command('crdt.mirror|help', 2, ['loading', 'stale'], NO_KEYS, 'crdt', 'Returns helpful text about the different subcommands', () => helpReply('CRDT.MIRROR', HELP), '0.1.0'),
    ]),
  ];
}
