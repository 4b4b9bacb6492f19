import { array, bulk, error, integer, NULL, simple, type Reply } from '../resp/reply.js';
import { keyOf, lower } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import type { ExecContext } from './exec-context.js';
import type { RedisDocArgument, RedisDocFields } from './command-docs-fields.js';
import { REDIS_DOC_FIELDS } from './command-docs-redis.js';
import { globMatch } from './glob.js';
import { containerCommand, helpReply } from './server.js';
import { command, NO_KEYS, type CommandFlag, type CommandSpec } from './spec.js';

/**
 * COMMAND, COMMAND COUNT|INFO|DOCS|LIST|GETKEYS (Redis 7.0 server.c commandCommand and
 * friends), generated from the command table, so the metadata is written once.
 *
 * What is derived rather than stored: ACL categories (from flags and group, as Redis's
 * setImplicitACLCategories does, plus the few explicit ones below), key specs (one range
 * spec from the legacy first/last/step triple). Command tips are data below.
 */

type Table = ReadonlyMap<string, CommandSpec>;

/** Redis's ACL category order (ACLCommandCategories in acl.c); replies list them in it. */
const CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** The category a command group implies (each commands/*.json names it). */
const GROUP_CATEGORY: ReadonlyMap<string, string> = new Map([
  ['generic', 'keyspace'], ['string', 'string'], ['list', 'list'], ['hash', 'hash'], ['set', 'set'],
  ['sorted-set', 'sortedset'], ['sorted_set', 'sortedset'], ['bitmap', 'bitmap'], ['hyperloglog', 'hyperloglog'],
  ['geo', 'geo'], ['stream', 'stream'], ['connection', 'connection'], ['transactions', 'transaction'],
  ['scripting', 'scripting'],
]);

/** Categories Redis's JSON files list explicitly for commands whose group does not imply them. */
const EXPLICIT_CATEGORIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['dbsize', ['keyspace']], ['flushdb', ['keyspace', 'dangerous']], ['flushall', ['keyspace', 'dangerous']],
  ['info', ['dangerous']], ['keys', ['dangerous']], ['sort', ['dangerous']], ['sort_ro', ['dangerous']],
  ['swapdb', ['keyspace', 'dangerous']], ['command', ['connection']],
]);

const ALL_SHARDS = 'request_policy:all_shards';
const MULTI_SHARD = 'request_policy:multi_shard';
const NONDETERMINISTIC = 'nondeterministic_output';
const UNORDERED = 'nondeterministic_output_order';

/** Command tips (commands/*.json "command_tips"), for cluster-aware clients. */
const TIPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['ping', [ALL_SHARDS, 'response_policy:all_succeeded']], ['flushdb', [ALL_SHARDS, 'response_policy:all_succeeded']],
  ['flushall', [ALL_SHARDS, 'response_policy:all_succeeded']], ['dbsize', [ALL_SHARDS, 'response_policy:agg_sum']],
  ['time', [NONDETERMINISTIC]], ['info', [NONDETERMINISTIC, ALL_SHARDS, 'response_policy:special']],
  ['client|list', [NONDETERMINISTIC]], ['client|info', [NONDETERMINISTIC]],
  ['config|set', ['request_policy:all_nodes', 'response_policy:all_succeeded']],
  ['command', [UNORDERED]], ['command|info', [UNORDERED]], ['command|docs', [UNORDERED]], ['command|list', [UNORDERED]],
  ['mget', [MULTI_SHARD]], ['mset', [MULTI_SHARD, 'response_policy:all_succeeded']], ['msetnx', [MULTI_SHARD, 'response_policy:agg_min']],
  ['del', [MULTI_SHARD, 'response_policy:agg_sum']], ['unlink', [MULTI_SHARD, 'response_policy:agg_sum']],
  ['exists', [MULTI_SHARD, 'response_policy:agg_sum']], ['touch', [MULTI_SHARD, 'response_policy:agg_sum']],
  ['ttl', [NONDETERMINISTIC]], ['pttl', [NONDETERMINISTIC]], ['keys', [ALL_SHARDS, UNORDERED]],
  ['scan', [NONDETERMINISTIC, 'request_policy:special']], ['randomkey', [ALL_SHARDS, NONDETERMINISTIC]],
]);

/** The ACL categories of a command, without the leading `@`. */
export function aclCategories(spec: CommandSpec): string[] {
  const found = new Set<string>();
  const flags = new Set<CommandFlag>(spec.flags);
  // Containers carry no group category of their own (CLIENT is only @slow).
  const group = spec.subcommands === undefined ? GROUP_CATEGORY.get(spec.group) : undefined;
  if (group !== undefined) found.add(group);
  for (const extra of EXPLICIT_CATEGORIES.get(spec.name.split('|')[0] ?? '') ?? []) found.add(extra);
  if (flags.has('write')) found.add('write');
  if (flags.has('readonly')) found.add('read');
  if (flags.has('admin')) found.add('admin').add('dangerous');
  if (flags.has('pubsub')) found.add('pubsub');
  found.add(flags.has('fast') ? 'fast' : 'slow');
  if (flags.has('blocking')) found.add('blocking');
  return CATEGORY_ORDER.filter((category) => found.has(category));
}

