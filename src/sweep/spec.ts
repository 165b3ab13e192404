import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { parseMetricAt, type MetricAt } from '../eval/metrics';
import { didYouMean } from '../util/did-you-mean';
import { ConfigError, InputError } from '../util/errors';
import { syntaxError } from '../config/load';
import { overrideText } from './override-text';
import { SEARCH_METHODS, spaceSize, type SearchMethod } from './search';

/** One fixed override from the sweep file's `set`. */
export interface SweepOverride {
  key: string;
  value: unknown;
  /** `key=value` as passed to `memrec train --set` */
  text: string;
  line: number;
}

/** One key of the grid with its values (the grid is their cartesian product). */
export interface GridAxis {
  key: string;
  values: unknown[];
  line: number;
}

export type SweepBase = { kind: 'config'; file: string } | { kind: 'preset'; name: string } | { kind: 'defaults' };

/** A parsed and checked sweep file (its trial configs are checked by the plan). */
export interface SweepSpec {
  /** the sweep file as given */
  file: string;
  /** the file's name without its extension (the default output folder's name) */
  name: string;
  base: SweepBase;
  /** the raw data file (`path:`), resolved against the sweep file's folder */
  path: string | null;
  set: SweepOverride[];
  grid: GridAxis[];
  /** null: each grid point runs once with the base config's seed */
  seeds: number[] | null;
  /** null: `select: none` (report every trial, choose nothing) */
  select: MetricAt | null;
  /** `out:`, relative to the working folder as output.dir is; null when left out */
  out: string | null;
  /** how the grid's points are picked (`search:`, default grid; see search.ts) */
  search: SearchMethod;
  /** points to try (`budget:`); null: every point (grid only) */
  budget: number | null;
  /** the line of a top-level key (1 when absent), for messages */
  lines: Record<string, number>;
}

export const SWEEP_KEYS = ['base', 'preset', 'path', 'set', 'grid', 'seeds', 'select', 'out', 'search', 'budget'] as const;

/** A path as the user would type it from the working folder: relative when below it, absolute otherwise. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

/** Flattens nested mappings into dotted key paths, keeping each leaf's node and line. */
function flatten(node: unknown, prefix: string, out: { key: string; node: Node; line: number }[], lineOf: (n: unknown) => number): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = prefix ? `${prefix}.${String(pair.key.value)}` : String(pair.key.value);
    if (isMap(pair.value)) flatten(pair.value, key, out, lineOf);
    else out.push({ key, node: pair.value as Node, line: lineOf(pair.value ?? pair.key) });
  }
}

