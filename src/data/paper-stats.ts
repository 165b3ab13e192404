import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../util/package-root';
import { ConfigError } from '../util/errors';
import type { DatasetStats } from './interactions';

/** Where the papers' published tables are: MEMREC_PAPER_TABLES, else ../shared/paper-tables beside the project. */
export function paperTablesDir(): string {
  return process.env.MEMREC_PAPER_TABLES ?? join(PACKAGE_ROOT, '..', 'shared', 'paper-tables');
}

/** A paper's published statistics for one dataset: the fields it shares with ours, and the rest as printed. */
export interface PaperStats {
  readonly label: string;
  readonly comparable: Partial<Record<keyof DatasetStats, number>>;
  readonly other: Record<string, string>;
}

/** The paper's field names for our statistics. */
const FIELDS: Record<string, keyof DatasetStats> = {
  users: 'users',
  items: 'items',
  interactions: 'interactions',
  density: 'density',
  avg_len: 'meanSequenceLength',
  categories: 'categories',
  vocabulary: 'vocabulary',
  avg_doc_len: 'meanDocumentLength',
};

/** "0.32%" is 0.0032; numbers as they are. */
function numeric(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[\d.]+%$/.test(value)) return Number(value.slice(0, -1)) / 100;
  return null;
}

/**
 * data.paper_stats `<paper>:<dataset>` read from `<paper>.yaml`'s dataset_stats; null when unset. A missing
 * tables folder is an error that says how to point at it.
 */
export function readPaperStats(reference: string, where: string, dir = paperTablesDir()): PaperStats | null {
  if (reference === '') return null;
  const [paper, dataset] = reference.split(':');
  const file = join(dir, `${paper}.yaml`);
  if (!dataset) throw new ConfigError(`${where}: data.paper_stats: "${reference}" is not <paper>:<dataset>`);
  if (!existsSync(file)) throw new ConfigError(`${where}: data.paper_stats: ${file} not found (set MEMREC_PAPER_TABLES to the folder of the paper tables)`);
  const stats = (parse(readFileSync(file, 'utf8')) as { dataset_stats?: Record<string, Record<string, unknown>> }).dataset_stats ?? {};
  const entry = stats[dataset];
  if (!entry) throw new ConfigError(`${where}: data.paper_stats: ${file} has no dataset_stats.${dataset}; it has ${Object.keys(stats).join(', ')}`);
  const comparable: PaperStats['comparable'] = {};
  const other: Record<string, string> = {};
  for (const [field, value] of Object.entries(entry)) {
    const ours = FIELDS[field];
    const number = numeric(value);
    if (ours && number !== null) comparable[ours] = number;
    else other[field] = String(value);
  }
  return { label: `${paper} ${dataset}`, comparable, other };
}
