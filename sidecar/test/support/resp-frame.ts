/**
 * Finds where one complete RESP2/RESP3 reply ends in `buf` starting at `offset`,
 * or returns -1 when more bytes are needed. Used by tests to compare replies byte
 * for byte without interpreting them.
 */
export function replyEnd(buf: Buffer, offset: number): number {
  if (offset >= buf.length) return -1;
  const lineEnd = buf.indexOf('\r\n', offset, 'latin1');
  if (lineEnd === -1) return -1;
  const type = String.fromCharCode(buf[offset] ?? 0);
  const header = buf.toString('latin1', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+': case '-': case ':': case '_': case '#': case ',': case '(':
      return afterLine;
    case '$': case '=': case '!': {
      const length = Number(header);
      if (length < 0) return afterLine;
      const end = afterLine + length + 2;
      return end <= buf.length ? end : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      const count = Number(header);
      if (count < 0) return afterLine;
      const items = type === '%' || type === '|' ? count * 2 : count;
      let at = afterLine;
      for (let i = 0; i < items; i++) {
        at = replyEnd(buf, at);
        if (at === -1) return -1;
      }
      return at;
    }
    default:
      throw new Error(`Unexpected RESP type byte '${type}' at ${offset}: ${buf.toString('latin1', offset, offset + 40)}`);
  }
}

export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}
