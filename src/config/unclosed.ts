/**
 * Where an unclosed flow collection (`[`, `{`) or quoted string opened: the YAML parser reports such an error
 * where it gave up (often the end of the file), while the mistake is on the line that opened it.
 * Scans `text` up to `end` and returns the 1-based line and column of the outermost opener still open, or null.
 */
export function unclosedOpener(text: string, end: number): { line: number; col: number; char: string } | null {
  const stack: { at: number; char: string }[] = [];
  let quote: { at: number; char: string } | null = null;
  for (let i = 0; i < Math.min(end, text.length); i++) {
    const c = text[i];
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char) {
        if (quote.char === "'" && text[i + 1] === "'") i++;
        else quote = null;
      }
      continue;
    }
    const before = i === 0 ? '\n' : text[i - 1];
    if (c === '#' && /\s/.test(before)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if ((c === '"' || c === "'") && /[\s[{,:]/.test(before)) {
      quote = { at: i, char: c };
    } else if (c === '[' || c === '{') {
      stack.push({ at: i, char: c });
    } else if (c === ']' || c === '}') {
      stack.pop();
    }
  }
  const open = quote && stack.length === 0 ? quote : (stack[0] ?? quote);
  if (!open) return null;
  const lines = text.slice(0, open.at).split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1, char: open.char };
}
