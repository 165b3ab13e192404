import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableStatistics, type Comparison, type GroupStats, type Interval, type MetricStats, type StatsGroup, type TableStats } from '../eval/table-stats';
import { stream } from '../random/streams';
import { writeFileAtomic } from '../results/atomic';
import { tryReadMetrics } from '../results/metrics-file';
import { pairedRows, type PairedRows } from '../run/compare-runs';
import { NOT_SELECTED, type ColumnOutcome } from './run';
import type { TableSpec } from './tables';
import { MemrecError, UsageError } from '../util/errors';
import { barChart, svgDocument, text, ticksUpTo } from './svg';
import { settingsLines } from './settings';

/** One cell of the written table: ours (mean and sd over seeds, in the paper's scale), the paper's, the gap. */
interface Cell {
  readonly row: string;
  readonly metric: string;
  readonly ours: number | null;
  readonly sd: number | null;
  readonly seeds: number;
  readonly paper: number | null;
  /** ours / paper - 1 */
  readonly relative: number | null;
  /** why there is no figure of ours, in words */
  readonly why: string | null;
}

/** The per-user statistics of one column, or why there are none. */
type ColumnStats =
  | { readonly kind: 'ok'; readonly group: GroupStats; readonly paired: PairedRows }
  | { readonly kind: 'none'; readonly why: string };

interface ColumnReport {
  readonly outcome: ColumnOutcome;
  readonly cells: Cell[];
  /** the marks under the column's table: best-model disagreement with the paper */
  readonly marks: string[];
  /** null where no row has figures */
  readonly stats: ColumnStats | null;
}

