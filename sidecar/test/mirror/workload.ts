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
