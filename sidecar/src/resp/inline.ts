/**
 * Splits an inline command line into arguments with the rules of Redis's
 * `sdssplitargs` (`src/sds.c`), which processInlineBuffer uses:
 * - arguments are separated by whitespace (C `isspace`);
 * - `"..."` supports `\xHH`, `\n \r \t \b \a` and `\<any>` for the char itself;
 * - `'...'` supports only `\'`;
 * - a closing quote must be followed by whitespace or the end of the line;
 * - a NUL byte ends the line (sdssplitargs works on C strings).
 * Returns null for "unbalanced quotes".
 */
export function splitInline(buf: Buffer, start: number, end: number): Buffer[] | null {
  const args: Buffer[] = [];
  let p = start;
  for (;;) {
    while (p < end && isSpace(at(buf, p))) p++;
    if (p >= end || at(buf, p) === 0) return args;
    const arg: number[] = [];
    const next = readArg(buf, p, end, arg);
    if (next < 0) return null;
    args.push(Buffer.from(arg));
    p = next;
  }
}

const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

/** Reads one argument starting at `p` into `out`; returns the index after it, or -1. */
function readArg(buf: Buffer, p: number, end: number, out: number[]): number {
  for (;;) {
    if (p >= end) return p;
    const c = at(buf, p);
    if (c === DQUOTE) {
      p = readDoubleQuoted(buf, p + 1, end, out);
    } else if (c === SQUOTE) {
      p = readSingleQuoted(buf, p + 1, end, out);
    } else if (isSpace(c) || c === 0) {
      return p;
    } else {
      out.push(c);
      p++;
      continue;
    }
    if (p < 0) return -1;
    // "closing quote must be followed by a space or nothing at all"
    if (p < end && !isSpace(at(buf, p)) && at(buf, p) !== 0) return -1;
    return p;
  }
}

/** Returns the index after the closing quote, or -1 if the line ends first. */
function readDoubleQuoted(buf: Buffer, p: number, end: number, out: number[]): number {
  while (p < end) {
    const c = at(buf, p);
    if (c === 0) return -1;
    if (c === DQUOTE) return p + 1;
    if (c === BACKSLASH && p + 3 < end && at(buf, p + 1) === 120 && isHex(at(buf, p + 2)) && isHex(at(buf, p + 3))) {
      out.push(hexValue(at(buf, p + 2)) * 16 + hexValue(at(buf, p + 3)));
      p += 4;
    } else if (c === BACKSLASH && p + 1 < end) {
      out.push(unescape(at(buf, p + 1)));
      p += 2;
    } else {
      out.push(c);
      p++;
    }
  }
  return -1;
}

function readSingleQuoted(buf: Buffer, p: number, end: number, out: number[]): number {
  while (p < end) {
    const c = at(buf, p);
    if (c === 0) return -1;
    if (c === SQUOTE) return p + 1;
    if (c === BACKSLASH && p + 1 < end && at(buf, p + 1) === SQUOTE) {
      out.push(SQUOTE);
      p += 2;
    } else {
      out.push(c);
      p++;
    }
  }
  return -1;
}

function unescape(c: number): number {
  switch (c) {
    case 110: return 10; // \n
    case 114: return 13; // \r
    case 116: return 9; // \t
    case 98: return 8; // \b
    case 97: return 7; // \a
    default: return c;
  }
}

/** C isspace: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

function at(buf: Buffer, i: number): number {
  return buf[i] ?? 0;
}
