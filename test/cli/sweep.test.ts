import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrec, REPO, memrecInProcess } from '../helpers/cli';
import { appendRecord, readIndex, type TrialRecord } from '../../src/sweep/index-file';
import { parseSweepFile } from '../../src/sweep/spec';
import { expandTrials } from '../../src/sweep/trials';

const DIR = mkdtempSync(join(tmpdir(), 'memrec-sweep-'));
after(() => rmSync(DIR, { recursive: true, force: true }));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Tiny synthetic BPR runs: 50 users, one epoch, the cpu backend, no data cache. */
const TINY = `set:
  data.synthetic.num_users: 50
  data.cache_dir: ''
  compute.backend: cpu
  model.name: bpr
  train.epochs: 1
`;

function sweepFile(name: string, text: string): string {
  const file = join(DIR, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const GRID = sweepFile('grid', `${TINY}grid:\n  train.lr: [0.1, 0.01]\n  model.dim: [4, 8]\nseeds: [1, 2]\nselect: ndcg@10\nout: ${join(DIR, 'grid-out')}\n`);
const GRID_OUT = join(DIR, 'grid-out');

const indexLines = (out: string): TrialRecord[] => {
  const file = join(out, 'index.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TrialRecord) : [];
};

/** Every run folder under OUT/trials (trial folder / run folder). */
const runFolders = (out: string): string[] =>
  readdirSync(join(out, 'trials')).flatMap((trial) => readdirSync(join(out, 'trials', trial)).map((run) => `${trial}/${run}`)).sort();

test('a 2×2 grid with 2 seeds runs and records 8 trials; the best point is the argmax of the mean valid metric; a rerun runs nothing', () => {
  const first = memrec(['sweep', '--config', GRID, '--jobs', '2']);
  assert.equal(first.status, 0, first.stderr);
  const records = indexLines(GRID_OUT);
  assert.equal(records.length, 8);
  assert.equal(new Set(records.map((r) => r.id)).size, 8);
  assert.ok(records.every((r) => r.status === 'ok' && r.valid !== null && r.test !== null && r.wall_seconds > 0));
  assert.deepEqual(new Set(records.map((r) => r.seed)), new Set([1, 2]));
  for (const r of records) assert.ok(existsSync(join(GRID_OUT, r.run_dir as string, 'metrics.json')), r.run_dir as string);
  assert.match(first.stderr, /eta \d+ s|trial 8\/8/);

  // the chosen point: the highest mean over seeds of valid ndcg@10, recomputed from the index
  const byPoint = new Map<string, number[]>();
  for (const r of records) {
    const key = JSON.stringify(r.point);
    byPoint.set(key, [...(byPoint.get(key) ?? []), (r.valid as Record<string, number>)['ndcg@10']]);
  }
  const means = [...byPoint].map(([key, values]) => ({ key, mean: values.reduce((a, b) => a + b, 0) / values.length }));
  const best = means.reduce((a, b) => (b.mean > a.mean ? b : a));
  const summary = JSON.parse(readFileSync(join(GRID_OUT, 'summary.json'), 'utf8'));
  assert.equal(JSON.stringify(summary.best.values), best.key);
  assert.ok(Math.abs(summary.best.valid.mean - best.mean) < 1e-12);
  assert.equal(summary.points.length, 4);
  assert.match(readFileSync(join(GRID_OUT, 'summary.md'), 'utf8'), /^\| \* \| lr=/m);
  assert.match(first.stdout, /^\*\s+lr=\S+ dim=\d/m);

  const before = runFolders(GRID_OUT);
  const again = memrec(['sweep', '--config', GRID, '--jobs', '2']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /8 already recorded, 0 to run/);
  assert.deepEqual(runFolders(GRID_OUT), before);
  assert.equal(indexLines(GRID_OUT).length, 8);
  assert.equal(again.stdout, first.stdout);

  const dry = memrec(['sweep', '--config', GRID, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /8 trials \(4 grid points × 2 seeds\): 8 done, 0 failed, 0 to run/);
  assert.match(dry.stdout, /^lr=0\.1_dim=4_s1_[0-9a-f]{8}\tdone\ttrain\.lr=0\.1 model\.dim=4 seed=1$/m);
});

test('a sweep killed with SIGKILL mid-trial, started again, records every trial exactly once', async () => {
  const out = join(DIR, 'killed-out');
  const file = sweepFile('killed', `${TINY}grid:\n  train.lr: [0.1, 0.01]\nseeds: [1, 2]\nselect: ndcg@10\nout: ${out}\n`);
  const child = spawn(process.execPath, [join(REPO, 'bin', 'memrec'), 'sweep', '--config', file], { cwd: REPO, detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let inProgress: string | undefined;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const recorded = new Set(readIndex(out).records.keys());
    const folders = existsSync(join(out, 'trials')) ? readdirSync(join(out, 'trials')) : [];
    inProgress = folders.find((id) => !recorded.has(id));
    if (recorded.size >= 1 && recorded.size < 4 && inProgress) break;
    inProgress = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.kill(-(child.pid as number), 'SIGKILL');
  await exited;
  assert.ok(inProgress, 'never saw a recorded trial beside one in progress');
  const recordedBefore = indexLines(out).length;
  assert.ok(recordedBefore >= 1 && recordedBefore < 4);

  const restarted = memrec(['sweep', '--config', file]);
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.match(restarted.stderr, /took over the lock of a sweep that is no longer running/);
  // the killed trial's folder is moved aside, or recorded if its run finished just before the kill
  assert.ok(
    restarted.stderr.includes(`${inProgress}: moved the unfinished trial folder aside to`) || restarted.stderr.includes(`recorded ${inProgress} from its finished run folder`),
    restarted.stderr,
  );
  const ids = indexLines(out).map((r) => r.id);
  assert.equal(ids.length, 4);
  assert.equal(new Set(ids).size, 4);
  for (const id of ids) {
    const runs = readdirSync(join(out, 'trials', id));
    assert.equal(runs.length, 1, `${id}: ${runs.join(', ')}`);
    assert.ok(existsSync(join(out, 'trials', id, runs[0], 'metrics.json')));
  }
  assert.ok(!existsSync(join(out, 'sweep.lock')));
});

test('the best point is chosen on validation even where another point is best on test', () => {
  // leave-one-out on a made-up file: users 1-4 repeat their own item (x x P x), users 5-7 buy only the popular
  // item P. On validation (target P) MostPop wins; on test (target x) P-Pop, which ranks the user's own items
  // first, wins.
  const data = join(DIR, 'seq.txt');
  const lines: string[] = [];
  for (let u = 1; u <= 4; u++) for (const item of [u, u, 100, u]) lines.push(`${u} ${item}`);
  for (let v = 5; v <= 7; v++) for (let k = 0; k < 4; k++) lines.push(`${v} 100`);
  writeFileSync(data, `${lines.join('\n')}\n`);
  const out = join(DIR, 'valid-best-out');
  const file = sweepFile(
    'valid-best',
    `path: seq.txt\nset:\n  data: {source: sasrec, cache_dir: ''}\n  eval: {exclude_history: false, cutoffs: [1], metrics: [hr, ndcg]}\n  compute.backend: cpu\ngrid:\n  model.name: [mostpop, ppop]\nselect: hr@1\nout: ${out}\n`,
  );
  const result = memrec(['sweep', '--config', file, '--jobs', '2']);
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const [mostpop, ppop] = summary.points;
  assert.equal(mostpop.label, 'name=mostpop');
  assert.ok(mostpop.valid.mean > ppop.valid.mean);
  assert.ok(ppop.test['hr@1'].mean > mostpop.test['hr@1'].mean);
  assert.equal(summary.best.label, 'name=mostpop');
  assert.equal(summary.chosen_on, 'valid');
  assert.match(result.stdout, /^\*\s+name=mostpop\s+1\s+1\.0000\s+0\.4286/m);
  assert.match(result.stdout, /^\s+name=ppop\s+1\s+0\.4286\s+1\.0000/m);
});

test('--emit list prints runnable train commands; --record adds a finished one once; --emit slurm writes the array script', () => {
  const out = join(DIR, 'emit-out');
  const list = memrec(['sweep', '--config', GRID, '--out', out, '--emit', 'list']);
  assert.equal(list.status, 0, list.stderr);
  const commands = list.stdout.trim().split('\n');
  assert.equal(commands.length, 8);
  for (const command of commands) assert.match(command, /^\.\/bin\/memrec train --set data\.synthetic\.num_users=50 .* --set seed=[12] --set output\.dir=\S+\/trials\/lr=\S+ --quiet$/);
  assert.ok(!existsSync(join(out, 'index.jsonl')));

  const ran = spawnSync('sh', ['-c', commands[0]], { cwd: REPO, encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  const id = /output\.dir=\S+\/trials\/(\S+)/.exec(commands[0])?.[1] as string;
  const dry = memrec(['sweep', '--config', GRID, '--out', out, '--dry-run']);
  assert.match(dry.stdout, new RegExp(`^${escape(id)}\\tfinished, to record\\t`, 'm'));
  const recorded = memrec(['sweep', '--config', GRID, '--out', out, '--record', id]);
  assert.equal(recorded.status, 0, recorded.stderr);
  assert.match(recorded.stdout, /recorded trials\//);
  assert.match(memrec(['sweep', '--config', GRID, '--out', out, '--record', id]).stdout, /already recorded/);
  assert.equal(indexLines(out).length, 1);
  const unfinished = memrec(['sweep', '--config', GRID, '--out', out, '--record', /output\.dir=\S+\/trials\/(\S+)/.exec(commands[1])?.[1] as string]);
  assert.ok(isOneLineError(unfinished, 1), unfinished.stderr);
  assert.ok(isOneLineError(memrec(['sweep', '--config', GRID, '--out', out, '--record', 'no-such-trial']), 2));

  assert.equal(memrec(['sweep', '--config', GRID, '--out', out, '--emit', 'list']).stdout.trim().split('\n').length, 7);
  const badTime = memrec(['sweep', '--config', GRID, '--out', out, '--emit', 'slurm', '--time', '2h']);
  assert.ok(isOneLineError(badTime, 2), badTime.stderr);
  assert.match(badTime.stderr, /--time 2h: expected Slurm's MINUTES, HH:MM:SS or DAYS-HH\[:MM\[:SS\]\]/);
  const slurm = memrec(['sweep', '--config', GRID, '--out', out, '--emit', 'slurm', '--jobs', '2', '--time', '1-02:00:00', '--mem', '16G', '--cpus-per-task', '4']);
  assert.equal(slurm.status, 0, slurm.stderr);
  const script = readFileSync(join(out, 'sweep.slurm'), 'utf8');
  assert.match(script, /^#SBATCH --array=0-6%2$/m);
  assert.match(script, /^#SBATCH --time=1-02:00:00\n#SBATCH --mem=16G\n#SBATCH --cpus-per-task=4$/m);
  assert.match(script, /SLURM_ARRAY_TASK_ID/);
  assert.match(script, /sweep --config \S+ --out \S+ --record "\$id"$/m);
  const trials = readFileSync(join(out, 'trials.txt'), 'utf8').trim().split('\n');
  assert.equal(trials.length, 7);
  assert.ok(trials.every((line) => /^lr=\S+\t\.\/bin\/memrec train /.test(line)));
  assert.ok(!trials.some((line) => line.startsWith(`${id}\t`)));
});

test('a failing trial is recorded with its last stderr line, does not stop the others, and makes the exit code 1', () => {
  const out = join(DIR, 'failing-out');
  // 2 items cannot hold the generator's 16 clusters: the config resolves, the run fails while loading
  const file = sweepFile('failing', `${TINY.replace('bpr', 'mostpop')}grid:\n  data.synthetic.num_items: [2, 120]\nselect: ndcg@10\nout: ${out}\n`);
  const result = memrec(['sweep', '--config', file, '--jobs', '2']);
  assert.equal(result.status, 1, result.stderr);
  const records = indexLines(out);
  assert.equal(records.length, 2);
  const failed = records.find((r) => r.status === 'failed') as TrialRecord;
  assert.match(failed.error as string, /^config error: synthetic data: data\.synthetic\.num_items \(2\) must be at least/);
  assert.equal(failed.exit_code, 2);
  assert.ok(records.some((r) => r.status === 'ok'));
  assert.match(result.stdout, /failed: num_items=2_\S+ \(exit 2\)/);
  assert.match(result.stdout, /best grid point on the validation part: num_items=120/);
  // not run again unless asked
  const again = memrec(['sweep', '--config', file]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /2 already recorded, 0 to run/);
});

test("a sweep file's mistakes are one line with exit code 2, before anything runs", async () => {
  const out = join(DIR, 'errors-out');
  const cases: [string, RegExp][] = [
    [`${TINY}gird: {train.lr: [0.1]}\nselect: ndcg@10\n`, /:7: gird: unknown key \(did you mean grid\?\)/],
    [`${TINY}grid:\n  train.lr: [0.1, -1]\nselect: ndcg@10\n`, /:8: grid train\.lr=-1: train\.lr: .*\(grid point lr=-1\)$/],
    [`${TINY}grid:\n  model.dimm: [4]\nselect: ndcg@10\n`, /:8: grid model\.dimm=4: model\.dimm: unknown key \(did you mean model\.dim\?\)/],
    [`${TINY}grid:\n  train.lr: 0.1\nselect: ndcg@10\n`, /:8: grid\.train\.lr: expected a non-empty list of values/],
    [`${TINY}grid:\n  train.lr: [0.1]\nselect: ndcg@50\n`, /select: ndcg@50: not reported by the trials/],
    [`${TINY}grid:\n  train.lr: [0.1]\n`, /select: missing/],
    [`${TINY}  split: {method: ratio_chrono, valid_ratio: 0}\nselect: hr@5\n`, /select: hr@5: the trials have no validation part to choose on .*write select: none/],
    [`base: no-such.yaml\nselect: none\n`, /:1: base: no-such\.yaml: no such file/],
    [`${TINY}seeds: [1, -2]\nselect: ndcg@10\n`, /seeds: expected a non-empty list of integers >= 0/],
    [`${TINY}  output.dir: x\nselect: ndcg@10\n`, /set\.output\.dir: the sweep chooses each trial's output folder/],
    [`${TINY}grid:\n  train.lr: [0.1, 0.2\nselect: ndcg@10\n`, /:8:13: invalid YAML: this \[ is never closed/],
  ];
  for (const [i, [text, expected]] of cases.entries()) {
    const file = sweepFile(`bad-${i}`, `${text}out: ${out}\n`);
    const result = await memrecInProcess(['sweep', '--config', file]);
    assert.ok(isOneLineError(result, 2), `case ${i}: status ${result.status}, stderr ${result.stderr}`);
    assert.match(result.stderr, /^config error: /, `case ${i}`);
    assert.match(result.stderr.trim(), expected, `case ${i}`);
  }
  assert.ok(!existsSync(out), 'nothing was written');
  for (const args of [['sweep'], ['sweep', '--config', GRID, '--jobs', '0'], ['sweep', '--config', GRID, '--emit', 'pbs'], ['sweep', '--config', join(DIR, 'missing.yaml')]]) {
    const result = await memrecInProcess(args);
    assert.ok(isOneLineError(result, 2), `${args.join(' ')}: status ${result.status}, stderr ${result.stderr}`);
  }
  // the RUM protocol has no validation part: select none lists every trial and chooses nothing
  const none = sweepFile('none', `${TINY}  split: {method: ratio_chrono, valid_ratio: 0}\ngrid:\n  train.lr: [0.1, 0.01]\nselect: none\nout: ${out}\n`);
  const dry = await memrecInProcess(['sweep', '--config', none, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /2 trials \(2 grid points × 1 seed\): 0 done, 0 failed, 2 to run/);
});

test('trial ids depend on the overrides, not on their order or spelling', () => {
  const a = parseSweepFile(sweepFile('ids-a', 'set: {model.name: bpr, train.epochs: 1}\ngrid:\n  train.lr: [0.10, 0.01]\nseeds: [3]\nselect: none\n'));
  const b = parseSweepFile(sweepFile('ids-b', 'set:\n  train: {epochs: 1}\n  model: {name: bpr}\ngrid:\n  train.lr: [0.1, 0.01]\nseeds: [3]\nselect: none\n'));
  const c = parseSweepFile(sweepFile('ids-c', 'set: {model.name: bpr, train.epochs: 2}\ngrid:\n  train.lr: [0.1, 0.01]\nseeds: [3]\nselect: none\n'));
  const ids = (spec: ReturnType<typeof parseSweepFile>) => expandTrials(spec).trials.map((t) => t.id);
  assert.deepEqual(ids(a), ids(b));
  assert.match(ids(a)[0], /^lr=0\.1_s3_[0-9a-f]{8}$/);
  assert.notDeepEqual(ids(a), ids(c));
});

test('the index: a partial last line is ignored and reported, the next line starts afresh, concurrent appends never interleave', async () => {
  const out = join(DIR, 'index-out');
  mkdirSync(out);
  const record = (id: string): TrialRecord => ({ id, status: 'ok', point: {}, overrides: [], seed: 1, run_dir: null, valid: null, test: { 'hr@10': 0.5 }, wall_seconds: 1, finished_at: '' });
  appendRecord(out, record('a'));
  appendFileSync(join(out, 'index.jsonl'), '{"id":"b","sta');
  let read = readIndex(out);
  assert.deepEqual([...read.records.keys()], ['a']);
  assert.match(read.problems.join('\n'), /index\.jsonl:2: ignored a partial last line/);
  appendRecord(out, record('c'));
  read = readIndex(out);
  assert.deepEqual([...read.records.keys()], ['a', 'c']);
  assert.match(read.problems.join('\n'), /index\.jsonl:2: ignored a line that is not a trial record/);

  const module = join(REPO, 'dist', 'src', 'sweep', 'index-file.js');
  const writers = Array.from({ length: 4 }, (_, w) =>
    spawn(process.execPath, ['-e', `const { appendRecord } = require(${JSON.stringify(module)}); for (let i = 0; i < 100; i++) appendRecord(${JSON.stringify(out)}, { id: 'w${w}-' + i, status: 'ok', point: { pad: 'x'.repeat(3000) }, overrides: [], seed: 1, run_dir: null, valid: null, test: null, wall_seconds: 0, finished_at: '' });`]),
  );
  const codes = await Promise.all(writers.map((child) => new Promise((resolve) => child.on('exit', resolve))));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const after = readIndex(out);
  assert.equal(after.records.size, 2 + 400);
  assert.equal(after.problems.length, 1);
});

test('search: tpe runs its budget of distinct points (the startup points, then proposals from their results); a rerun runs nothing; --emit lists what it can propose', () => {
  const data = join(DIR, 'tpe-seq.txt');
  writeFileSync(data, `${Array.from({ length: 8 }, (_, u) => [1, 2, 3, 4].map((item) => `${u + 1} ${item + u}`).join('\n')).join('\n')}\n`);
  const out = join(DIR, 'tpe-out');
  // 2 × 3 points, mostpop and ppop ignore the learning rate: 6 cheap trials, 5 random then 1 proposed
  const file = sweepFile(
    'tpe',
    `path: tpe-seq.txt\nset:\n  data: {source: sasrec, cache_dir: ''}\n  eval.cutoffs: [1, 5]\n  compute.backend: cpu\ngrid:\n  model.name: [mostpop, ppop]\n  train.lr: [0.1, 0.01, 0.001]\nsearch: tpe\nbudget: 6\nselect: hr@5\nout: ${out}\n`,
  );
  const emitted = memrec(['sweep', '--config', file, '--emit', 'list']);
  assert.equal(emitted.status, 0, emitted.stderr);
  assert.equal(emitted.stdout.trim().split('\n').length, 5);
  const first = memrec(['sweep', '--config', file, '--jobs', '2']);
  assert.equal(first.status, 0, first.stderr);
  const lines = indexLines(out);
  assert.equal(lines.length, 6);
  assert.equal(new Set(lines.map((l) => l.id)).size, 6);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.search, { method: 'tpe', budget: 6 });
  assert.match(summary.best_note, /of the 6 points the tpe search tried/);
  const again = memrec(['sweep', '--config', file]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(indexLines(out).length, 6);
  assert.match(again.stderr, /6 already recorded, 0 to run/);
});

test('search: a grid smaller than its budget, a search without budget or select, and an unknown method are one-line config errors', async () => {
  const cases: [string, RegExp][] = [
    [`grid:\n  train.lr: [0.1, 0.01]\nbudget: 1\nselect: ndcg@10\n`, /budget: 1 is below the grid's 2 points; search: grid runs them all/],
    [`grid:\n  train.lr: [0.1, 0.01]\nsearch: random\nselect: ndcg@10\n`, /search: random needs budget:/],
    [`grid:\n  train.lr: [0.1, 0.01]\nsearch: tpe\nbudget: 2\nselect: none\n`, /select: none: search: tpe chooses points by the validation metric/],
    [`grid:\n  train.lr: [0.1, 0.01]\nsearch: tpr\nbudget: 2\nselect: ndcg@10\n`, /search: "tpr" is not one of grid, random, tpe/],
  ];
  for (const [text, message] of cases) {
    const result = await memrecInProcess(['sweep', '--config', sweepFile('bad-search', `${TINY}${text}`), '--dry-run']);
    assert.ok(isOneLineError(result, 2), result.stderr);
    assert.match(result.stderr, message);
  }
});
