import { pick } from '../support/differential.js';

export type Command = (string | Buffer)[];

/** A random string/expiry command over a small keyspace, so commands collide on keys. */
export function randomStringCommand(random: () => number): Command {
  const key = `k${Math.floor(random() * 24)}`;
  const other = `k${Math.floor(random() * 24)}`;
  const value = pick(random, ['v', '12', '-3', '2.5', 'hello world', '', '\x00\xff\r\n']);
  const later = String(Date.now() + 60_000 + Math.floor(random() * 60_000));
  const commands: Command[] = [
    ['SET', key, value], ['SET', key, value, 'EX', '100'], ['SET', key, value, 'KEEPTTL'], ['SET', key, value, 'PXAT', later],
    ['SET', key, value, 'NX'], ['SETEX', key, '50', value], ['INCR', key], ['INCRBY', key, '7'], ['DECR', key],
    ['INCRBYFLOAT', key, '1.25'], ['APPEND', key, 'x'], ['SETRANGE', key, '2', 'zz'], ['GETSET', key, value], ['GETDEL', key],
    ['DEL', key], ['DEL', key, other], ['UNLINK', key], ['EXPIRE', key, '200'], ['PEXPIREAT', key, later], ['PERSIST', key],
    ['GETEX', key, 'EX', '30'], ['GETEX', key, 'PERSIST'], ['MSET', key, value, other, 'm'], ['RENAME', key, other],
    ['EXPIRE', key, '0'], ['SET', key, value, 'PX', '1'],
  ];
  return pick(random, commands);
}

/** A random collection command (lists, sets, hashes, sorted sets) with some deletes, expiries and type changes. */
export function randomCollectionCommand(random: () => number): Command {
  const n = Math.floor(random() * 6);
  const member = `m${Math.floor(random() * 8)}`;
  const value = pick(random, ['a', 'b', 'c', '1', '\x00\xff']);
  const score = pick(random, ['1', '2.5', '-3', '1e3', 'inf', '-inf']);
  const list = `l${n}`;
  const set = `s${n}`;
  const hash = `h${n}`;
  const zset = `z${n}`;
  const key = pick(random, [list, set, hash, zset]);
  const commands: Command[] = [
    ['LPUSH', list, value, value], ['RPUSH', list, value, 'x', 'y'], ['LPOP', list], ['RPOP', list, '2'], ['LSET', list, '0', 'set'],
    ['LINSERT', list, 'BEFORE', 'x', 'ins'], ['LREM', list, '1', value], ['LTRIM', list, '1', '-2'], ['LMOVE', list, `l${(n + 1) % 6}`, 'LEFT', 'RIGHT'],
    ['SADD', set, member, `${member}x`], ['SREM', set, member], ['SPOP', set], ['SMOVE', set, `s${(n + 1) % 6}`, member],
    ['HSET', hash, member, value, 'f', value], ['HDEL', hash, member], ['HINCRBY', hash, 'n', '3'], ['HINCRBYFLOAT', hash, 'fl', '0.5'], ['HSETNX', hash, member, 'nx'],
    ['ZADD', zset, score, member], ['ZREM', zset, member], ['ZINCRBY', zset, '2', member], ['ZPOPMIN', zset], ['ZADD', zset, 'GT', score, member],
    ['ZREMRANGEBYRANK', zset, '0', '0'], ['DEL', key], ['EXPIRE', key, '300'], ['PERSIST', key], ['SET', key, 'string now'],
  ];
  return pick(random, commands);
}
