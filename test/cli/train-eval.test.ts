import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrec, memrecInProcess } from '../helpers/cli';
import { nativeSkipReason } from '../helpers/native';

const OUT = mkdtempSync(join(tmpdir(), 'memrec-cli-'));
const SMALL = ['--backend', 'cpu', '--quiet', '--set', 'data.synthetic.num_users=150', '--set', 'data.synthetic.num_items=120'];

/** Trains with the small synthetic data into its own output folder; returns the run folder. */
function train(label: string, ...sets: string[]): string {
  const dir = join(OUT, label);
  const result = memrec(['train', ...SMALL, '--set', `output.dir=${dir}`, ...sets.flatMap((s) => ['--set', s])]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /: test\n/);
  const runs = readdirSync(dir);
  assert.equal(runs.length, 1);
  return join(dir, runs[0]);
}

const withoutRunSection = (file: string) => {
  const metrics = JSON.parse(readFileSync(file, 'utf8'));
  delete metrics.run;
  return JSON.stringify(metrics, null, 2);
};

test('same config and seed twice: identical metrics.json apart from the run section, identical per-user values', () => {
  const a = train('det-a', 'model.name=ppop', 'eval.candidates=sampled', 'eval.num_negatives=20');
  const b = train('det-b', 'model.name=ppop', 'eval.candidates=sampled', 'eval.num_negatives=20');
  assert.equal(withoutRunSection(join(a, 'metrics.json')), withoutRunSection(join(b, 'metrics.json')));
  assert.equal(readFileSync(join(a, 'per_user_test.tsv'), 'utf8'), readFileSync(join(b, 'per_user_test.tsv'), 'utf8'));
  const metrics = JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8'));
  assert.equal(metrics.environment.backend, 'cpu');
  assert.equal(metrics.protocol.candidates, 'sampled');
  assert.equal(metrics.results.test.users, 150);
  assert.ok(metrics.run.wall_seconds >= 0);
});

test('a full-ranking run with the history excluded records how many test targets the users had before', () => {
  const run = train('repeats', 'model.name=mostpop', 'eval.keep_targets=true');
  const test = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).results.test;
  // leave-one-out: one target a user; the dense synthetic data repeats many of them
  assert.equal(test.targets_in_history.of, 150);
  assert.equal(test.targets_in_history.kept, true);
  assert.ok(test.targets_in_history.count > 0);
  // an independent route: with the repeated targets removed, every other target is ranked within the 120 items
  const dropped = memrec(['eval', '--run', run, '--quiet', '--json', '--set', 'eval.keep_targets=false', '--metrics', 'hr@120']);
  assert.equal(dropped.status, 0, dropped.stderr);
  const droppedTest = JSON.parse(dropped.stdout).results.test;
  assert.ok(Math.abs(droppedTest.means['hr@120'] - (1 - test.targets_in_history.count / 150)) < 1e-12);
  assert.deepEqual(droppedTest.targets_in_history, { ...test.targets_in_history, kept: false });
  const sampled = memrec(['eval', '--run', run, '--quiet', '--json', '--set', 'eval.candidates=sampled', '--set', 'eval.num_negatives=20']);
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.equal(JSON.parse(sampled.stdout).results.test.targets_in_history, undefined);
});

test('a different seed moves the split and the numbers', () => {
  const a = train('seed-a', 'seed=1');
  const b = train('seed-b', 'seed=2');
  assert.notEqual(withoutRunSection(join(a, 'metrics.json')), withoutRunSection(join(b, 'metrics.json')));
});

test('memrec eval --run recomputes the saved metrics digit for digit (full and sampled, from a trained checkpoint)', () => {
  for (const sets of [
    ['model.name=mostpop'],
    ['model.name=ppop', 'eval.candidates=sampled', 'eval.num_negatives=30'],
    ['model.name=fpmc', 'train.epochs=2', 'model.dim=8'],
  ]) {
    const run = train(`reeval-${sets[0].slice("model.name=".length)}`, ...sets);
    const result = memrec(['eval', '--run', run, '--quiet']);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /all \d+ values identical to the saved metrics\.json/);
  }
});

test('memrec eval --run reports a tampered metrics.json and exits 1', () => {
  const run = train('tamper', 'model.name=mostpop');
  const file = join(run, 'metrics.json');
  const metrics = JSON.parse(readFileSync(file, 'utf8'));
  metrics.results.test.means['ndcg@10'] += 0.01;
  writeFileSync(file, JSON.stringify(metrics));
  const result = memrec(['eval', '--run', run, '--quiet']);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /test ndcg@10: saved .*, recomputed/);
});

