import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic';
import type { TrialRecord } from './index-file';
import type { SweepPlan } from './plan';

/** A metric's mean over a point's seeds, with the sample standard deviation (null for one seed). */
export interface Stat {
  mean: number;
  sd: number | null;
  n: number;
}

export interface PointSummary {
  index: number;
  label: string;
  values: Record<string, unknown>;
  trials: string[];
  ok: number;
  failed: number;
  /** trials not recorded yet */
  missing: number;
  /** the select metric on the validation part (null with select: none, or when no trial finished) */
  valid: Stat | null;
  /** every test metric */
  test: Record<string, Stat>;
}

export interface SweepSummary {
  format: 'memrec-sweep-summary/1';
  sweep: string;
  out: string;
  /** the validation metric that chooses, or null (select: none) */
  select: string | null;
  /** how the points were picked: the whole grid, or a search with its budget */
  search: { method: string; budget: number | null };
  chosen_on: 'valid';
  trials: { total: number; ok: number; failed: number; missing: number };
  points: PointSummary[];
  /** the grid point with the highest mean validation metric among the points whose trials all finished */
  best: { index: number; label: string; values: Record<string, unknown>; valid: Stat; test: Record<string, Stat> } | null;
  /** why best is what it is, in words */
  best_note: string;
  failed: { id: string; exit_code: number | string | undefined; error: string | undefined; run_dir: string | null }[];
  /** the test metrics shown as the table's columns */
  columns: string[];
}

/** Mean and sample standard deviation of the values; null for none. */
export function stat(values: number[]): Stat | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : null;
  return { mean, sd, n: values.length };
}

/** The metrics at one cut-off, shown as the table's test columns: select's cut-off, else @10, else the first. */
function columnsOf(plan: SweepPlan): string[] {
  const keys = [...new Set(plan.metricKeys.flat())];
  const cutoffs = keys.map((key) => key.slice(key.indexOf('@') + 1));
  const cutoff = plan.spec.select ? String(plan.spec.select.cutoff) : cutoffs.includes('10') ? '10' : cutoffs[0];
  return keys.filter((key) => key.endsWith(`@${cutoff}`));
}

/**
 * Summarises the sweep's own trials (index lines of other trials are left out) per grid point, and chooses
 * the best point on the validation metric only. Test metrics are reported, never used to choose.
 */
