import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic';
import { compareRuns } from '../run/compare-runs';
import type { ColumnOutcome } from './run';
import type { TableSpec } from './tables';
import { UsageError } from '../util/errors';
import { svgDocument, text, ticksUpTo } from './svg';
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

interface ColumnReport {
  readonly outcome: ColumnOutcome;
  readonly cells: Cell[];
  /** the marks under the column's table: best-model disagreement, significance */
  readonly marks: string[];
}

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

/** Our best row against the paper's, and whether our best model beats our best baseline significantly. */
function marksOf(table: TableSpec, outcome: ColumnOutcome, cells: Cell[]): string[] {
  const primary = cells.filter((c) => c.metric === table.primary);
  const best = (list: Cell[], value: (c: Cell) => number | null) =>
    list.filter((c) => value(c) !== null).reduce<Cell | null>((a, c) => (a === null || (value(c) as number) > (value(a) as number) ? c : a), null);
  const oursBest = best(primary, (c) => c.ours);
  const paperBest = best(primary, (c) => c.paper);
  const marks: string[] = [];
  if (oursBest && paperBest && oursBest.row !== paperBest.row) {
    marks.push(`≠ our best on ${table.primary} is ${oursBest.row}; the paper's is ${paperBest.row}`);
  }
  const isBaseline = (label: string) => table.rows.find((r) => r.label === label)?.baseline ?? true;
  const bestModel = best(primary.filter((c) => !isBaseline(c.row)), (c) => c.ours);
  const bestBaseline = best(primary.filter((c) => isBaseline(c.row)), (c) => c.ours);
  if (bestModel && bestBaseline) {
    const a = outcome.cells[bestModel.row];
    const b = outcome.cells[bestBaseline.row];
    if (a.kind === 'ok' && b.kind === 'ok') {
      const test = compareRuns(a.runDirs[0], b.runDirs[0], 'test', table.primary);
      const verdict = test.tTest.pValue < 0.05 ? 'significant' : 'n.s. (not significant)';
      marks.push(
        `${bestModel.row} vs the best baseline ${bestBaseline.row} on ${table.primary} (first seed, paired t-test over ${test.n} users): difference ${(test.meanDifference * table.scale).toFixed(4)}, p = ${test.tTest.pValue.toPrecision(3)}, ${verdict}`,
      );
    }
  }
  return marks;
}

const fmt = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

function markdown(table: TableSpec, reports: ColumnReport[], header: string): string {
  const lines = [`# ${table.title}`, '', header, ''];
  for (const { outcome, cells, marks } of reports) {
    lines.push(`## ${outcome.column.key}`, '');
    if (outcome.column.note) lines.push(`Note: ${outcome.column.note}.`, '');
    lines.push(outcome.file ? `Data: \`${outcome.file}\`, preset \`${outcome.column.preset}\`.` : `Data: not available (${outcome.column.files.join(' or ')}).`, '');
    lines.push(`| model | ${table.metrics.map((m) => `${m} ours | paper | ours/paper − 1`).join(' | ')} |`, `|---|${table.metrics.map(() => '---|---|---|').join('')}`);
    for (const row of table.rows) {
      const rowCells = cells.filter((c) => c.row === row.label);
      const why = rowCells[0].why;
      const ours = (c: Cell) => (c.ours === null ? '–' : `${fmt(c.ours)}${c.sd === null ? '' : ` ± ${fmt(c.sd)}`}`);
      lines.push(`| ${row.label}${why ? ` (${why})` : ''} | ${rowCells.map((c) => `${ours(c)} | ${fmt(c.paper)} | ${pct(c.relative)}`).join(' | ')} |`);
    }
    lines.push('', ...marks.map((m) => `- ${m}`), '', ...settingsLines(table, outcome));
  }
  return lines.join('\n');
}