test('memrec compare pairs two runs on the same protocol and refuses runs on different ones', () => {
  const ppop = train('cmp-ppop', 'model.name=ppop', 'eval.exclude_history=false');
  const mostpop = train('cmp-mostpop', 'model.name=mostpop', 'eval.exclude_history=false');
  const result = memrec(['compare', ppop, mostpop, '--metric', 'hr@10']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /hr@10 on test, 150 paired users/);
  assert.match(result.stdout, /paired t-test: t = .*, df = 149, p = /);
  assert.match(result.stdout, /Wilcoxon signed-rank/);
  const other = train('cmp-other', 'model.name=mostpop', 'eval.exclude_history=true');
  const refused = memrec(['compare', ppop, other]);
  assert.ok(isOneLineError(refused, 1), refused.stderr);
  assert.match(refused.stderr, /differ in protocol/);
});

test('output.rankings writes a TREC run and qrels that memrec eval --rankings scores exactly as the run did', () => {
  // mostpop ties many items; the written scores must still reorder exactly as ranked
  const run = train('rankings', 'model.name=mostpop', 'output.rankings=true');
  const lines = readFileSync(join(run, 'rankings.trec'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 150 * 20);
  assert.match(lines[0], /^u\d+ Q0 i\d+ 1 \S+ memrec-mostpop$/);
  const keys = ['ndcg@20', 'map@20', 'precision@5', 'mrr@10', 'recall@20'];
  const result = memrec(['eval', '--rankings', join(run, 'rankings.trec'), '--truth', join(run, 'test.qrels'), '--metrics', keys.join(','), '--json']);
  assert.equal(result.status, 0, result.stderr);
  const saved = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).results.test.means;
  assert.deepEqual(JSON.parse(result.stdout), Object.fromEntries(keys.map((key) => [key, saved[key]])));
});

test("a user's mistakes are one line on stderr with exit code 2", async () => {
  const config = join(OUT, 'typo.yaml');
  writeFileSync(config, 'model:\n  nmae: ppop\n');
  const typo = await memrecInProcess(['train', '--config', config]);
  assert.ok(isOneLineError(typo, 2), typo.stderr);
  assert.equal(typo.stderr.trim(), `config error: ${config}:2: model.nmae: unknown key (did you mean model.name?)`);
  for (const args of [
    ['train', '--config', join(OUT, 'missing.yaml')],
    ['train', '--set', 'eval.cutoffs=[0]'],
    ['train', '--backend', 'gpu'],
    ['train', '--no-such-flag'],
    ['eval'],
    ['eval', '--rankings', join(OUT, 'missing.trec'), '--truth', join(OUT, 'missing.qrels'), '--metrics', 'ndcg@10'],
    ['eval', '--run', join(OUT, 'no-run-here')],
    ['compare', OUT, OUT, '--metric', 'auc@3'],
  ]) {
    const result = await memrecInProcess(args);
    assert.ok(isOneLineError(result, 2), `${args.join(' ')}: status ${result.status}, stderr ${result.stderr}`);
  }
});

const tfjsNodeInstalled = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].some((name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
});

test('train.track_test logs the test means at each validation; at the kept last epoch they are the final ones', () => {
  const run = train('track', 'model.name=bpr', 'train.epochs=2', 'train.track_test=true', 'eval.metrics=[ndcg]', 'eval.cutoffs=[10]', 'train.early_stop_metric=hr@5');
  const log = readFileSync(join(run, 'log.txt'), 'utf8');
  const tracked = [...log.matchAll(/^epoch (\d)\/2: .*; test ndcg@10 (\d\.\d{4})$/gm)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(tracked.map(([epoch]) => epoch), [1, 2]);
  const kept = Number(/^kept epoch (\d)/m.exec(log)?.[1]);
  const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
  assert.equal(tracked[kept - 1][1], metrics.results.test.means['ndcg@10'].toFixed(4));
});

test('backend auto passes over a missing tfjs-node and a disabled native module in one line, and records wasm', { skip: tfjsNodeInstalled && 'tfjs-node is installed here' }, () => {
  const dir = join(OUT, 'auto');
  const result = memrec(['train', '--backend', 'auto', '--set', 'data.synthetic.num_users=30', '--set', `output.dir=${dir}`], { MEMREC_NATIVE: 'off' });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('backend:'));
  assert.equal(lines.length, 1, result.stderr);
  // webgpu's reason depends on the machine (no driver, or only a software rasteriser such as llvmpipe)
  assert.match(
    lines[0],
    /^backend: wasm; passed over tensorflow \(@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\); webgpu \((no GPU device [^;]*|the optional npm package webgpu is not installed|the Vulkan loader [^;]*|no Vulkan driver[^;]*|only a software adapter, [^;]*)\); native \(disabled by MEMREC_NATIVE=off\)$/,
  );
  const metrics = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0], 'metrics.json'), 'utf8'));
  assert.equal(metrics.environment.backend, 'wasm');
  // Dawn's own warnings ("... artificially reduced ...") would mean it was started for a software adapter
  assert.doesNotMatch(result.stderr, /^Warning:/m);
});

