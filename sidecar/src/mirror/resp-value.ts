/** A decoded mirror reply (RESP2, as the link speaks): only what VERIFY needs to compare. */
export type RespValue = Buffer | number | null | { readonly error: string } | readonly RespValue[];

/** Decodes one complete reply (the link hands out whole replies). */
export function decodeReply(buf: Buffer): RespValue {
  return decodeAt(buf, 0).value;
}

function decodeAt(buf: Buffer, offset: number): { value: RespValue; end: number } {
  const lineEnd = buf.indexOf('\r\n', offset, 'latin1');
  if (lineEnd === -1) throw new Error('truncated reply from the mirror');
  const line = buf.toString('latin1', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (buf[offset] ?? 0) {
    case 43: return { value: Buffer.from(line, 'latin1'), end: next }; // +
    case 45: return { value: { error: line }, end: next }; // -
    case 58: return { value: Number(line), end: next }; // :
    case 36: { // $
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      return { value: buf.subarray(next, next + length), end: next + length + 2 };
    }
    case 42: { // *
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = decodeAt(buf, at);
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected reply type ${String(buf[offset])} from the mirror`);
  }
}

/** The reply as text (bulk or simple string), or undefined. */
export function textOf(value: RespValue): string | undefined {
  return Buffer.isBuffer(value) ? value.toString('latin1') : undefined;
}

/** The reply as a list of texts (arrays of bulk strings), or undefined. */
export function textsOf(value: RespValue): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const texts: string[] = [];
  for (const item of value as readonly RespValue[]) {
    const text = textOf(item);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}
