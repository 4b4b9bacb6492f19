import { blmove, blmpop, bpop, brpoplpush } from './list-blocking.js';
import { linsert, lrem, lset, ltrim } from './list-edit.js';
import { lmove, lmpop, pop, push, rpoplpush } from './list-pop.js';
import { lindex, llen, lpos, lrange } from './list-read.js';
import { command, NO_KEYS, ONE_KEY, TWO_KEYS, type CommandFlag, type CommandSpec, type KeySpec } from './spec.js';

/**
 * The list commands as data (Redis 7.0 src/commands/*.json: arity, flags, key positions,
 * since). Semantics live in list-*.ts; the CRDT is crdt/rga.ts; blocking in blocking.ts.
 */

const G = 'list';
const WRITE_FAST: readonly CommandFlag[] = ['write', 'denyoom', 'fast'];
const BLOCKING: readonly CommandFlag[] = ['write', 'noscript', 'blocking'];
/** BLPOP/BRPOP: every argument but the last (the timeout) is a key. */
const KEYS_BEFORE_TIMEOUT: KeySpec = { first: 1, last: -2, step: 1 };

export const listCommands: CommandSpec[] = [
  command('lpush', -3, WRITE_FAST, ONE_KEY, G, 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.', push('left', false)),
  command('rpush', -3, WRITE_FAST, ONE_KEY, G, 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.', push('right', false)),
  command('lpushx', -3, WRITE_FAST, ONE_KEY, G, 'Prepends one or more elements to a list only when the list exists.', push('left', true), '2.2.0'),
  command('rpushx', -3, WRITE_FAST, ONE_KEY, G, 'Appends an element to a list only when the list exists.', push('right', true), '2.2.0'),
  command('lpop', -2, ['write', 'fast'], ONE_KEY, G, 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.', pop('left')),
  command('rpop', -2, ['write', 'fast'], ONE_KEY, G, 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.', pop('right')),
  command('llen', 2, ['readonly', 'fast'], ONE_KEY, G, 'Returns the length of a list.', llen),
  command('lrange', 4, ['readonly'], ONE_KEY, G, 'Returns a range of elements from a list.', lrange),
  command('lindex', 3, ['readonly'], ONE_KEY, G, 'Returns an element from a list by its index.', lindex),
  command('lset', 4, ['write', 'denyoom'], ONE_KEY, G, 'Sets the value of an element in a list by its index.', lset),
  command('linsert', 5, ['write', 'denyoom'], ONE_KEY, G, 'Inserts an element before or after another element in a list.', linsert, '2.2.0'),
  command('lrem', 4, ['write'], ONE_KEY, G, 'Removes elements from a list. Deletes the list if the last element was removed.', lrem),
  command('ltrim', 4, ['write'], ONE_KEY, G, 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.', ltrim),
  command('lpos', -3, ['readonly'], ONE_KEY, G, 'Returns the index of matching elements in a list.', lpos, '6.0.6'),
  command('lmove', 5, ['write', 'denyoom'], TWO_KEYS, G, 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.', lmove, '6.2.0'),
  command('rpoplpush', 3, ['write', 'denyoom'], TWO_KEYS, G, 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.', rpoplpush, '1.2.0'),
  command('lmpop', -4, ['write', 'movablekeys'], NO_KEYS, G, 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.', lmpop, '7.0.0'),
  command('blpop', -3, BLOCKING, KEYS_BEFORE_TIMEOUT, G, 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', bpop('left'), '2.0.0'),
  command('brpop', -3, BLOCKING, KEYS_BEFORE_TIMEOUT, G, 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', bpop('right'), '2.0.0'),
  command('blmove', 6, ['write', 'denyoom', 'noscript', 'blocking'], TWO_KEYS, G, 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.', blmove, '6.2.0'),
  command('brpoplpush', 4, ['write', 'denyoom', 'noscript', 'blocking'], TWO_KEYS, G, 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.', brpoplpush, '2.2.0'),
  command('blmpop', -5, ['write', 'blocking', 'movablekeys'], NO_KEYS, G, 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', blmpop, '7.0.0'),
];
