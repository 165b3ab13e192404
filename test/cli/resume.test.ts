import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memrec, REPO } from '../helpers/cli';

/**
 * A run killed mid-training (SIGKILL: no chance to clean up) or stopped with Ctrl-C, then continued with
 * `memrec train --resume`, ends with the same metrics.json as the run that was never stopped: the weights,
 * the optimizer's moments, the learning rate, early stopping's record and every random stream are saved at
 * each epoch's end. SASRec with dropout and Adam, so that each of them matters.
 */
const SETS = [
  'model.name=sasrec', 'model.dim=16', 'model.max_length=10', 'model.dropout=0.3',
  'data.synthetic.num_users=300', 'data.synthetic.num_items=120',
  'train.epochs=10', 'train.eval_every=2', 'train.batch_size=16', 'train.lr=0.005', 'train.lr_decay=0.9',
  'data.cache_dir=',
].flatMap((set) => ['--set', set]);

const args = (out: string) => ['train', ...SETS, '--set', `output.dir=${out}`, '--backend', 'cpu', '--quiet'];

function runDir(out: string): string {
  const runs = readdirSync(out);
  assert.equal(runs.length, 1, `one run folder in ${out}`);
  return join(out, runs[0]);
}

/** metrics.json without the run section (ids and clock times). */
function metricsOf(dir: string): unknown {
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  delete metrics.run;
  return metrics;
}

/** The epoch of the run's latest saved training state, or 0. */
function savedEpoch(out: string): number {
  if (!existsSync(out) || readdirSync(out).length === 0) return 0;
  const pointer = join(runDir(out), 'resume.json');
  if (!existsSync(pointer)) return 0;
  try {
    return Number(/-e(\d+)$/.exec((JSON.parse(readFileSync(pointer, 'utf8')) as { state: string }).state)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Starts a training run, sends `signal` once a state after epoch `epoch` is saved; the exit code or signal. */
function interrupted(out: string, signal: NodeJS.Signals, epoch: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'memrec'), ...args(out)], { cwd: REPO, env: { ...process.env, MEMREC_DEBUG: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const poll = setInterval(() => {
      if (savedEpoch(out) >= epoch) {
        clearInterval(poll);
        child.kill(signal);
      } else if (Date.now() - started > 120_000) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error('no saved epoch within 2 minutes'));
      }
    }, 20);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
}

const uninterrupted = (() => {
  let cached: unknown = null;
  return () => {
    if (cached) return cached;
    const out = mkdtempSync(join(tmpdir(), 'memrec-resume-whole-'));
    const result = memrec(args(out));
    assert.equal(result.status, 0, result.stderr);
    cached = metricsOf(runDir(out));
    return cached;
  };
})();

test('SIGKILL mid-training, then --resume: the same metrics.json as a run never stopped', async () => {
  const out = mkdtempSync(join(tmpdir(), 'memrec-resume-kill-'));
  const killed = await interrupted(out, 'SIGKILL', 3);
  assert.equal(killed.signal, 'SIGKILL', 'killed before it finished');
  const dir = runDir(out);
  assert.ok(!existsSync(join(dir, 'metrics.json')));
  const resumed = memrec(['train', '--resume', dir, '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(readFileSync(join(dir, 'log.txt'), 'utf8'), /resumed after epoch \d+/);
  assert.deepEqual(metricsOf(dir), uninterrupted());
  assert.deepEqual(readdirSync(dir).filter((file) => file.startsWith('resume')), [], 'the saved states are removed once done');
});

test('Ctrl-C stops at the next batch, says so in the log and on the terminal, marks the folder; --resume finishes it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'memrec-resume-int-'));
  const stopped = await interrupted(out, 'SIGINT', 2);
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /interrupted by SIGINT at epoch \d+, batch \d+ of \d+ \(resume with: memrec train --resume /);
  assert.equal(stopped.stderr.match(/interrupted by SIGINT/g)?.length, 1, 'said once on the terminal');
  const dir = runDir(out);
  assert.match(readFileSync(join(dir, 'log.txt'), 'utf8'), /interrupted by SIGINT/);
  const marker = JSON.parse(readFileSync(join(dir, 'interrupted.json'), 'utf8')) as { signal: string; resume: string };
  assert.equal(marker.signal, 'SIGINT');
  assert.equal(memrec(['train', '--resume', dir, '--set', 'train.epochs=3']).status, 2, '--resume takes no other config flag');
  const resumed = memrec(['train', '--resume', dir, '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.ok(!existsSync(join(dir, 'interrupted.json')), 'a finished run is no longer marked');
  assert.deepEqual(metricsOf(dir), uninterrupted());
  const again = memrec(['train', '--resume', dir]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /the run is finished/);
});