export function summarise(plan: SweepPlan, records: ReadonlyMap<string, TrialRecord>): SweepSummary {
  const select = plan.spec.select;
  const points: PointSummary[] = plan.points.map((point) => {
    const trials = plan.trials.filter((t) => t.point.index === point.index);
    const found = trials.map((t) => records.get(t.id)).filter((r): r is TrialRecord => r !== undefined);
    const ok = found.filter((r) => r.status === 'ok');
    const testKeys = [...new Set(ok.flatMap((r) => Object.keys(r.test ?? {})))];
    const test: Record<string, Stat> = {};
    for (const key of testKeys) {
      const s = stat(ok.map((r) => r.test?.[key]).filter((v): v is number => typeof v === 'number'));
      if (s) test[key] = s;
    }
    const validValues = select ? ok.map((r) => r.valid?.[select.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [];
    return {
      index: point.index,
      label: point.label,
      values: point.values,
      trials: trials.map((t) => t.id),
      ok: ok.length,
      failed: found.length - ok.length,
      missing: trials.length - found.length,
      valid: stat(validValues),
      test,
    };
  });

  let best: SweepSummary['best'] = null;
  let note: string;
  if (!select) {
    note = 'select: none: every trial is reported and no grid point is chosen';
  } else {
    const eligible = points.filter((p) => p.ok === p.trials.length && p.valid !== null && p.valid.n === p.trials.length);
    for (const p of eligible) if (!best || (p.valid as Stat).mean > best.valid.mean) best = { index: p.index, label: p.label, values: p.values, valid: p.valid as Stat, test: p.test };
    const seeds = plan.spec.seeds ? ` over ${plan.spec.seeds.length} seed${plan.spec.seeds.length > 1 ? 's' : ''}` : '';
    const searched = plan.spec.search === 'grid' ? '' : ` of the ${points.length} points the ${plan.spec.search} search tried`;
    note = best
      ? `best grid point on the validation part: ${best.label} (highest mean valid ${select.key}${seeds}${searched}); test metrics are reported, never used to choose`
      : points.some((p) => p.ok === p.trials.length && p.ok > 0)
        ? `no grid point has valid ${select.key} on all its trials (a validation part without targets?), so none is chosen`
        : 'no grid point has all its trials finished, so none is chosen';
    if (best && eligible.length < points.length) note += `; ${points.length - eligible.length} grid point(s) with unfinished or failed trials were not considered`;
  }
  const all = plan.trials.map((t) => records.get(t.id));
  const failed = all.filter((r): r is TrialRecord => r?.status === 'failed');
  return {
    format: 'memrec-sweep-summary/1',
    sweep: plan.spec.file,
    out: plan.out,
    select: select?.key ?? null,
    search: { method: plan.spec.search, budget: plan.spec.budget },
    chosen_on: 'valid',
    trials: {
      total: plan.trials.length,
      ok: all.filter((r) => r?.status === 'ok').length,
      failed: failed.length,
      missing: all.filter((r) => r === undefined).length,
    },
    points,
    best,
    best_note: note,
    failed: failed.map((r) => ({ id: r.id, exit_code: r.exit_code, error: r.error, run_dir: r.run_dir })),
    columns: columnsOf(plan),
  };
}

const cell = (s: Stat | null | undefined) => (!s ? '–' : s.sd === null ? s.mean.toFixed(4) : `${s.mean.toFixed(4)}±${s.sd.toFixed(4)}`);

/** The table's header and rows (the best point marked with *). */
function tableRows(summary: SweepSummary): { header: string[]; rows: string[][] } {
  const header = ['', 'grid point', 'trials', ...(summary.select ? [`valid ${summary.select}`] : []), ...summary.columns.map((key) => `test ${key}`)];
  const rows = summary.points.map((p) => {
    const trials = p.ok === p.trials.length ? String(p.ok) : `${p.ok}/${p.trials.length}${p.failed > 0 ? ` (${p.failed} failed)` : ''}`;
    return [
      summary.best?.index === p.index ? '*' : '',
      p.label,
      trials,
      ...(summary.select ? [cell(p.valid)] : []),
      ...summary.columns.map((key) => cell(p.test[key])),
    ];
  });
  return { header, rows };
}

/** The best point's test metrics as metric × cut-off rows. */
function bestTestRows(summary: SweepSummary): { header: string[]; rows: string[][] } | null {
  if (!summary.best) return null;
  const keys = Object.keys(summary.best.test);
  const metrics = [...new Set(keys.map((key) => key.slice(0, key.indexOf('@'))))];
  const cutoffs = [...new Set(keys.map((key) => Number(key.slice(key.indexOf('@') + 1))))].sort((a, b) => a - b);
  const test = summary.best.test;
  return {
    header: ['metric', ...cutoffs.map((c) => `@${c}`)],
    rows: metrics.map((m) => [m, ...cutoffs.map((c) => cell(test[`${m}@${c}`]))]),
  };
}

/** A table with its first `left` columns aligned left and the rest (numbers) right. */
function plainTable(header: string[], rows: string[][], left: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function markdownTable(header: string[], rows: string[][], left: number): string[] {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map((_, i) => (i < left ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)];
}

function countsLine(summary: SweepSummary): string {
  const t = summary.trials;
  return `${t.total} trials: ${t.ok} finished${t.failed > 0 ? `, ${t.failed} failed` : ''}${t.missing > 0 ? `, ${t.missing} not run` : ''}`;
}

/** The summary for the terminal. */
export function formatSummary(summary: SweepSummary): string {
  const { header, rows } = tableRows(summary);
  const lines = [`sweep ${summary.sweep}: ${countsLine(summary)} (mean±sd over seeds; * = chosen on validation)`, ...plainTable(header, rows, 2), '', summary.best_note];
  const best = bestTestRows(summary);
  if (best) lines.push(`test metrics of ${summary.best?.label}:`, ...plainTable(best.header, best.rows, 1).map((l) => `  ${l}`));
  for (const f of summary.failed) lines.push(`failed: ${f.id} (exit ${f.exit_code}): ${f.error}`);
  if (summary.failed.length > 0) lines.push('(failed trials are not run again unless the sweep is given --retry-failed)');
  return lines.join('\n');
}

/** The summary as Markdown (summary.md). */
export function markdownSummary(summary: SweepSummary): string {
  const { header, rows } = tableRows(summary);
  const lines = [
    `# Sweep ${summary.sweep}`,
    '',
    `${countsLine(summary)}. Output folder: \`${summary.out}\`. Cells are mean±sd over seeds; \`*\` marks the grid point chosen on the validation part.`,
    '',
    ...markdownTable(header, rows, 2),
    '',
    summary.best_note.charAt(0).toUpperCase() + summary.best_note.slice(1) + '.',
  ];
  const best = bestTestRows(summary);
  if (best) lines.push('', `Test metrics of ${summary.best?.label}:`, '', ...markdownTable(best.header, best.rows, 1));
  if (summary.failed.length > 0) {
    lines.push('', '## Failed trials', '', ...summary.failed.map((f) => `- \`${f.id}\` (exit ${f.exit_code}): ${f.error}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes OUT/summary.json and OUT/summary.md, each through a temporary file and a rename. */
export function writeSummary(out: string, summary: SweepSummary): void {
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(join(out, 'summary.md'), markdownSummary(summary));
}