/** What a report needs besides the table and its outcomes. */
export interface ReportOptions {
  /** a --quick run: marked in every title */
  readonly quick?: boolean;
  /** where the raw files were looked for (named in the line of columns without data) */
  readonly dataDir?: string;
  /** the evaluated part whose per-user values the statistics read (default test) */
  readonly part?: 'valid' | 'test';
  /** bootstrap resamples of the users (default 2000) */
  readonly resamples?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** Marks the title of a --quick table, and tells a quick table's file from a full one's. */
const QUICK_MARK = ' (--quick: a check of the pipeline, not a result)';

function cellsOf(table: TableSpec, outcome: ColumnOutcome): Cell[] {
  const column = outcome.column.published;
  const published = (row: string) => {
    if (column === null) return null;
    try {
      return table.published(column, row);
    } catch {
      return null;
    }
  };
  return table.rows.flatMap((row) =>
    table.metrics.map((metric, k) => {
      const cell = outcome.cells[row.label];
      const paper = published(row.label)?.[k] ?? null;
      if (!cell || cell.kind !== 'ok') return { row: row.label, metric, ours: null, sd: null, seeds: 0, paper, relative: null, why: cell?.kind === 'missing' ? cell.why : 'not run' };
      const stat = cell.test[metric];
      const ours = stat.mean * table.scale;
      return { row: row.label, metric, ours, sd: stat.sd === null ? null : stat.sd * table.scale, seeds: stat.n, paper, relative: paper ? ours / paper - 1 : null, why: null };
    }),
  );
}

/** Our best row against the paper's, on the table's headline metric. */
function marksOf(table: TableSpec, cells: Cell[]): string[] {
  const primary = cells.filter((c) => c.metric === table.primary);
  const best = (list: Cell[], value: (c: Cell) => number | null) =>
    list.filter((c) => value(c) !== null).reduce<Cell | null>((a, c) => (a === null || (value(c) as number) > (value(a) as number) ? c : a), null);
  const oursBest = best(primary, (c) => c.ours);
  const paperBest = best(primary, (c) => c.paper);
  return oursBest && paperBest && oursBest.row !== paperBest.row ? [`≠ our best on ${table.primary} is ${oursBest.row}; the paper's is ${paperBest.row}`] : [];
}

/** The rows every other row is tested against: the table's proposed rows, else its rows that are not baselines. */
const referencesOf = (table: TableSpec) => table.proposed ?? table.rows.filter((r) => !r.baseline).map((r) => r.label);

const withoutPrefix = (message: string) => message.replace(/^(usage |config |input )?error: /, '');

/**
 * Each column's per-user values paired over its rows with figures (kept per seed: a row's mean is over its own
 * seeds, a comparison's over the seeds both rows ran), and the statistics of the whole table, Holm's families
 * spanning every column. A column whose runs cannot be paired (or lack per-user values) gets no statistics,
 * with the reason.
 */
function statisticsOf(table: TableSpec, outcomes: ColumnOutcome[], options: ReportOptions): { columns: (ColumnStats | null)[]; table: TableStats } {
  const gathered = outcomes.map((outcome): { paired: PairedRows } | { why: string } | null => {
    const rows = table.rows.flatMap((row) => {
      const cell = outcome.cells[row.label];
      return cell?.kind === 'ok' && cell.runDirs.length > 0 ? [{ label: row.label, dirs: cell.runDirs }] : [];
    });
    if (rows.length === 0) return null;
    try {
      const paired = pairedRows(rows, options.part ?? 'test', table.metrics);
      return paired.users < 2 ? { why: `${paired.users} user evaluated; the tests need 2 or more` } : { paired };
    } catch (err) {
      if (err instanceof MemrecError) return { why: withoutPrefix(err.message) };
      throw err;
    }
  });
  const groups: StatsGroup[] = [];
  const seedOf = new Map<string, number>();
  outcomes.forEach((outcome, k) => {
    const entry = gathered[k];
    if (entry === null || !('paired' in entry)) return;
    seedOf.set(outcome.column.key, entry.paired.seeds[0]);
    groups.push({
      key: outcome.column.key,
      metrics: table.metrics.map((metric) => ({ metric, rows: entry.paired.rows.map((row) => ({ label: row.label, runs: row.runs.map((run) => ({ seed: run.seed, values: run.values[metric] })) })) })),
    });
  });
  const stats = tableStatistics(groups, {
    references: referencesOf(table),
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    rng: (key) => stream(seedOf.get(key) as number, 'bootstrap', table.paper, table.id, key),
  });
  const columns = outcomes.map((outcome, k): ColumnStats | null => {
    const entry = gathered[k];
    if (entry === null) return null;
    if (!('paired' in entry)) return { kind: 'none', why: entry.why };
    return { kind: 'ok', paired: entry.paired, group: stats.groups.find((g) => g.key === outcome.column.key) as GroupStats };
  });
  return { columns, table: stats };
}

const fmt = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);
/** Decimals of the statistics: 3 in % (scale 100), 4 for fractions. */
const statDigits = (table: TableSpec) => (table.scale >= 100 ? 3 : 4);
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const interval = (ci: Interval, digits: number) => `[${ci.low.toFixed(digits)}, ${ci.high.toFixed(digits)}]`;
/** A p-value in two significant figures, small ones in exponent form. */
const pValue = (p: number) => (p === 0 ? '< 1e-300' : p < 1e-3 ? p.toExponential(1) : p.toPrecision(2));
const hasPaper = (cells: Cell[]) => cells.some((c) => c.paper !== null);

/** How a row stands on a metric: the best, not significantly different from the best, or neither. */
function standing(stats: ColumnStats | null, metric: string, row: string): 'best' | 'tied' | null {
  if (stats?.kind !== 'ok') return null;
  const m = stats.group.metrics.find((s) => s.metric === metric);
  if (!m) return null;
  return m.best === row ? 'best' : m.notDifferentFromBest.includes(row) ? 'tied' : null;
}

