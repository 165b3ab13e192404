import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, parse as parseYaml, isMap, isScalar, type Node, type YAMLError } from 'yaml';
import { ConfigError, InputError } from '../util/errors';
import { closest } from '../util/did-you-mean';
import { ResolvedConfig } from './resolved';
import { unclosedOpener } from './unclosed';
import { checkValue } from './validate';
import type { ConfigValue, Schema } from './spec';

/** One user-supplied value: its key path, value, and where it was written (for messages). */
interface Given {
  path: string;
  value: unknown;
  where: string;
}

/**
 * The schema for a config depends on values in it (the chosen model and data source add their own keys).
 * `schemaFor` receives the given values by path and returns the schema that applies; `allKeys` lists every
 * key any model or source declares, with the owner, for "did you mean" and "belongs to" hints.
 */
export interface SchemaProvider {
  schemaFor(given: ReadonlyMap<string, unknown>): Schema;
  ownersOf(path: string): string[];
  allKeys(): string[];
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new InputError(`${file}: cannot read config file (${reason})`);
  }
}

/** The config's sections (`model`, `data.movielens`), for a value written where a section belongs. */
interface Sections {
  isSection(path: string): boolean;
  /** " (did you mean model.name: ppop?)" for `model: ppop`, or "" */
  hint(path: string, value: unknown): string;
}

function sectionsOf(provider: SchemaProvider): Sections {
  const keys = provider.allKeys();
  const base = provider.schemaFor(new Map());
  return {
    isSection: (path) => keys.some((key) => key.startsWith(`${path}.`)),
    hint(path, value) {
      const key = Object.keys(base).find((k) => k.startsWith(`${path}.`) && base[k].allowed?.includes(String(value)));
      return key ? ` (did you mean ${key}: ${String(value)}?)` : '';
    },
  };
}

/** A YAML syntax error at the line (and column) of the mistake: where the parser found it, or what it left open. */
export function syntaxError(file: string, text: string, lineCounter: LineCounter, errors: readonly YAMLError[]): ConfigError {
  const error = errors[0];
  const message = error.message.split('\n')[0];
  // `seed: 1` followed by a line indented deeper: the parser blames the value on the first line
  const continued = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === error.pos[0]);
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && continued) {
    const { line } = lineCounter.linePos(continued.pos[1]);
    return new ConfigError(`${file}:${line}: invalid YAML: this line is indented deeper than the key above it (${message})`);
  }
  const opener = error.code === 'MISSING_CHAR' || /end with a [\]}]/.test(message) ? unclosedOpener(text, error.pos[0]) : null;
  if (opener) return new ConfigError(`${file}:${opener.line}:${opener.col}: invalid YAML: this ${opener.char} is never closed (${message})`);
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return new ConfigError(`${file}:${line}:${col}: invalid YAML: ${message}`);
}

/**
 * Flattens a YAML document's mappings into leaf key paths, remembering each leaf's line. A key path given
 * twice (the same key twice in a mapping, or `model: {name: x}` beside `model.name: y`) is an error naming
 * both places, and so is a file without any key (empty, or only comments).
 */
function flattenYaml(file: string, text: string, sections: Sections): Given[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) throw syntaxError(file, text, lineCounter, doc.errors);
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const out: Given[] = [];
  // every key path written so far (sections too) → where
  const seen = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) {
      throw new ConfigError(`${file}:${lineOf(node as Node)}: ${prefix || 'config'}: expected a mapping of keys`);
    }
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        throw new ConfigError(`${file}:${lineOf(keyNode ?? (pair.value as Node))}: ${prefix ? `${prefix}: ` : ''}expected a key name`);
      }
      const path = prefix ? `${prefix}.${String(keyNode.value)}` : String(keyNode.value);
      const where = `${file}:${lineOf(keyNode)}`;
      const earlier = seen.get(path);
      if (earlier !== undefined) throw new ConfigError(`${where}: ${path}: given twice (also at ${earlier}); keep one`);
      seen.set(path, where);
      if (isMap(pair.value)) {
        walk(pair.value, path);
        continue;
      }
      const value = pair.value === null ? null : (pair.value as Node).toJSON();
      if (sections.isSection(path)) throw new ConfigError(`${where}: ${path}: a section of keys, not a value${sections.hint(path, value)}`);
      out.push({ path, value, where: `${file}:${lineOf((pair.value ?? pair.key) as Node)}` });
    }
  };
  if (doc.contents !== null && !(isMap(doc.contents) && doc.contents.items.length === 0)) walk(doc.contents, '');
  if (out.length === 0) throw new ConfigError(`${file}: the config file has no keys (it is empty or only comments); give at least one, e.g. model.name: sasrec`);
  return out;
}

/** Parses `key.path=value` overrides; the value is read as YAML (numbers, booleans, `[5, 10]` lists). */
export function parseOverride(text: string): Given {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${text}: expected key.path=value`);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    // `key=` is the empty string (YAML would read null), e.g. --set data.cache_dir= to turn the cache off
    value = raw.trim() === '' ? '' : parseYaml(raw);
  } catch {
    value = raw;
  }
  return { path, value, where: `--set ${text}` };
}

function unknownKeyMessage(given: Given, schema: Schema, provider: SchemaProvider): string {
  const owners = provider.ownersOf(given.path);
  if (owners.length > 0) {
    return `${given.where}: ${given.path}: not a key of this config (it belongs to ${owners.join(', ')})`;
  }
  const suggestion = closest(given.path, [...Object.keys(schema), ...provider.allKeys()]);
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  return `${given.where}: ${given.path}: unknown key${hint}`;
}

/**
 * Resolves a config: the file's values, then `--set` overrides, validated against the schema, with defaults
 * filled in. Every problem is a ConfigError naming the file (and line) or the --set flag, and the key path.
 */
export function resolveConfig(
  provider: SchemaProvider,
  file: string | null,
  overrides: readonly string[] = [],
): ResolvedConfig {
  const fromFile = file === null ? [] : flattenYaml(file, readConfigText(file), sectionsOf(provider));
  const given = new Map<string, Given>();
  for (const entry of [...fromFile, ...overrides.map(parseOverride)]) given.set(entry.path, entry);
  const givenValues = new Map([...given].map(([path, entry]) => [path, entry.value]));
  const schema = provider.schemaFor(givenValues);
  const values = new Map<string, ConfigValue>();
  for (const entry of given.values()) {
    const spec = schema[entry.path];
    if (!spec) throw new ConfigError(unknownKeyMessage(entry, schema, provider));
    const checked = checkValue(entry.value, spec);
    if ('error' in checked) throw new ConfigError(`${entry.where}: ${entry.path}: ${checked.error}`);
    if (spec.checkEach) {
      (checked.ok as string[]).forEach((element, index) => {
        const problem = spec.checkEach?.(element);
        if (problem) throw new ConfigError(`${entry.where}: ${entry.path}[${index}]: ${problem}`);
      });
    }
    values.set(entry.path, checked.ok);
  }
  for (const [path, spec] of Object.entries(schema)) {
    if (!values.has(path)) values.set(path, spec.default);
  }
  return new ResolvedConfig(schema, values, file ?? 'defaults', new Map([...given].map(([path, entry]) => [path, entry.where])));
}