const EMPTY_SET: Reply = { kind: 'set', items: [] };

function simpleSet(values: readonly string[]): Reply {
  return { kind: 'set', items: values.map((value) => simple(value)) };
}

function map(entries: [string, Reply][]): Reply {
  return { kind: 'map', entries: entries.map(([key, value]) => [bulk(key), value] as const) };
}

/** One key spec (Redis 7.0 format) equivalent to the legacy (first, last, step) triple. */
function keySpecs(spec: CommandSpec): Reply {
  const { first, last, step } = spec.keys;
  if (first <= 0) return EMPTY_SET;
  const access = spec.flags.includes('write') ? ['RW', 'update'] : spec.flags.includes('readonly') ? ['RO', 'access'] : ['RO'];
  return { kind: 'set', items: [map([
    ['flags', simpleSet(access)],
    ['begin_search', map([['type', bulk('index')], ['spec', map([['index', integer(first)]])]])],
    ['find_keys', map([['type', bulk('range')], ['spec', map([
      ['lastkey', integer(last < 0 ? last : last - first)], ['keystep', integer(step)], ['limit', integer(0)],
    ])]])],
  ])] };
}

/** COMMAND INFO's ten-element entry (addReplyCommandInfo); RESP3 sends flags, categories, tips, key specs and subcommands as sets. */
export function commandInfo(spec: CommandSpec): Reply {
  return array([
    bulk(spec.name), integer(spec.arity), simpleSet(spec.flags),
    integer(spec.keys.first), integer(spec.keys.last), integer(spec.keys.step),
    simpleSet(aclCategories(spec).map((category) => `@${category}`)),
    { kind: 'set', items: (TIPS.get(spec.name) ?? []).map((tip) => bulk(tip)) }, keySpecs(spec),
    { kind: 'set', items: [...(spec.subcommands?.values() ?? [])].map(commandInfo) },
  ]);
}

/**
 * COMMAND DOCS's map for one command (addReplyCommandDocs): what Redis 7.0 documents of
 * it (summary, complexity, history, arguments: redis-cli 7.2+ builds its hints from
 * these), or the table's summary, since and group for commands Redis does not have; then
 * its subcommands.
 */
function commandDocs(spec: CommandSpec): Reply {
  const documented = REDIS_DOC_FIELDS.get(spec.name);
  const entries: [string, Reply][] = documented !== undefined ? docFields(documented)
    : [['summary', bulk(spec.summary)], ['since', bulk(spec.since)], ['group', bulk(spec.group)]];
  if (spec.subcommands !== undefined) {
    entries.push(['subcommands', map([...spec.subcommands.values()].map((sub) => [sub.name, commandDocs(sub)]))]);
  }
  return map(entries);
}

/** Finds `name` or `container|sub` like lookupCommandBySds; undefined when unknown. */
function lookupByName(table: Table, name: string): CommandSpec | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = table.get(parts[0] ?? '');
  if (parts.length === 1 || base === undefined) return base;
  return base.subcommands?.get(parts[1] ?? '');
}

/** Finds the command an argument vector runs (lookupCommand): container + subcommand. */
function lookupByArgs(table: Table, args: readonly Buffer[]): CommandSpec | undefined {
  const base = table.get(lower(args[0]));
  if (base?.subcommands === undefined || args.length < 2) return base;
  return base.subcommands.get(lower(args[1]));
}

/** Every command and subcommand, each container followed by its subcommands. */
function everyCommand(table: Table): CommandSpec[] {
  return [...table.values()].flatMap((spec) => [spec, ...(spec.subcommands?.values() ?? [])]);
}

function commandAll(ctx: ExecContext): Reply {
  return array([...ctx.server.table.values()].map(commandInfo));
}

function commandInfoCmd(ctx: ExecContext, args: readonly Buffer[]): Reply {
  if (args.length === 2) return commandAll(ctx);
  return array(args.slice(2).map((arg) => {
    const spec = lookupByName(ctx.server.table, keyOf(arg));
    return spec === undefined ? NULL : commandInfo(spec);
  }));
}

function docFields(fields: RedisDocFields): [string, Reply][] {
  const entries: [string, Reply][] = [['summary', bulk(fields.summary)], ['since', bulk(fields.since)], ['group', bulk(fields.group)]];
  if (fields.complexity !== undefined) entries.push(['complexity', bulk(fields.complexity)]);
  if (fields.doc_flags !== undefined) entries.push(['doc_flags', simpleSet(fields.doc_flags)]);
  if (fields.deprecated_since !== undefined) entries.push(['deprecated_since', bulk(fields.deprecated_since)]);
  if (fields.replaced_by !== undefined) entries.push(['replaced_by', bulk(fields.replaced_by)]);
  if (fields.history !== undefined) entries.push(['history', { kind: 'set', items: fields.history.map((change) => array(change.map((text) => bulk(text)))) }]);
  if (fields.arguments !== undefined) entries.push(['arguments', argumentList(fields.arguments)]);
  return entries;
}

