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
  /**
   * full ranking with the history excluded: the distinct targets that were in the user's history, of all
   * (summed over repeats), and whether they stayed candidates (eval.keep_targets)
   */
  targets_in_history?: { count: number; of: number; kept: boolean };
}

/** The repeats' targets-in-history counts summed, when the protocol measured them. */
function targetsInHistoryOf(results: EvalResult[]): Pick<PartSummary, 'targets_in_history'> {
  const first = results[0].targetsInHistory;
  if (!first) return {};
  const sum = (pick: (t: { count: number; of: number }) => number) => results.reduce((a, r) => a + (r.targetsInHistory ? pick(r.targetsInHistory) : 0), 0);
  return { targets_in_history: { count: sum((t) => t.count), of: sum((t) => t.of), kept: first.kept } };
}

/** The line under a table's protocol that says how many targets the user had before, and what became of them. */
function targetsInHistoryLine(summary: PartSummary): string[] {
  const t = summary.targets_in_history;
  if (!t || t.count === 0) return [];
  const share = `${t.count} of ${t.of} targets (${((100 * t.count) / t.of).toFixed(1)}%) were in the user's history`;
  return [
    t.kept
      ? `  ${share}: kept as candidates, each the only history item among them (eval.keep_targets)`
      : `  ${share}: removed with it, they cannot be hit (eval.keep_targets: false)`,
  ];
}

/** Summarises one part across repeats. */
export function summarisePart(protocol: string, results: EvalResult[]): PartSummary {
  const keys = Object.keys(results[0].means);
  if (results.length === 1) return { users: results[0].users.length, protocol, means: results[0].means, ...targetsInHistoryOf(results) };
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
    ...targetsInHistoryOf(results),
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
  return [`${title}`, `  ${summary.protocol}; ${summary.users} users`, ...targetsInHistoryLine(summary), line(header), ...rows.map(line)].join('\n');
}