function csv(table: TableSpec, reports: ColumnReport[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ['paper,table,column,model,metric,ours_mean,ours_sd,seeds,paper_value,relative_difference,note'];
  for (const { outcome, cells } of reports) {
    for (const c of cells) {
      lines.push([table.paper, table.id, outcome.column.key, c.row, c.metric, c.ours ?? '', c.sd ?? '', c.seeds, c.paper ?? '', c.relative ?? '', c.why ?? ''].map((v) => quote(String(v))).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar chart of ours (blue) against the paper's (grey) for one metric of one column. */
function barChart(table: TableSpec, metric: string, cells: Cell[]): string {
  const rows = table.rows.map((r) => cells.find((c) => c.row === r.label && c.metric === metric) as Cell);
  const top = Math.max(1e-12, ...rows.flatMap((c) => [c.ours ?? 0, c.paper ?? 0]));
  const width = 360;
  const bars = rows.map((c, k) => {
    const y = 20 + k * 28;
    const bar = (value: number | null, dy: number, colour: string) =>
      value === null ? '' : `<rect x="110" y="${y + dy}" width="${((value / top) * width).toFixed(1)}" height="11" fill="${colour}"><title>${value.toFixed(4)}</title></rect>`;
    return `<text x="105" y="${y + 14}" text-anchor="end" font-size="11">${escapeHtml(c.row)}</text>${bar(c.ours, 0, '#2b6cb0')}${bar(c.paper, 12, '#a0aec0')}`;
  });
  const height = 30 + rows.length * 28;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 130}" height="${height}" role="img"><text x="0" y="12" font-size="12" font-weight="bold">${escapeHtml(metric)}: ours (blue), paper (grey)</text>${bars.join('')}</svg>`;
}

function html(table: TableSpec, reports: ColumnReport[], header: string): string {
  const parts = [`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(table.title)}</title>`,
    '<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child{text-align:left}</style></head><body>',
    `<h1>${escapeHtml(table.title)}</h1><p>${escapeHtml(header)}</p>`];
  for (const { outcome, cells, marks } of reports) {
    parts.push(`<h2>${escapeHtml(outcome.column.key)}</h2>`);
    if (outcome.column.note) parts.push(`<p><b>Note:</b> ${escapeHtml(outcome.column.note)}.</p>`);
    parts.push('<table><tr><th>model</th>', ...table.metrics.map((m) => `<th>${escapeHtml(m)} ours</th><th>paper</th><th>ours/paper − 1</th>`), '</tr>');
    for (const row of table.rows) {
      const rowCells = cells.filter((c) => c.row === row.label);
      const why = rowCells[0].why;
      parts.push(`<tr><td>${escapeHtml(row.label)}${why ? ` <small>(${escapeHtml(why)})</small>` : ''}</td>`);
      for (const c of rowCells) parts.push(`<td>${c.ours === null ? '–' : fmt(c.ours) + (c.sd === null ? '' : ` ± ${fmt(c.sd)}`)}</td><td>${fmt(c.paper)}</td><td>${pct(c.relative)}</td>`);
      parts.push('</tr>');
    }
    parts.push('</table>', `<ul>${marks.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`);
    if (cells.some((c) => c.ours !== null)) parts.push(...table.metrics.map((m) => barChart(table, m, cells)));
  }
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

/**
 * A --quick table (one seed, 2 epochs) must never replace a full one: refuses, before anything runs, a tables
 * folder whose Markdown table of `table` was written without --quick.
 */
export function refuseOverFullTable(table: TableSpec, outDir: string): void {
  const file = `${tableBase(table, outDir)}.md`;
  if (!existsSync(file)) return;
  if (!readFileSync(file, 'utf8').includes(`memrec reproduce --paper ${table.paper} --quick:`)) {
    throw new UsageError(`--quick --tables ${outDir}: ${file} is a full table, which a --quick run must not replace; give another --tables folder (the default for --quick is results/tables-quick)`);
  }
}

/** Writes <outDir>/<paper>-<table>.{md,csv,html} (and .svg for a figure); returns the Markdown and the files. */
export function writeReports(table: TableSpec, outcomes: ColumnOutcome[], outDir: string, header: string): { markdown: string; files: string[] } {
  const reports = outcomes.map((outcome) => {
    const cells = cellsOf(table, outcome);
    return { outcome, cells, marks: marksOf(table, outcome, cells) };
  });
  const base = tableBase(table, outDir);
  const written = markdown(table, reports, header);
  writeFileAtomic(`${base}.md`, written);
  writeFileAtomic(`${base}.csv`, csv(table, reports));
  writeFileAtomic(`${base}.html`, html(table, reports, header));
  const files = [`${base}.md`, `${base}.csv`, `${base}.html`];
  if (table.series) {
    writeFileAtomic(`${base}.svg`, seriesSvg(table, reports));
    files.push(`${base}.svg`);
  }
  return { markdown: written, files };
}
