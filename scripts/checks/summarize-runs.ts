/**
 * Summarises finished run folders as markdown for docs/checks.md: per run the model, data, epochs, wall
 * time, test HR@10 / NDCG@10 under the run's protocol and (when `full-ranking.json` from
 * `memrec eval --run --set eval.candidates=full --json` sits beside it) under full ranking, and the
 * learning curve read from the run's log.
 *
 * Usage: node dist/scripts/checks/summarize-runs.js RUN_DIR...
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Means {
  [key: string]: number;
}

function testMeans(file: string): Means | null {
  if (!existsSync(file)) return null;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { results: { test?: { means: Means } } };
  return json.results.test?.means ?? null;
}

const fmt = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));

function summarise(dir: string): string {
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  const sampled = testMeans(join(dir, 'metrics.json'));
  const full = testMeans(join(dir, 'full-ranking.json'));
  const curve = readFileSync(join(dir, 'log.txt'), 'utf8')
    .split('\n')
    .filter((line) => /^epoch \d+\/\d+: loss/.test(line));
  const stats = metrics.dataset.stats;
  return [
    `### ${metrics.model} on ${metrics.dataset.name}`,
    '',
    `- data: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions; run \`${metrics.run.id}\`, backend ${metrics.environment.backend}, commit ${String(metrics.environment.git_commit).slice(0, 10)}`,
    `- ${curve.length} epochs, ${(metrics.run.wall_seconds / 60).toFixed(1)} min wall time in all`,
    `- test under ${metrics.protocol.description}: HR@10 ${fmt(sampled?.['hr@10'])}, NDCG@10 ${fmt(sampled?.['ndcg@10'])}`,
    `- test under full ranking (history excluded): HR@10 ${fmt(full?.['hr@10'])}, NDCG@10 ${fmt(full?.['ndcg@10'])}`,
    '',
    '```',
    ...curve,
    '```',
    '',
  ].join('\n');
}

process.stdout.write(process.argv.slice(2).map(summarise).join('\n'));