/** A comparison of `row` against `against` (either way round), as `row - against`, or null. */
function difference(m: MetricStats, row: string, against: string): Pick<Comparison, 'difference' | 'ci' | 'tP' | 'tHolm' | 'wilcoxonP' | 'wilcoxonHolm'> | null {
  const c = m.comparisons.find((x) => (x.label === row && x.against === against) || (x.label === against && x.against === row));
  if (!c) return null;
  return c.label === row ? c : { ...c, difference: -c.difference, ci: { low: -c.ci.high, high: -c.ci.low } };
}

/** The references present in a column: the statistics table has a group of columns for each. */
function referencesIn(table: TableSpec, group: GroupStats): string[] {
  const present = new Set(group.metrics.flatMap((m) => m.rows.map((r) => r.label)));
  return referencesOf(table).filter((r) => present.has(r));
}

/** Whether the statistics table needs a column of the tests against the best: the best is not always a reference. */
const bestColumn = (group: GroupStats, references: string[]) => group.metrics.some((m) => m.best !== null && !references.includes(m.best));

/**
 * The statistics table's rows: metric, model, mean [CI]; per reference the difference [CI], the t-test p and
 * the Wilcoxon p (Holm's in brackets); last, where the best is not always a reference, the t-test p against
 * the best, which decides the ≈ mark.
 */
function statisticsRows(table: TableSpec, group: GroupStats, references: string[]): string[][] {
  const digits = statDigits(table);
  const scale = table.scale;
  const scaled = (ci: Interval) => interval({ low: ci.low * scale, high: ci.high * scale }, digits);
  return group.metrics.flatMap((m) =>
    m.rows.map((row) => {
      const mark = m.best === row.label ? 'best' : m.notDifferentFromBest.includes(row.label) ? 'tied' : null;
      const mean = `${(row.mean * scale).toFixed(digits)} ${scaled(row.ci)}`;
      const cells = [m.metric, row.label, mark === 'best' ? `**${mean}**` : mark === 'tied' ? `${mean} ≈` : mean];
      for (const reference of references) {
        const c = reference === row.label ? null : difference(m, row.label, reference);
        if (c === null) cells.push(reference === row.label ? '—' : '–', '', '');
        else cells.push(`${signed(c.difference * scale, digits)} ${scaled(c.ci)}`, `${pValue(c.tP)} (${pValue(c.tHolm)})`, `${pValue(c.wilcoxonP)} (${pValue(c.wilcoxonHolm)})`);
      }
      if (bestColumn(group, references)) {
        const best = m.best === null || m.best === row.label ? null : difference(m, row.label, m.best);
        cells.push(m.best === row.label ? '(best)' : best === null ? '–' : `${pValue(best.tP)} (${pValue(best.tHolm)})`);
      }
      return cells;
    }),
  );
}

function statisticsHeader(group: GroupStats, references: string[]): string[] {
  const best = bestColumn(group, references) ? ['vs best: t-test p (Holm)'] : [];
  return ['metric', 'model', 'mean [95% CI]', ...references.flatMap((r) => [`− ${r} [95% CI]`, 't-test p (Holm)', 'Wilcoxon p (Holm)']), ...best];
}

/**
 * Which seeds the statistics average over: those of every row, or, where rows ran different seeds, each row's
 * own (the rows with fewer named) and, for a comparison, the seeds both rows ran.
 */
