import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrecInProcess } from '../helpers/cli';
import { findRunFolders } from '../../src/reproduce/runs-table';
import { writeReports } from '../../src/reproduce/report';
import type { TableSpec } from '../../src/reproduce/tables';

const PROTOCOL = { candidates: 'full', excludeHistory: true, cutoffs: [10], metrics: ['hr@10', 'ndcg@10'], description: 'full ranking over 50 items, history excluded, cut-offs 10' };

/** A finished run folder as `memrec train` leaves it, as far as `table` reads it: metrics.json and per_user_test.tsv. */
interface RunChanges {
  seed?: number;
  users?: string[];
  cutoffs?: number[];
  targetsInHistory?: { count: number; of: number; kept: boolean };
}

function writeRun(dir: string, model: string, hr: number[], ndcg: number[], changes: RunChanges = {}): string {
  mkdirSync(dir, { recursive: true });
  const users = changes.users ?? hr.map((_, k) => `u${k}`);
  const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
  const metrics = {
    format: 'memrec-metrics/1',
    model,
    dataset: { source: 'synthetic', name: 'synthetic', stats: { users: users.length }, malformed_rows: 0 },
    split: { method: 'leave_one_out', repeats: 1, interactions: {} },
    seed: changes.seed ?? 1,
    protocol: { ...PROTOCOL, ...(changes.cutoffs ? { cutoffs: changes.cutoffs } : {}) },
    results: {
      test: {
        users: users.length,
        protocol: PROTOCOL.description,
        means: { 'hr@10': mean(hr), 'ndcg@10': mean(ndcg) },
        ...(changes.targetsInHistory ? { targets_in_history: changes.targetsInHistory } : {}),
      },
    },
    environment: {},
    run: { id: model, started_at: '', finished_at: '', wall_seconds: 0 },
  };
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics));
  const lines = ['# test: full ranking', 'user\thr@10\tndcg@10', ...users.map((u, k) => `${u}\t${hr[k]}\t${ndcg[k]}`)];
  writeFileSync(join(dir, 'per_user_test.tsv'), `${lines.join('\n')}\n`);
  return dir;
}

// eight users; C is the best on both metrics, B the worst
const HR = { A: [1, 0, 1, 1, 0, 1, 0, 1], B: [0, 0, 1, 0, 0, 1, 0, 0], C: [1, 1, 1, 1, 0, 1, 1, 1] };
const NDCG = { A: [0.5, 0, 0.4, 0.6, 0, 0.3, 0, 1], B: [0, 0, 0.3, 0, 0, 0.5, 0, 0], C: [0.6, 0.3, 0.5, 0.5, 0, 0.4, 0.2, 1] };

function threeRuns(root: string): string[] {
  return (['A', 'B', 'C'] as const).map((name) => writeRun(join(root, `run-${name}`), `model_${name.toLowerCase()}`, HR[name], NDCG[name]));
}

