/**
 * A safe reader for Python literals, the format of the 2014 Amazon metadata files (each line is the `repr`
 * of a Python dict, not JSON). It reads what `ast.literal_eval` reads in those files: dicts with string
 * keys, lists, tuples, strings in either quote style with escapes, numbers, True, False and None. Nothing
 * is ever evaluated.
 */

export type PythonValue = null | boolean | number | string | PythonValue[] | { [key: string]: PythonValue };

/** Input that is not a Python literal; the message says what was expected and at which column. */
export class PythonLiteralError extends Error {}

/** Deeper nesting is refused rather than left to overflow the stack. */
const MAX_DEPTH = 100;

const SPACE = /\s*/y;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const NAME = /[A-Za-z_]\w*/y;
/** A run of characters that stand for themselves inside a string of each quote style. */
const PLAIN: Readonly<Record<string, RegExp>> = { "'": /[^'\\]*/y, '"': /[^"\\]*/y };
const OCTAL = /[0-7]{1,3}/y;
const HEX = /^[0-9a-fA-F]*$/;
const NAMES = new Map<string, PythonValue>([['True', true], ['False', false], ['None', null]]);
const SIMPLE_ESCAPES = new Map([
  ['\\', '\\'], ["'", "'"], ['"', '"'], ['a', '\x07'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'], ['v', '\v'],
]);
/** The number of hex digits after \x, \u and \U. */
const HEX_DIGITS = new Map([['x', 2], ['u', 4], ['U', 8]]);

/**
 * Sets an own property even when the key is `__proto__`, which plain assignment would take as the
 * prototype (a dict key in a data file must not change an object's behaviour).
 */
function define(target: Record<string, PythonValue>, key: string, value: PythonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** The whole text as one value (surrounding whitespace allowed). */
  parse(): PythonValue {
    const value = this.value();
    this.space();
    if (this.pos < this.text.length) throw this.error('unexpected text after the value');
    return value;
  }

  private error(what: string, at = this.pos): PythonLiteralError {
    return new PythonLiteralError(`${what} at column ${at + 1}`);
  }

  /** The match of a sticky regex at the cursor, moving past it; null when it does not match here. */
  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found) this.pos = pattern.lastIndex;
    return found && found[0];
  }

  private space(): void {
    this.match(SPACE);
  }

  private eat(char: string): boolean {
    if (this.text[this.pos] !== char) return false;
    this.pos += 1;
    return true;
  }

  private value(): PythonValue {
    this.space();
    const char = this.text[this.pos];
    if (char === undefined) throw this.error('unexpected end of input');
    if (char === "'" || char === '"') return this.string();
    if (char === '{' || char === '[' || char === '(') {
      if (++this.depth > MAX_DEPTH) throw this.error(`nested deeper than ${MAX_DEPTH}`);
      this.pos += 1;
      const value = char === '{' ? this.dict() : char === '[' ? this.items(']', () => this.value()).values : this.parenthesized();
      this.depth -= 1;
      return value;
    }
    const number = this.match(NUMBER);
    if (number !== null) return Number(number);
    const start = this.pos;
    const name = this.match(NAME);
    if (name === null) throw this.error(`unexpected ${JSON.stringify(char)}`);
    const named = NAMES.get(name);
    if (named === undefined) throw this.error(`unknown name ${name}`, start);
    return named;
  }

  /**
   * Comma-separated items up to `close` (a trailing comma allowed), the opening bracket already read; with
   * the number of commas, which tells a one-element tuple `(x,)` from a parenthesized value `(x)`.
   */
  private items<T>(close: string, item: () => T): { values: T[]; commas: number } {
    const values: T[] = [];
    let commas = 0;
    for (;;) {
      this.space();
      if (this.eat(close)) return { values, commas };
      if (values.length > commas) throw this.error(`expected ',' or '${close}'`);
      values.push(item());
      this.space();
      if (this.eat(',')) commas += 1;
    }
  }

  private dict(): { [key: string]: PythonValue } {
    const result: { [key: string]: PythonValue } = {};
    const entries = this.items('}', () => {
      const at = this.pos;
      const key = this.value();
      if (typeof key !== 'string') throw this.error('dict keys must be strings', at);
      this.space();
      if (!this.eat(':')) throw this.error("expected ':'");
      return [key, this.value()] as const;
    }).values;
    for (const [key, value] of entries) define(result, key, value);
    return result;
  }

  /** `()` and `(a, ...)` are tuples (read as arrays); `(a)` is just `a`. */
  private parenthesized(): PythonValue {
    const { values, commas } = this.items(')', () => this.value());
    return values.length === 1 && commas === 0 ? values[0] : values;
  }

  private string(): string {
    const start = this.pos;
    const quote = this.text[this.pos];
    this.pos += 1;
    let result = '';
    for (;;) {
      result += this.match(PLAIN[quote]) as string; // always matches, maybe nothing
      if (this.pos >= this.text.length) throw this.error('unterminated string', start);
      if (this.eat(quote)) return result;
      result += this.escape();
    }
  }

  /** One backslash escape, the cursor on the backslash; unknown escapes stay as written, as in Python. */
  private escape(): string {
    const start = this.pos;
    this.pos += 1;
    const char = this.text[this.pos];
    if (char === undefined) throw this.error('unterminated string', start);
    const simple = SIMPLE_ESCAPES.get(char);
    if (simple !== undefined) {
      this.pos += 1;
      return simple;
    }
    const octal = this.match(OCTAL);
    if (octal !== null) return String.fromCharCode(parseInt(octal, 8));
    const digits = HEX_DIGITS.get(char);
    if (digits === undefined) {
      this.pos += 1;
      return `\\${char}`;
    }
    const hex = this.text.slice(this.pos + 1, this.pos + 1 + digits);
    const code = hex.length === digits && HEX.test(hex) ? parseInt(hex, 16) : -1;
    if (code < 0 || code > 0x10ffff) throw this.error(`bad \\${char} escape (${digits} hex digits, at most 10FFFF)`, start);
    this.pos += 1 + digits;
    return String.fromCodePoint(code);
  }
}

/** The value of a Python literal; a PythonLiteralError saying what is wrong and where when it is not one. */
export function parsePythonLiteral(text: string): PythonValue {
  return new Parser(text).parse();
}