function seedsSentence(paired: PairedRows): string {
  const list = (seeds: readonly number[]) => (seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`);
  if (paired.shared.length === paired.seeds.length) return paired.seeds.length > 1 ? `, each user's value averaged over ${list(paired.seeds)}` : `, ${list(paired.seeds)}`;
  const fewer = paired.rows.filter((row) => row.runs.length < paired.seeds.length).map((row) => `${row.label} ${list(row.runs.map((r) => r.seed))}`);
  return `, each user's value averaged over the seeds its row ran (${list(paired.seeds)}; ${fewer.join('; ')}), and in a comparison over the seeds both rows ran`;
}

/** The sentence before a column's statistics table (or why it has none). */
function statisticsIntro(table: TableSpec, stats: ColumnStats, all: TableStats, part: string): string {
  if (stats.kind === 'none') return `Statistics not computed: ${stats.why}.`;
  const { paired } = stats;
  const seeds = seedsSentence(paired);
  const references = referencesIn(table, stats.group);
  const against =
    references.length > 0
      ? `each model minus ${references.join(' and ')} (the proposed model${references.length > 1 ? 's' : ''}), with the bootstrap interval of the difference (95%, not adjusted for the number of comparisons)`
      : 'no proposed model (each model is tested against the best only)';
  return (
    `Per-user statistics on the ${part} part: ${paired.users} users${seeds}. Mean with its 95% bootstrap interval (${all.resamples} resamples of the users); ` +
    `${against}; two-sided paired t-test and Wilcoxon signed-rank p-values, uncorrected and in brackets ` +
    `Holm–Bonferroni adjusted over the ${all.comparisons} comparisons of this table (each test its own family). ` +
    `**Bold**: the best mean; ≈: not significantly different from the best (t-test against the best, adjusted p ≥ ${all.alpha}).`
  );
}

/** A column with data that --columns or --rows left out entirely, with no earlier figures to show. */
const leftOut = (r: ColumnReport) => r.outcome.file !== null && Object.values(r.outcome.cells).every((c) => c.kind === 'missing' && c.why.startsWith(NOT_SELECTED));

/** The columns shown as tables: those with data that were run (or have figures from an earlier run). */
const shown = (reports: ColumnReport[]) => reports.filter((r) => r.outcome.file !== null && !leftOut(r));

/** The columns without data, and those left out by --columns/--rows, on one line: what is missing and where it was looked for. */
function missingLine(reports: ColumnReport[], options: ReportOptions): string | null {
  const missing = reports.filter((r) => r.outcome.file === null);
  const skipped = reports.filter(leftOut);
  const names = (files: readonly string[]) => (files.length > 1 ? `${files[0]} or ${files.length - 1} other name${files.length > 2 ? 's' : ''}` : files[0] ?? 'no file named');
  const where = options.dataDir ? ` under ${options.dataDir}` : '';
  const sentences = [
    ...(missing.length > 0 ? [`Not run, no data${where}: ${missing.map((r) => `${r.outcome.column.key} (${names(r.outcome.column.files)})`).join('; ')}.`] : []),
    ...(skipped.length > 0 ? [`Not run, left out by --columns or --rows (its data is at hand): ${skipped.map((r) => r.outcome.column.key).join('; ')}.`] : []),
  ];
  return sentences.length > 0 ? sentences.join(' ') : null;
}

const titleOf = (table: TableSpec, options: ReportOptions) => `${table.title}${options.quick ? QUICK_MARK : ''}`;

function mainTableMarkdown(table: TableSpec, report: ColumnReport): string[] {
  const { cells, stats } = report;
  const paper = hasPaper(cells);
  const head = table.metrics.map((m) => (paper ? `${m} ours | paper | ours/paper − 1` : m)).join(' | ');
  const lines = [`| model | ${head} |`, `|---|${table.metrics.map(() => (paper ? '---|---|---|' : '---|')).join('')}`];
  for (const row of table.rows) {
    const rowCells = cells.filter((c) => c.row === row.label);
    const why = rowCells[0].why;
    const ours = (c: Cell) => {
      if (c.ours === null) return '–';
      const text = `${fmt(c.ours)}${c.sd === null ? '' : ` ± ${fmt(c.sd)}`}`;
      const mark = standing(stats, c.metric, c.row);
      return mark === 'best' ? `**${text}**` : mark === 'tied' ? `${text} ≈` : text;
    };
    lines.push(`| ${row.label}${why ? ` (${why})` : ''} | ${rowCells.map((c) => (paper ? `${ours(c)} | ${fmt(c.paper)} | ${pct(c.relative)}` : ours(c))).join(' | ')} |`);
  }
  return lines;
}

/**
 * Under full ranking with the history excluded, how many of the column's test targets the users had before and
 * what became of them, from its first finished run (leave-one-out gives every seed the same targets); null when
 * none were, or the runs predate the count.
 */
function targetsInHistoryNote(outcome: ColumnOutcome): string | null {
  const first = Object.values(outcome.cells).find((cell) => cell.kind === 'ok' && cell.runDirs.length > 0);
  if (!first || first.kind !== 'ok') return null;
  const counted = tryReadMetrics(first.runDirs[0])?.results.test?.targets_in_history;
  if (!counted || counted.count === 0) return null;
  const share = `${counted.count} of ${counted.of} test targets (${((100 * counted.count) / counted.of).toFixed(1)}%) were in the user's history`;
  return counted.kept
    ? `${share}: they stay candidates (eval.keep_targets), each the only history item among them, so a model that scores the user's own items high finds them`
    : `${share}: they are removed with it and cannot be hit (eval.keep_targets: false)`;
}

function markdown(table: TableSpec, reports: ColumnReport[], header: string, all: TableStats, options: ReportOptions): string {
  const lines = [`# ${titleOf(table, options)}`, '', header, ''];
  for (const report of shown(reports)) {
    const { outcome, stats, marks } = report;
    lines.push(`## ${outcome.column.key}`, '');
    if (outcome.column.note) lines.push(`Note: ${outcome.column.note}.`, '');
    lines.push(`Data: \`${outcome.file}\`${outcome.column.preset ? `, preset \`${outcome.column.preset}\`` : ''}.`, '');
    const repeats = targetsInHistoryNote(outcome);
    if (repeats) lines.push(`Repeats: ${repeats}.`, '');
    lines.push(...mainTableMarkdown(table, report), '');
    if (stats) {
      lines.push(statisticsIntro(table, stats, all, options.part ?? 'test'), '');
      if (stats.kind === 'ok') {
        const references = referencesIn(table, stats.group);
        lines.push(`| ${statisticsHeader(stats.group, references).join(' | ')} |`, `|${statisticsHeader(stats.group, references).map(() => '---|').join('')}`);
        lines.push(...statisticsRows(table, stats.group, references).map((cells) => `| ${cells.join(' | ')} |`), '');
      }
    }
    lines.push(...marks.map((m) => `- ${m}`), '', ...settingsLines(table, outcome));
  }
  const missing = missingLine(reports, options);
  if (missing) lines.push(missing, '');
  return lines.join('\n');
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (values: unknown[]) => values.map((v) => quote(String(v ?? ''))).join(',');

function csv(table: TableSpec, reports: ColumnReport[]): string {
  const lines = ['paper,table,column,model,metric,ours_mean,ours_sd,seeds,paper_value,relative_difference,note,ci95_low,ci95_high,best,not_different_from_best'];
  for (const { outcome, cells, stats } of reports) {
    for (const c of cells) {
      const m = stats?.kind === 'ok' ? stats.group.metrics.find((s) => s.metric === c.metric) : undefined;
      const row = m?.rows.find((r) => r.label === c.row);
      const mark = standing(stats, c.metric, c.row);
      lines.push(
        csvLine([table.paper, table.id, outcome.column.key, c.row, c.metric, c.ours, c.sd, c.seeds, c.paper, c.relative, c.why, row && row.ci.low * table.scale, row && row.ci.high * table.scale, row && mark === 'best', row && mark === 'tied']),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Every comparison of the table, one line each, in the table's scale. */
function testsCsv(table: TableSpec, reports: ColumnReport[]): string {
  const lines = ['paper,table,column,metric,model,against,difference,ci95_low,ci95_high,t,t_p,t_p_holm,wilcoxon_p,wilcoxon_p_holm,users,seeds'];
  for (const { outcome, stats } of reports) {
    if (stats?.kind !== 'ok') continue;
    for (const m of stats.group.metrics) {
      for (const c of m.comparisons) {
        const s = table.scale;
        lines.push(csvLine([table.paper, table.id, outcome.column.key, m.metric, c.label, c.against, c.difference * s, c.ci.low * s, c.ci.high * s, c.t, c.tP, c.tHolm, c.wilcoxonP, c.wilcoxonHolm, stats.group.users, c.seeds.join(' ')]));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** The little Markdown the statistics sentence uses (bold), as HTML. */
const inlineHtml = (s: string) => escapeHtml(s).replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');

/** One metric's bars of one column: ours with the 95% interval (the best highlighted), the paper's in grey. */
function columnBars(table: TableSpec, metric: string, report: ColumnReport, part: string): string {
  const m = report.stats?.kind === 'ok' ? report.stats.group.metrics.find((s) => s.metric === metric) : undefined;
  const bars = table.rows.map((row) => {
    const cell = report.cells.find((c) => c.row === row.label && c.metric === metric) as Cell;
    const stat = m?.rows.find((r) => r.label === row.label);
    const scaled = stat ? { low: stat.ci.low * table.scale, high: stat.ci.high * table.scale } : null;
    return { label: row.label, value: cell.ours, interval: scaled, reference: cell.paper, highlight: m?.best === row.label };
  });
  const paper = hasPaper(report.cells) ? "; the paper's in grey" : '';
  const ci = m ? ' with its 95% bootstrap interval over users' : '';
  return barChart(`${report.outcome.column.key}: ${part} ${metric}`, `our mean${ci}, the best in orange${paper}`, bars, statDigits(table));
}

function html(table: TableSpec, reports: ColumnReport[], header: string, all: TableStats, options: ReportOptions): string {
  const title = escapeHtml(titleOf(table, options));
  const part = options.part ?? 'test';
  const parts = [`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>`,
    '<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;font-size:13px;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,td.label{text-align:left}td.best{background:#feebc8;font-weight:bold}td.tied{background:#fffaf0}p.missing{color:#4a5568}</style></head><body>',
    `<h1>${title}</h1><p>${escapeHtml(header)}</p>`];
  for (const report of shown(reports)) {
    const { outcome, cells, marks, stats } = report;
    const paper = hasPaper(cells);
    parts.push(`<h2>${escapeHtml(outcome.column.key)}</h2>`);
    if (outcome.column.note) parts.push(`<p><b>Note:</b> ${escapeHtml(outcome.column.note)}.</p>`);
    const repeats = targetsInHistoryNote(outcome);
    if (repeats) parts.push(`<p><b>Repeats:</b> ${escapeHtml(repeats)}.</p>`);
    parts.push('<table><tr><th>model</th>', ...table.metrics.map((m) => (paper ? `<th>${escapeHtml(m)} ours</th><th>paper</th><th>ours/paper − 1</th>` : `<th>${escapeHtml(m)}</th>`)), '</tr>');
    for (const row of table.rows) {
      const rowCells = cells.filter((c) => c.row === row.label);
      const why = rowCells[0].why;
      parts.push(`<tr><td>${escapeHtml(row.label)}${why ? ` <small>(${escapeHtml(why)})</small>` : ''}</td>`);
      for (const c of rowCells) {
        const mark = standing(stats, c.metric, c.row);
        const ours = c.ours === null ? '–' : `${fmt(c.ours)}${c.sd === null ? '' : ` ± ${fmt(c.sd)}`}${mark === 'tied' ? ' ≈' : ''}`;
        parts.push(`<td${mark ? ` class="${mark}"` : ''}>${ours}</td>`, ...(paper ? [`<td>${fmt(c.paper)}</td><td>${pct(c.relative)}</td>`] : []));
      }
      parts.push('</tr>');
    }
    parts.push('</table>');
    if (stats) {
      parts.push(`<p>${inlineHtml(statisticsIntro(table, stats, all, part))}</p>`);
      if (stats.kind === 'ok') {
        const references = referencesIn(table, stats.group);
        parts.push(`<table><tr>${statisticsHeader(stats.group, references).map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`);
        for (const cellsOfRow of statisticsRows(table, stats.group, references)) {
          parts.push(`<tr>${cellsOfRow.map((c, i) => `<td${i < 2 ? ' class="label"' : ''}>${inlineHtml(c)}</td>`).join('')}</tr>`);
        }
        parts.push('</table>');
      }
    }
    if (marks.length > 0) parts.push(`<ul>${marks.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`);
    if (cells.some((c) => c.ours !== null)) parts.push(...table.metrics.map((m) => columnBars(table, m, report, part)));
  }
  const missing = missingLine(reports, options);
  if (missing) parts.push(`<p class="missing">${escapeHtml(missing)}</p>`);
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

const PALETTE = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#c53030', '#319795', '#4a5568', '#d53f8c', '#718096', '#744210'];

/**
 * A figure table (`series`): one panel per metric, our mean against x with ±1 sd over seeds, one line per
 * column with figures; columns without any are left out of the legend too.
 */
function seriesSvg(table: TableSpec, reports: ColumnReport[]): string {
  const series = table.series as NonNullable<TableSpec['series']>;
  const drawn = reports.filter((r) => r.cells.some((c) => c.ours !== null));
  const panel = { width: 420, height: 300, left: 60, top: 50 };
  const [width, height] = [panel.left + table.metrics.length * (panel.width + 40), panel.top + panel.height + 60 + 18 * drawn.length];
  const [xMin, xMax] = [Math.min(...series.x), Math.max(...series.x)];
  const body = [text(width / 2, 22, table.title, 'middle', 'font-size="13" font-weight="bold"')];
  table.metrics.forEach((metric, m) => {
    const left = panel.left + m * (panel.width + 40);
    const [right, bottom] = [left + panel.width, panel.top + panel.height];
    const cells = drawn.flatMap((r) => r.cells.filter((c) => c.metric === metric && c.ours !== null));
    const ticks = ticksUpTo(Math.max(1e-6, ...cells.map((c) => (c.ours as number) + (c.sd ?? 0))) * 1.05, 6);
    const yMax = ticks.values[ticks.values.length - 1];
    const x = (v: number) => left + ((v - xMin) / Math.max(1, xMax - xMin)) * panel.width;
    const y = (v: number) => bottom - (v / yMax) * panel.height;
    for (const v of ticks.values) {
      body.push(`<line x1="${left}" x2="${right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e2e8f0"/>`, text(left - 6, y(v) + 4, v.toFixed(ticks.decimals), 'end'));
    }
    for (const v of series.x) body.push(text(x(v), bottom + 16, String(v), 'middle'));
    body.push(`<polyline points="${left},${panel.top} ${left},${bottom} ${right},${bottom}" fill="none" stroke="#000"/>`);
    body.push(text((left + right) / 2, bottom + 34, series.axis, 'middle'), text((left + right) / 2, panel.top - 8, `test ${metric}`, 'middle', 'font-weight="bold"'));
    drawn.forEach((report, k) => {
      const colour = PALETTE[k % PALETTE.length];
      const points = table.rows.flatMap((row, i) => {
        const cell = report.cells.find((c) => c.row === row.label && c.metric === metric);
        return cell && cell.ours !== null ? [{ px: x(series.x[i]), ours: cell.ours, sd: cell.sd ?? 0 }] : [];
      });
      for (const p of points) {
        if (p.sd > 0) body.push(`<line x1="${p.px.toFixed(1)}" x2="${p.px.toFixed(1)}" y1="${y(p.ours - p.sd).toFixed(1)}" y2="${y(p.ours + p.sd).toFixed(1)}" stroke="${colour}" stroke-opacity="0.5"/>`);
        body.push(`<circle cx="${p.px.toFixed(1)}" cy="${y(p.ours).toFixed(1)}" r="3" fill="${colour}"/>`);
      }
      body.push(`<polyline points="${points.map((p) => `${p.px.toFixed(1)},${y(p.ours).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    });
  });
  drawn.forEach((report, k) => {
    const ly = panel.top + panel.height + 56 + 18 * k;
    body.push(`<line x1="${panel.left}" x2="${panel.left + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"/>`);
    body.push(text(panel.left + 38, ly, `${report.outcome.column.key} (mean over seeds, bars ±1 sd)`));
  });
  return svgDocument(width, height, body);
}

const tableBase = (table: TableSpec, outDir: string) => join(outDir, `${table.paper}-${table.id}`);

/** Whether a written Markdown table is a --quick one (its title says so; older ones said it in the header). */
const isQuickTable = (markdown: string) => {
  const [title = '', , header = ''] = markdown.split('\n');
  return title.includes(QUICK_MARK) || /^memrec reproduce --paper \S+.* --quick\b/.test(header);
};

/**
 * A --quick table (one seed, 2 epochs) and a full one never replace each other: refuses, before anything
 * runs, a tables folder whose Markdown table of `table` is of the other kind.
 */
export function refuseOverOtherKind(table: TableSpec, outDir: string, quick: boolean): void {
  const file = `${tableBase(table, outDir)}.md`;
  if (!existsSync(file) || isQuickTable(readFileSync(file, 'utf8')) === quick) return;
  if (quick) {
    throw new UsageError(`--quick --tables ${outDir}: ${file} is a full table, which a --quick run must not replace; give another --tables folder (the default for --quick is results/tables-quick)`);
  }
  throw new UsageError(`--tables ${outDir}: ${file} is a --quick table, which a full run does not replace; give another --tables folder (the default is results/tables) or delete it`);
}

/** A table's files, rendered: Markdown, CSV of the cells, CSV of the comparisons, HTML, and a figure's SVG. */
export interface RenderedReports {
  readonly markdown: string;
  readonly csv: string;
  readonly testsCsv: string;
  readonly html: string;
  readonly svg: string | null;
}

/** Renders a table's reports, with the statistics of its per-user values. */
export function renderReports(table: TableSpec, outcomes: ColumnOutcome[], header: string, options: ReportOptions = {}): RenderedReports {
  const statistics = statisticsOf(table, outcomes, options);
  const reports = outcomes.map((outcome, k) => {
    const cells = cellsOf(table, outcome);
    return { outcome, cells, marks: marksOf(table, cells), stats: statistics.columns[k] };
  });
  return {
    markdown: markdown(table, reports, header, statistics.table, options),
    csv: csv(table, reports),
    testsCsv: testsCsv(table, reports),
    html: html(table, reports, header, statistics.table, options),
    svg: table.series ? seriesSvg({ ...table, title: titleOf(table, options) }, reports) : null,
  };
}

/** Writes BASE.md, BASE.csv, BASE-tests.csv, BASE.html (and BASE.svg for a figure); returns the file names. */
export function writeRendered(base: string, rendered: RenderedReports): string[] {
  const files: [string, string | null][] = [
    [`${base}.md`, rendered.markdown],
    [`${base}.csv`, rendered.csv],
    [`${base}-tests.csv`, rendered.testsCsv],
    [`${base}.html`, rendered.html],
    [`${base}.svg`, rendered.svg],
  ];
  return files.flatMap(([file, content]) => (content === null ? [] : (writeFileAtomic(file, content), [file])));
}

/** Writes <outDir>/<paper>-<table>.{md,csv,html}, -tests.csv (and .svg for a figure); returns the Markdown and the files. */
export function writeReports(table: TableSpec, outcomes: ColumnOutcome[], outDir: string, header: string, options: ReportOptions = {}): { markdown: string; files: string[] } {
  const rendered = renderReports(table, outcomes, header, options);
  return { markdown: rendered.markdown, files: writeRendered(tableBase(table, outDir), rendered) };
}
