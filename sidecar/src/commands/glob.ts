/**
 * Redis glob matching (util.c stringmatchlen): `*`, `?`, `[...]` with ranges and `^`
 * negation, `\` escapes. Byte-wise on latin1 strings, so binary keys match exactly.
 */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return matchFrom(pattern, 0, text, 0, nocase, 0);
}

function eq(a: string, b: string, nocase: boolean): boolean {
  return nocase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function matchFrom(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false; // Redis caps recursion the same way (nesting limit)
  while (pi < p.length) {
    const c = p[pi] ?? '';
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k, nocase, depth + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++; si++; continue;
    }
    if (c === '[') {
      const result = matchClass(p, pi + 1, s[si] ?? '', nocase);
      if (!result.matched) return false;
      pi = result.next; si++; continue;
    }
    if (c === '\\' && pi + 1 < p.length) pi++;
    if (!eq(p[pi] ?? '', s[si] ?? '', nocase)) return false;
    pi++; si++;
  }
  return si === s.length;
}

function matchClass(p: string, start: number, ch: string, nocase: boolean): { matched: boolean; next: number } {
  let pi = start;
  const negate = p[pi] === '^';
  if (negate) pi++;
  let matched = false;
  while (pi < p.length && p[pi] !== ']') {
    if (p[pi] === '\\' && pi + 1 < p.length) {
      pi++;
      if (eq(p[pi] ?? '', ch, nocase)) matched = true;
    } else if (p[pi + 1] === '-' && pi + 2 < p.length && p[pi + 2] !== ']') {
      let lo = p.charCodeAt(pi);
      let hi = p.charCodeAt(pi + 2);
      if (lo > hi) [lo, hi] = [hi, lo];
      let code = ch.charCodeAt(0);
      if (nocase) code = ch.toLowerCase().charCodeAt(0);
      if (code >= lo && code <= hi) matched = true;
      pi += 2;
    } else if (eq(p[pi] ?? '', ch, nocase)) {
      matched = true;
    }
    pi++;
  }
  // An unterminated class matches like Redis: the pattern end acts as the closing bracket.
  return { matched: negate ? !matched : matched, next: pi < p.length ? pi + 1 : pi };
}