test('table: one row per run, the best in bold, the statistics against the proposed row, Holm over the table', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-'));
  const runs = threeRuns(root);
  const result = await memrecInProcess(['table', ...runs, '--proposed', 'model_a', '--out', join(root, 'out', 'table')]);
  assert.equal(result.status, 0, result.stderr);
  const markdown = readFileSync(join(root, 'out', 'table.md'), 'utf8');
  const written = ['table.md', 'table.csv', 'table-tests.csv', 'table.html'].map((file) => join(root, 'out', file));
  assert.equal(result.stdout, `${markdown}written: ${written.join(', ')}\n`);
  // B against the best C on HR@10: p 0.011 uncorrected, 0.067 after Holm over the table's six comparisons, so B
  // is marked not significantly different from the best (≈)
  assert.match(markdown, /\| hr@10 \| model_b \| 0\.2500 \[0\.0000, 0\.5000\] ≈ \| -0\.3750 \[-0\.7500, -0\.1250\] \| 0\.080 \(0\.32\) \| 0\.083 \(0\.29\) \| 0\.011 \(0\.067\) \|/);
  // means by hand: HR 5/8, 2/8, 7/8; NDCG 2.8/8, 0.8/8, 3.5/8
  assert.match(markdown, /\| model \| hr@10 \| ndcg@10 \|\n\|---\|---\|---\|\n\| model_a \| 0\.625 ≈ \| 0\.350 ≈ \|\n\| model_b \| 0\.250 ≈ \| 0\.100 ≈ \|\n\| model_c \| \*\*0\.875\*\* \| \*\*0\.438\*\* \|/);
  assert.match(markdown, /Per-user statistics on the test part: 8 users, seed 1\. .*each model minus model_a \(the proposed model\).*over the 6 comparisons of this table/);
  // per metric: B and C against A, then B against the best C
  const tests = readFileSync(join(root, 'out', 'table-tests.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  assert.deepEqual(tests.map((f) => `${f[3]} ${f[4]}-${f[5]}`), ['hr@10 model_b-model_a', 'hr@10 model_c-model_a', 'hr@10 model_b-model_c', 'ndcg@10 model_b-model_a', 'ndcg@10 model_c-model_a', 'ndcg@10 model_b-model_c']);
  // differences by hand: HR (2 - 5)/8, (7 - 5)/8, (2 - 7)/8
  assert.deepEqual(tests.slice(0, 3).map((f) => Number(f[6])), [-0.375, 0.25, -0.625]);
  // Holm by hand from the printed p-values: the k-th smallest of 6 times (6 - k), a running maximum, at most 1
  const tP = tests.map((f) => Number(f[10]));
  const order = tP.map((_, i) => i).sort((i, j) => tP[i] - tP[j]);
  let running = 0;
  const holm: number[] = [];
  order.forEach((i, k) => (holm[i] = Math.min(1, (running = Math.max(running, (6 - k) * tP[i])))));
  tests.forEach((f, i) => assert.ok(Math.abs(Number(f[11]) - holm[i]) < 1e-12, `${f[3]} ${f[4]}: ${f[11]} against ${holm[i]}`));
  // the HTML: the best cell highlighted, bars with an axis and the 95% interval written after each value
  const html = readFileSync(join(root, 'out', 'table.html'), 'utf8');
  assert.match(html, /<td class="best">0\.875<\/td>/);
  assert.match(html, /<text [^>]*font-weight="bold">0\.8750 \[0\.\d{4}, 1\.0000\]<\/text>/);
  assert.match(html, /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">0\.0<\/text>/);
  // the same call gives the same table: the bootstrap is seeded
  const again = await memrecInProcess(['table', ...runs, '--proposed', 'model_a']);
  assert.equal(again.stdout, markdown);
});

test('table --runs DIR: every finished run under it, moved-aside trials left out; rows of one model are told apart by their trials', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-runs-'));
  const sweep = join(root, 'sweep');
  writeRun(join(sweep, 'trials', 'lr=0.01_s1_aaaa', 'run1'), 'bpr', HR.A, NDCG.A);
  writeRun(join(sweep, 'trials', 'lr=0.1_s1_bbbb', 'run2'), 'bpr', HR.B, NDCG.B);
  writeRun(join(sweep, 'trials', 'lr=0.1_s1_bbbb.incomplete-1', 'run3'), 'bpr', HR.C, NDCG.C);
  mkdirSync(join(sweep, 'trials', 'empty'), { recursive: true });
  assert.deepEqual(findRunFolders(sweep), [join(sweep, 'trials', 'lr=0.01_s1_aaaa', 'run1'), join(sweep, 'trials', 'lr=0.1_s1_bbbb', 'run2')]);
  const result = await memrecInProcess(['table', '--runs', sweep, '--metrics', 'ndcg@10']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /\| bpr lr=0\.01_s1_aaaa \| \*\*0\.350\*\* \|\n\| bpr lr=0\.1_s1_bbbb \| 0\.100 ≈ \|/);
  assert.match(result.stdout, /no proposed model \(each model is tested against the best only\)/);
  const empty = await memrecInProcess(['table', '--runs', join(sweep, 'trials', 'empty')]);
  assert.ok(isOneLineError(empty, 2), empty.stderr);
  assert.match(empty.stderr, /--runs .*empty: no finished run folder \(one with metrics\.json\) under it/);
});

test('table NAME=DIR: a row takes the name given; --proposed refers to it; two rows of one name are a usage error', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-names-'));
  const a = writeRun(join(root, 'a'), 'sasrec', HR.A, NDCG.A);
  const b = writeRun(join(root, 'b'), 'sasrec', HR.B, NDCG.B);
  const c = writeRun(join(root, 'c=2'), 'gru4rec', HR.C, NDCG.C);
  const result = await memrecInProcess(['table', `SASRec*=${a}`, `SASRec=${b}`, c, '--proposed', 'SASRec', '--metrics', 'hr@10']);
  assert.equal(result.status, 0, result.stderr);
  // a folder whose name holds '=' is still a folder; 5/8, 2/8, 7/8 as in the first test
  assert.match(result.stdout, /\| SASRec\* \| 0\.625 ≈ \|\n\| SASRec \| 0\.250 \|\n\| gru4rec \| \*\*0\.875\*\* \|/);
  assert.match(result.stdout, /each model minus SASRec \(the proposed model\)/);
  const twice = await memrecInProcess(['table', `X=${a}`, `X=${b}`]);
  assert.ok(isOneLineError(twice, 2), twice.stderr);
  assert.match(twice.stderr, /two rows are named X: give each run its own NAME=DIR/);
});