/** Reads and checks a sweep file: its keys, the shape of set/grid/seeds, select's syntax, the base's files. */
export function parseSweepFile(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read sweep file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw syntaxError(file, text, lineCounter, doc.errors);
  }
  const lineOf = (node: unknown) => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const fail = (line: number, message: string): never => {
    throw new ConfigError(`${file}:${line}: ${message}`);
  };
  if (doc.contents === null) fail(1, 'the sweep file is empty; it needs at least `grid:` or `seeds:`');
  if (!isMap(doc.contents)) fail(lineOf(doc.contents), 'expected a mapping of keys (base, set, grid, seeds, select, out)');
  const top = new Map<string, { node: unknown; line: number }>();
  for (const pair of (doc.contents as { items: unknown[] }).items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const line = lineOf(pair.key);
    if (!(SWEEP_KEYS as readonly string[]).includes(key)) {
      fail(line, `${key}: unknown key${didYouMean(key, SWEEP_KEYS)}; a sweep file has ${SWEEP_KEYS.join(', ')}`);
    }
    top.set(key, { node: pair.value, line });
  }
  const lines: Record<string, number> = Object.fromEntries(SWEEP_KEYS.map((key) => [key, top.get(key)?.line ?? 1]));
  const folder = dirname(file);
  const scalarString = (key: string): string | null => {
    const entry = top.get(key);
    if (!entry) return null;
    const node = entry.node as Node | null;
    if (!isScalar(node) || node.value === null || typeof node.value === 'object' || String(node.value).trim() === '') {
      return fail(entry.line, `${key}: expected a single value`);
    }
    return String(node.value);
  };

  // the base config: a file (relative to the sweep file), a preset, or the defaults
  const baseFile = scalarString('base');
  const preset = scalarString('preset');
  if (baseFile !== null && preset !== null) fail(lines.preset, 'preset: give base or preset, not both');
  let base: SweepBase = { kind: 'defaults' };
  if (baseFile !== null) {
    const resolved = resolve(folder, baseFile);
    if (!existsSync(resolved)) fail(lines.base, `base: ${baseFile}: no such file (looked for ${displayPath(resolved)}, relative to the sweep file)`);
    base = { kind: 'config', file: displayPath(resolved) };
  } else if (preset !== null) {
    base = { kind: 'preset', name: preset };
  }
  const rawPath = scalarString('path');
  let path: string | null = null;
  if (rawPath !== null) {
    const resolved = resolve(folder, rawPath);
    if (!existsSync(resolved) || statSync(resolved).isDirectory()) {
      fail(lines.path, `path: ${rawPath}: no such file (looked for ${displayPath(resolved)}, relative to the sweep file)`);
    }
    path = displayPath(resolved);
  }

  // set: fixed overrides, dotted or nested keys
  const set: SweepOverride[] = [];
  const setEntry = top.get('set');
  if (setEntry && setEntry.node !== null) {
    if (!isMap(setEntry.node)) fail(setEntry.line, 'set: expected a mapping of config keys to values, e.g. {model.name: bpr}');
    const leaves: { key: string; node: Node; line: number }[] = [];
    flatten(setEntry.node, '', leaves, lineOf);
    for (const leaf of leaves) {
      const value = leaf.node === null ? null : leaf.node.toJSON();
      if (set.some((s) => s.key === leaf.key)) fail(leaf.line, `set.${leaf.key}: given twice`);
      set.push({ key: leaf.key, value, text: overrideText(leaf.key, value), line: leaf.line });
    }
  }

  // grid: lists of values per key
  const grid: GridAxis[] = [];
  const gridEntry = top.get('grid');
  if (gridEntry && gridEntry.node !== null) {
    if (!isMap(gridEntry.node)) fail(gridEntry.line, 'grid: expected a mapping of config keys to lists of values, e.g. {train.lr: [0.1, 0.01]}');
    const leaves: { key: string; node: Node; line: number }[] = [];
    flatten(gridEntry.node, '', leaves, lineOf);
    for (const leaf of leaves) {
      if (!isSeq(leaf.node) || leaf.node.items.length === 0) {
        fail(leaf.line, `grid.${leaf.key}: expected a non-empty list of values, e.g. [0.1, 0.01] (a list-valued key takes a list of lists, e.g. [[5, 10], [20]])`);
      }
      const values = (leaf.node as Node).toJSON() as unknown[];
      const seen = new Set<string>();
      for (const value of values) {
        const key = JSON.stringify(value);
        if (seen.has(key)) fail(leaf.line, `grid.${leaf.key}: the value ${key} is listed twice`);
        seen.add(key);
      }
      if (grid.some((g) => g.key === leaf.key)) fail(leaf.line, `grid.${leaf.key}: given twice`);
      if (set.some((s) => s.key === leaf.key)) fail(leaf.line, `grid.${leaf.key}: also fixed in set; give it in one place`);
      grid.push({ key: leaf.key, values, line: leaf.line });
    }
  }
  for (const entry of [...set.map((s) => ({ where: 'set', key: s.key, line: s.line })), ...grid.map((g) => ({ where: 'grid', key: g.key, line: g.line }))]) {
    if (entry.key === 'output.dir') fail(entry.line, `${entry.where}.output.dir: the sweep chooses each trial's output folder (OUT/trials/<id>); set the sweep's out instead`);
  }

  // seeds
  let seeds: number[] | null = null;
  const seedsEntry = top.get('seeds');
  if (seedsEntry) {
    const value = (seedsEntry.node as Node | null)?.toJSON?.() as unknown;
    const ok = Array.isArray(value) && value.length > 0 && value.every((s) => Number.isInteger(s) && (s as number) >= 0);
    if (!ok) fail(seedsEntry.line, `seeds: expected a non-empty list of integers >= 0, e.g. [1, 2, 3]`);
    if (new Set(value as number[]).size !== (value as number[]).length) fail(seedsEntry.line, 'seeds: a seed is listed twice');
    seeds = value as number[];
    for (const entry of [...set.map((s) => ({ where: 'set', ...s })), ...grid.map((g) => ({ where: 'grid', ...g }))]) {
      if (entry.key === 'seed') fail(entry.line, `${entry.where}.seed: the sweep has seeds; give the seeds there only`);
    }
  }

  // select: a validation metric, or none
  const selectText = scalarString('select');
  if (selectText === null) {
    fail(1, 'select: missing; name the validation metric that picks the best grid point (e.g. select: ndcg@10), or write select: none');
  }
  let select: MetricAt | null = null;
  if (selectText !== 'none') {
    select = parseMetricAt(selectText as string);
    if (!select) fail(lines.select, `select: ${JSON.stringify(selectText)} is not metric@N (e.g. ndcg@10) or none`);
  }

  // search and budget: which points of the grid run
  const searchText = scalarString('search') ?? 'grid';
  if (!(SEARCH_METHODS as readonly string[]).includes(searchText)) {
    fail(lines.search, `search: ${JSON.stringify(searchText)} is not one of ${SEARCH_METHODS.join(', ')}${didYouMean(searchText, SEARCH_METHODS)}`);
  }
  const search = searchText as SearchMethod;
  let budget: number | null = null;
  const budgetEntry = top.get('budget');
  if (budgetEntry) {
    const value = (budgetEntry.node as Node | null)?.toJSON?.() as unknown;
    if (!Number.isInteger(value) || (value as number) < 1) fail(budgetEntry.line, `budget: expected a whole number of grid points >= 1, got ${JSON.stringify(value)}`);
    budget = value as number;
  }
  const size = spaceSize(grid.map((axis) => axis.values.length));
  if (search === 'grid' && budget !== null && budget < size) {
    fail(lines.budget, `budget: ${budget} is below the grid's ${size} points; search: grid runs them all (use search: random or tpe to try ${budget} of them)`);
  }
  if (search !== 'grid') {
    if (budget === null) fail(lines.search, `search: ${search} needs budget: (how many grid points to try)`);
    if (grid.length === 0) fail(lines.search, `search: ${search} needs a grid to search (the values each key may take)`);
    if (select === null) fail(lines.select, `select: none: search: ${search} chooses points by the validation metric; name it (e.g. select: ndcg@10)`);
  }

  const name = basename(file, extname(file));
  return { file, name, base, path, set, grid, seeds, select, out: scalarString('out'), search, budget, lines };
}
