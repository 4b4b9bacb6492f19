import type { ZsetItem } from '../crdt/sorted-set-range.js';
import { array, bulk, type Reply } from '../resp/reply.js';
import type { ExecContext } from './exec-context.js';

/**
 * Score replies as Redis 7.0 writes them (networking.c addReplyDouble): `%.17g`,
 * `inf` and `-inf` spelled out, a bulk string in RESP2 and a `,` double in RESP3.
 *
 * A stored negative zero prints as `0`: Redis keeps small sorted sets as listpacks
 * whose scores are stored as text and read back as +0, so a stored `-0` only shows on
 * sets big enough to be skip lists; we follow the common, small-set answer. A score
 * just computed (the reply of ZINCRBY and ZADD INCR) keeps its sign (`computed`).
 */
export function formatScore(score: number, computed = false): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (score === 0) return computed && Object.is(score, -0) ? '-0' : '0';
  // Below 2^53 an integer's shortest digits are all its digits, exactly what %.17g prints.
  if (Number.isInteger(score) && Math.abs(score) < 2 ** 53) return String(score);
  return formatG17(score);
}

/** C's `%.17g` for a finite, non-zero double. */
function formatG17(value: number): string {
  const [mantissa = '', exponentText = '0'] = value.toExponential(16).split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 17) {
    const fraction = digits.slice(1).replace(/0+$/, '');
    const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${digits[0] ?? ''}${fraction === '' ? '' : `.${fraction}`}e${exp}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits.replace(/0+$/, '')}`;
  const whole = digits.slice(0, exponent + 1);
  const fraction = digits.slice(exponent + 1).replace(/0+$/, '');
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

export function scoreReply(score: number, computed = false): Reply {
  return { kind: 'double', value: score, text: formatScore(score, computed) };
}

/**
 * A list of members, with scores when asked: flat (member, score, …) in RESP2, pairs
 * [member, score] in RESP3, as t_zset.c's zrangeResultBeginClient emits them.
 * `computed`: the scores were just computed, not read from a stored set (ZUNION & co.).
 */
export function itemsReply(ctx: ExecContext, items: readonly ZsetItem[], withScores: boolean, computed = false): Reply {
  if (!withScores) return array(items.map((item) => bulk(item.member)));
  if (ctx.client.protocol === 3) return array(items.map((item) => array([bulk(item.member), scoreReply(item.score, computed)])));
  const out: Reply[] = [];
  for (const item of items) out.push(bulk(item.member), scoreReply(item.score, computed));
  return array(out);
}
