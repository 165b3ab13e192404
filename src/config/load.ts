import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, parse as parseYaml, isMap, isPair, isScalar, type Node } from 'yaml';
import { ConfigError, InputError } from '../util/errors';
import { closest } from '../util/did-you-mean';
import { ResolvedConfig } from './resolved';
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

/** Flattens a YAML document's mappings into leaf key paths, remembering each leaf's line. */
function flattenYaml(file: string, text: string): Given[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error.linePos?.[0].line ?? 1;
    throw new ConfigError(`${file}:${line}: invalid YAML: ${error.message.split('\n')[0]}`);
  }
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const out: Given[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) {
      throw new ConfigError(`${file}:${lineOf(node as Node)}: ${prefix || 'config'}: expected a mapping of keys`);
    }
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const path = prefix ? `${prefix}.${String(pair.key.value)}` : String(pair.key.value);
      if (isMap(pair.value)) walk(pair.value, path);
      else {
        const value = pair.value === null ? null : (pair.value as Node).toJSON();
        out.push({ path, value, where: `${file}:${lineOf((pair.value ?? pair.key) as Node)}` });
      }
    }
  };
  if (doc.contents !== null) walk(doc.contents, '');
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
  const fromFile = file === null ? [] : flattenYaml(file, readConfigText(file));
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
  return new ResolvedConfig(schema, values, file ?? 'defaults');
}
