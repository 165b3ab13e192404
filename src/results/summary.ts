import type { EvalResult } from '../eval/evaluate';
import type { MetricAt } from '../eval/metrics';

/** One part's (valid or test) means over its users, and over repeats when there are several. */
export interface PartSummary {
  users: number;
  protocol: string;
  means: Record<string, number>;
  /** standard deviation over repeats (sample, n-1), present when repeats > 1 */
  std?: Record<string, number>;
  /** each repeat's means, present when repeats > 1 */
  per_repeat?: Record<string, number>[];
}

/** Summarises one part across repeats. */
export function summarisePart(protocol: string, results: EvalResult[]): PartSummary {
  const keys = Object.keys(results[0].means);
  if (results.length === 1) return { users: results[0].users.length, protocol, means: results[0].means };
  const means: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of keys) {
    const values = results.map((r) => r.means[key]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    means[key] = m;
    std[key] = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
  }
  return {
    users: results.reduce((a, r) => a + r.users.length, 0) / results.length,
    protocol,
    means,
    std,
    per_repeat: results.map((r) => r.means),
  };
}

/** A metrics table: one row per metric, one column per cut-off. */
export function formatTable(title: string, summary: PartSummary, metrics: readonly MetricAt[]): string {
  const names = [...new Set(metrics.map((m) => m.metric))];
  const cutoffs = [...new Set(metrics.map((m) => m.cutoff))];
  const cell = (key: string) => {
    const value = summary.means[key];
    if (value === undefined) return '';
    const std = summary.std?.[key];
    return std === undefined ? value.toFixed(4) : `${value.toFixed(4)}±${std.toFixed(4)}`;
  };
  const header = ['metric', ...cutoffs.map((c) => `@${c}`)];
  const rows = names.map((name) => [name, ...cutoffs.map((c) => cell(`${name}@${c}`))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`${title}`, `  ${summary.protocol}; ${summary.users} users`, line(header), ...rows.map(line)].join('\n');
}