test('an explicit backend that cannot start is a one-line error, never a silent fallback', () => {
  const result = memrec(['train', '--backend', 'native', '--set', 'data.synthetic.num_users=30', '--set', `output.dir=${join(OUT, 'no-native')}`], { MEMREC_NATIVE: 'off' });
  assert.ok(isOneLineError(result, 2), result.stderr);
  assert.match(result.stderr, /^error: backend native is not available: disabled by MEMREC_NATIVE=off$/m);
});

test('--backend webgpu without a Vulkan driver is a one-line error naming what is missing, exit 2', () => {
  const result = memrec(['train', '--backend', 'webgpu', '--set', 'data.synthetic.num_users=30', '--set', `output.dir=${join(OUT, 'no-webgpu')}`], { VK_DRIVER_FILES: '/nonexistent/icd.json' });
  assert.ok(isOneLineError(result, 2), result.stderr);
  // which piece is missing depends on the machine: the package (optional), the Vulkan loader, or here the driver
  assert.match(result.stderr, /^error: backend webgpu is not available: (the optional npm package webgpu is not installed|the Vulkan loader \(libvulkan\.so\.1\) is missing|no Vulkan driver: no ICD file)/m);
});

test('backend auto takes the native kernels when they are built', { skip: (tfjsNodeInstalled && 'tfjs-node is installed here') || nativeSkipReason() }, () => {
  const dir = join(OUT, 'auto-native');
  const result = memrec(['train', '--backend', 'auto', '--set', 'data.synthetic.num_users=30', '--set', `output.dir=${dir}`]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /^backend: native; passed over tensorflow \(/m);
  const metrics = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0], 'metrics.json'), 'utf8'));
  assert.equal(metrics.environment.backend, 'native');
});

test('memrec eval --run --set evaluates a saved model under another protocol, drawing the candidates from the run seed', () => {
  const run = train('reprotocol', 'model.name=ppop', 'eval.exclude_history=false');
  const sets = ['--set', 'eval.candidates=sampled', '--set', 'eval.num_negatives=25', '--set', 'eval.cutoffs=[10]'];
  const first = memrec(['eval', '--run', run, '--quiet', ...sets]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /targets \+ 25 uniform negatives, cut-offs 10/);
  assert.match(first.stdout, /not compared with the saved metrics\.json/);
  assert.equal(memrec(['eval', '--run', run, '--quiet', ...sets]).stdout, first.stdout);
  // the sampled protocol trained from scratch draws the same candidates, so it reports the same numbers
  const direct = train('reprotocol-direct', 'model.name=ppop', 'eval.exclude_history=false', 'eval.candidates=sampled', 'eval.num_negatives=25', 'eval.cutoffs=[10]');
  const means = JSON.parse(readFileSync(join(direct, 'metrics.json'), 'utf8')).results.test.means;
  assert.match(first.stdout, new RegExp(`ndcg\\s+${means['ndcg@10'].toFixed(4)}`));
  assert.ok(isOneLineError(memrec(['eval', '--run', run, '--set', 'model.dim=3']), 2));
});

test('memrec eval --run --metrics computes the metrics named, as --set eval.metrics and eval.cutoffs would', () => {
  const run = train('run-metrics', 'model.name=ppop', 'eval.cutoffs=[10]', 'eval.metrics=[ndcg]');
  const named = memrec(['eval', '--run', run, '--quiet', '--json', '--metrics', 'HR@7,ndcg@3']);
  assert.equal(named.status, 0, named.stderr);
  const means = JSON.parse(named.stdout).results.test.means;
  assert.deepEqual(Object.keys(means).sort(), ['hr@3', 'hr@7', 'ndcg@3', 'ndcg@7']);
  const viaSet = memrec(['eval', '--run', run, '--quiet', '--json', '--set', 'eval.metrics=[hr,ndcg]', '--set', 'eval.cutoffs=[7,3]']);
  assert.deepEqual(JSON.parse(viaSet.stdout).results.test.means, means);
  assert.ok(means['hr@7'] >= means['hr@3'] && means['hr@7'] > 0);
  assert.ok(isOneLineError(memrec(['eval', '--run', run, '--metrics', 'hr@7', '--set', 'eval.cutoffs=[5]']), 2));
  assert.ok(isOneLineError(memrec(['eval', '--run', run, '--metrics', 'hits@7']), 2));
});