/** addReplyCommandArgList: each argument a map of the fields it has, in this order. */
function argumentList(args: readonly RedisDocArgument[]): Reply {
  return array(args.map((arg) => {
    const entries: [string, Reply][] = [['name', bulk(arg.name)], ['type', bulk(arg.type)]];
    if (arg.key_spec_index !== undefined) entries.push(['key_spec_index', integer(arg.key_spec_index)]);
    if (arg.token !== undefined) entries.push(['token', bulk(arg.token)]);
    if (arg.summary !== undefined) entries.push(['summary', bulk(arg.summary)]);
    if (arg.since !== undefined) entries.push(['since', bulk(arg.since)]);
    if (arg.deprecated_since !== undefined) entries.push(['deprecated_since', bulk(arg.deprecated_since)]);
    if (arg.flags !== undefined) entries.push(['flags', simpleSet(arg.flags)]);
    if (arg.value !== undefined) entries.push(['value', bulk(arg.value)]);
    if (arg.arguments !== undefined) entries.push(['arguments', argumentList(arg.arguments)]);
    return map(entries);
  }));
}

function commandDocsCmd(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const specs = args.length === 2
    ? [...ctx.server.table.values()]
    : args.slice(2).map((arg) => lookupByName(ctx.server.table, keyOf(arg))).filter((spec) => spec !== undefined);
  return map(specs.map((spec) => [spec.name, commandDocs(spec)]));
}

function commandCount(ctx: ExecContext): Reply {
  return integer(ctx.server.table.size);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]. */
function commandList(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const all = everyCommand(ctx.server.table);
  if (args.length === 2) return array(all.map((spec) => bulk(spec.name)));
  if (args.length !== 5 || lower(args[2]) !== 'filterby') return ERR_SYNTAX;
  const kind = lower(args[3]);
  const value = keyOf(args[4]);
  let keep: (spec: CommandSpec) => boolean;
  if (kind === 'module') keep = () => false;
  else if (kind === 'aclcat') keep = (spec) => aclCategories(spec).includes(value.toLowerCase());
  else if (kind === 'pattern') keep = (spec) => globMatch(value, spec.name, true);
  else return ERR_SYNTAX;
  return array(all.filter(keep).map((spec) => bulk(spec.name)));
}

/** COMMAND GETKEYS <command> <args...>: keys by the legacy triple (getKeysSubcommandImpl). */
function commandGetkeys(ctx: ExecContext, args: readonly Buffer[]): Reply {
  const argv = args.slice(2);
  const spec = lookupByArgs(ctx.server.table, argv);
  if (spec === undefined) return error('ERR Invalid command specified');
  if (spec.keys.first <= 0) return error('ERR The command has no key arguments');
  const argc = argv.length;
  if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) {
    return error('ERR Invalid number of arguments specified for command');
  }
  const { first, step } = spec.keys;
  const last = spec.keys.last < 0 ? argc + spec.keys.last : spec.keys.last;
  if (last >= argc) return error('ERR Invalid arguments specified for command');
  const keys: Reply[] = [];
  for (let i = first; i <= last; i += step) keys.push(bulk(argv[i] ?? ''));
  return array(keys);
}

const COMMAND_HELP = [
  '(no subcommand)', '    Return details about all Redis commands.',
  'COUNT', '    Return the total number of commands in this Redis server.',
  'LIST', '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]', '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all', '    commands are returned.',
  'DOCS [<command-name> ...]', '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all', '    commands are returned.',
  'GETKEYS <full-command>', '    Return the keys from a full Redis command.',
];

const FLAGS: readonly CommandFlag[] = ['loading', 'stale'];

export const commandDocsCommands: CommandSpec[] = [
  containerCommand('command', 'server', 'Returns detailed information about all commands', '2.8.13', [
    command('command|count', 2, FLAGS, NO_KEYS, 'server', 'Returns a count of commands', commandCount, '2.8.13'),
    command('command|info', -2, FLAGS, NO_KEYS, 'server', 'Returns information about one, multiple or all commands', commandInfoCmd, '2.8.13'),
    command('command|docs', -2, FLAGS, NO_KEYS, 'server', 'Returns documentary information about one, multiple or all commands', commandDocsCmd, '7.0.0'),
    command('command|list', -2, FLAGS, NO_KEYS, 'server', 'Returns a list of command names', commandList, '7.0.0'),
    command('command|getkeys', -4, FLAGS, NO_KEYS, 'server', 'Extracts the key names from an arbitrary command', commandGetkeys, '2.8.13'),
    command('command|help', 2, FLAGS, NO_KEYS, 'server', 'Returns helpful text about the different subcommands', () => helpReply('COMMAND', COMMAND_HELP), '5.0.0'),
  ], { arity: -1, handler: commandAll, flags: FLAGS }),
];
