/**
 * Finds where one complete RESP2/RESP3 reply ends, without decoding it: the mirror link
 * only needs reply boundaries (write-behind replies are counted, passthrough replies
 * are relayed byte-exact). Returns -1 when `buf` does not hold the whole reply yet.
 */
export function replyEnd(buf: Buffer, offset: number): number {
  if (offset >= buf.length) return -1;
  const lineEnd = buf.indexOf(CRLF, offset + 1);
  if (lineEnd === -1) return -1;
  const type = buf[offset] ?? 0;
  const afterLine = lineEnd + 2;
  switch (type) {
    case PLUS: case MINUS: case COLON: case UNDERSCORE: case HASH: case COMMA: case LPAREN:
      return afterLine;
    case DOLLAR: case EQUALS: case BANG: {
      const length = parseLength(buf, offset + 1, lineEnd);
      if (length < 0) return afterLine;
      const end = afterLine + length + 2;
      return end <= buf.length ? end : -1;
    }
    case STAR: case TILDE: case GT: case PERCENT: case PIPE: {
      const count = parseLength(buf, offset + 1, lineEnd);
      if (count < 0) return afterLine;
      const items = type === PERCENT || type === PIPE ? count * 2 : count;
      let at = afterLine;
      for (let i = 0; i < items && at !== -1; i++) at = replyEnd(buf, at);
      // An attribute (`|`) precedes the reply it annotates.
      return type === PIPE && at !== -1 ? replyEnd(buf, at) : at;
    }
    default:
      throw new Error(`Unexpected RESP type byte ${String(type)} from the mirror`);
  }
}

/** True when the reply starting at `offset` is an error (`-` or RESP3 `!`). */
export function isErrorReply(buf: Buffer, offset: number): boolean {
  return buf[offset] === MINUS || buf[offset] === BANG;
}

function parseLength(buf: Buffer, from: number, to: number): number {
  if (buf[from] === MINUS) return -1;
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + ((buf[i] ?? 48) - 48);
  return n;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const UNDERSCORE = 95;
const HASH = 35;
const COMMA = 44;
const LPAREN = 40;
const DOLLAR = 36;
const EQUALS = 61;
const BANG = 33;
const STAR = 42;
const TILDE = 126;
const GT = 62;
const PERCENT = 37;
const PIPE = 124;