test('table refuses runs that cannot be paired and says what differs; compare says the same', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-refuse-'));
  const [a] = threeRuns(root);
  const seed2 = writeRun(join(root, 'seed2'), 'model_s', HR.B, NDCG.B, { seed: 2 });
  const cutoffs = writeRun(join(root, 'cutoffs'), 'model_k', HR.B, NDCG.B, { cutoffs: [10, 20] });
  const users = writeRun(join(root, 'users'), 'model_u', HR.B, NDCG.B, { users: HR.B.map((_, k) => `v${k}`) });
  for (const [other, message] of [
    [seed2, `${a} and ${seed2} differ in seed \\(1 against 2\\); their users cannot be paired`],
    [cutoffs, `differ in protocol \\(cutoffs \\[10\\] against \\[10,20\\]\\)`],
    [users, `${a} and ${users} evaluated different users`],
  ]) {
    for (const args of [['table', a, other], ['compare', a, other]]) {
      const result = await memrecInProcess(args);
      assert.ok(isOneLineError(result, 1), `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(message), args.join(' '));
    }
  }
  const proposed = await memrecInProcess(['table', a, join(root, 'run-B'), '--proposed', 'model_x']);
  assert.ok(isOneLineError(proposed, 2), proposed.stderr);
  assert.match(proposed.stderr, /--proposed model_x: not a row of the table \(its rows: model_a, model_b\)/);
  const metric = await memrecInProcess(['table', a, '--metrics', 'mrr@10']);
  assert.ok(isOneLineError(metric, 2), metric.stderr);
  assert.match(metric.stderr, /--metrics mrr@10: not in .*run-A \(it has hr@10, ndcg@10\)/);
});

test('a table whose rows ran different seeds: each row averages its own, a comparison the seeds both rows ran, and the report says so', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-seeds-'));
  // A's seed 2 misses user 0's hit: A averages 9/16 over both seeds, 5/8 on seed 1
  const a2 = { hr: [0, 0, 1, 1, 0, 1, 0, 1], ndcg: [0, 0, 0.4, 0.6, 0, 0.3, 0, 1] };
  const runs: Record<string, string[]> = {
    model_a: [writeRun(join(root, 'a1'), 'model_a', HR.A, NDCG.A), writeRun(join(root, 'a2'), 'model_a', a2.hr, a2.ndcg, { seed: 2 })],
    model_b: [writeRun(join(root, 'b1'), 'model_b', HR.B, NDCG.B), writeRun(join(root, 'b2'), 'model_b', HR.B, NDCG.B, { seed: 2 })],
    model_c: [writeRun(join(root, 'c1'), 'model_c', HR.C, NDCG.C, { targetsInHistory: { count: 3, of: 8, kept: true } })],
  };
  const metrics = ['hr@10', 'ndcg@10'];
  const table: TableSpec = {
    paper: 'memrec',
    id: 'seeds',
    title: 'rows of different seeds',
    metrics,
    primary: 'hr@10',
    scale: 1,
    columns: [{ key: 'synthetic', published: null, preset: '', files: [] }],
    rows: Object.keys(runs).map((label) => ({ label, model: label, baseline: label !== 'model_a' })),
    sets: [],
    quickSets: [],
    published: () => null,
    proposed: ['model_a'],
  };
  const cells = Object.fromEntries(Object.entries(runs).map(([label, dirs]) => [label, { kind: 'ok' as const, test: Object.fromEntries(metrics.map((m) => [m, { mean: 0, sd: null, n: dirs.length }])), runDirs: dirs }]));
  mkdirSync(join(root, 'out'));
  const { markdown } = writeReports(table, [{ column: table.columns[0], file: 'generated', cells }], join(root, 'out'), 'header');
  assert.match(markdown, /8 users, each user's value averaged over the seeds its row ran \(seeds 1, 2; model_c seed 1\), and in a comparison over the seeds both rows ran\./);
  // the column's first run (model_a's) predates the count: no line; the count is read from the first run only
  assert.doesNotMatch(markdown, /Repeats:/);
  const counted = { ...cells, model_a: { ...cells.model_a, runDirs: [runs.model_c[0]] } };
  mkdirSync(join(root, 'out-counted'));
  const again = writeReports(table, [{ column: table.columns[0], file: 'generated', cells: counted }], join(root, 'out-counted'), 'header');
  assert.match(again.markdown, /\nRepeats: 3 of 8 test targets \(37\.5%\) were in the user's history: they stay candidates \(eval\.keep_targets\)/);
  assert.match(readFileSync(join(root, 'out-counted', 'memrec-seeds.html'), 'utf8'), /<b>Repeats:<\/b> 3 of 8 test targets/);
  const tests = readFileSync(join(root, 'out', 'memrec-seeds-tests.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const hr = tests.filter((f) => f[3] === 'hr@10').map((f) => [`${f[4]}-${f[5]}`, Number(f[6]), f[15]]);
  // by hand: B - A over seeds 1 and 2, 4/16 - 9/16; C - A and B - C over seed 1, (7 - 5)/8 and (2 - 7)/8
  assert.deepEqual(hr, [
    ['model_b-model_a', -0.3125, '1 2'],
    ['model_c-model_a', 0.25, '1'],
    ['model_b-model_c', -0.625, '1'],
  ]);
});

test('table: a run over repeated random splits shows mean ± sd over its splits, as reproduce does; its users are paired per split', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-table-splits-'));
  // two splits of four users each: split 0 from the first half of HR/NDCG, split 1 from the second
  const twoSplits = (name: 'A' | 'B') => {
    const dir = writeRun(join(root, `run-${name}`), `model_${name.toLowerCase()}`, HR[name], NDCG[name]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const half = (values: number[], k: number) => values.slice(4 * k, 4 * k + 4);
    const mean = (values: number[]) => values.reduce((a, v) => a + v, 0) / values.length;
    metrics.split.repeats = 2;
    metrics.results.test.per_repeat = [0, 1].map((k) => ({ 'hr@10': mean(half(HR[name], k)), 'ndcg@10': mean(half(NDCG[name], k)) }));
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics));
    for (const k of [0, 1]) {
      const lines = ['# test', 'user\thr@10\tndcg@10', ...half(HR[name], k).map((hr, u) => `u${u}\t${hr}\t${half(NDCG[name], k)[u]}`)];
      writeFileSync(join(dir, `per_user_test-r${k}.tsv`), `${lines.join('\n')}\n`);
    }
    return dir;
  };
  const result = await memrecInProcess(['table', twoSplits('A'), twoSplits('B'), '--metrics', 'hr@10']);
  assert.equal(result.status, 0, result.stderr);
  // A: splits 3/4 and 2/4, mean 0.625, sd sqrt(2 x 0.125^2) = 0.177; B: 1/4 and 1/4, sd 0
  assert.match(result.stdout, /\| model_a \| \*\*0\.625 ± 0\.177\*\* \|\n\| model_b \| 0\.250 ± 0\.000 ≈ \|/);
  assert.match(result.stdout, /Cells: mean ± sd over the 2 random splits, as `memrec reproduce`\./);
  assert.match(result.stdout, /Per-user statistics on the test part: 8 users, seed 1\./);
});
