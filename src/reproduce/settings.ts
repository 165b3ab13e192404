import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic';
import type { ColumnOutcome } from './run';
import type { TableSpec } from './tables';
import { TUNE_TRAIN_SHARE, TUNE_VALID_SHARE, type TuneOptions } from './tune';

/**
 * The settings each row ran with after `--tune` (chosen on validation), as lines under a column's table and
 * as OUT/<paper>-<table>-settings.json beside the tables, so that any report can show them.
 */

/** The header's sentence on tuning: the budget, the search, where the space and the validation part come from. */
export function tuningSentence(table: TableSpec, tune: TuneOptions | null): string {
  if (!tune) return '';
  const space = table.tuneSpace ? `the paper's grid (${table.tuneSpaceNote ?? 'see the table spec'})` : "each model's registry search space";
  return ` Every row tuned first with ${tune.search} search, ${tune.budget} trials per model (fewer where its space is smaller), over ${space}, chosen on ${table.primary} on a validation part carved from training only (the protocol's own where it has one, else the training part split again in time order: its first ${TUNE_TRAIN_SHARE} trains, the next ${TUNE_VALID_SHARE} validates); the settings line under each column says what each row got.`;
}

/** One `settings` line per tuned row of a column (none without --tune). */
export function settingsLines(table: TableSpec, outcome: ColumnOutcome): string[] {
  const lines: string[] = [];
  for (const row of table.rows) {
    const cell = outcome.cells[row.label];
    if (cell?.kind !== 'ok' || !cell.tuning) continue;
    const t = cell.tuning;
    const how = t.out === null ? '' : ` (${t.tried} of ${t.spaceSize} points by ${t.search}, valid ${t.select} ${t.valid?.toFixed(4)})`;
    lines.push(`- settings ${row.label}: ${t.label}${how}`);
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

/** Writes <dir>/<paper>-<table>-settings.json: per column and row, the tuning record (null for untuned cells). */
export function writeSettings(table: TableSpec, outcomes: readonly ColumnOutcome[], dir: string): string {
  const file = join(dir, `${table.paper}-${table.id}-settings.json`);
  const columns = Object.fromEntries(
    outcomes.map((o) => [o.column.key, Object.fromEntries(table.rows.map((row) => {
      const cell = o.cells[row.label];
      return [row.label, cell?.kind === 'ok' ? cell.tuning ?? null : null];
    }))]),
  );
  writeFileAtomic(file, `${JSON.stringify({ paper: table.paper, table: table.id, columns }, null, 2)}\n`);
  return file;
}
