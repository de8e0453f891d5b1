// Matching shared patterns without shared state. String.prototype.matchAll copies its regex on
// every call, which costs more than the match itself (measured: ~6 µs per copy of a large pattern,
// 40× a plain exec), and the reader matches thousands of statements per document. These helpers
// run a module-level global pattern synchronously: lastIndex is set before the first exec and put
// back to 0 before returning, and nothing else can run in between (no await: JavaScript runs a
// synchronous function to completion), so two documents read at the same moment never see each
// other's position. A pattern is only ever used through these helpers or through methods that
// reset it themselves (String.prototype.match/replace/test on non-global patterns).

/** Every non-overlapping match of a global pattern in `text`. */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new Error(`allMatches needs a global pattern: ${re.source.slice(0, 40)}`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  try {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push(m);
      if (m[0] === '') re.lastIndex++;
    }
  } finally {
    re.lastIndex = 0;
  }
  return out;
}

/** Every position where the pattern matches, restarting one character after each match start (overlaps included). */
export function overlappingMatches(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new Error(`overlappingMatches needs a global pattern: ${re.source.slice(0, 40)}`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  try {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push(m);
      re.lastIndex = m.index + 1;
    }
  } finally {
    re.lastIndex = 0;
  }
  return out;
}
