import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/cli';
import { capturingReporter } from '../helpers/reporter';
import { acquireLock, takeOverStale } from '../../src/sweep/lock';
import { planSweep } from '../../src/sweep/plan';
import { runTrials } from '../../src/sweep/runner';
import { RunError } from '../../src/util/errors';

const DIR = mkdtempSync(join(tmpdir(), 'memrec-sweep-faults-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

/** The pid of a process that has exited (a killed sweep's). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const staleLock = (out: string) => {
  const text = `${JSON.stringify({ pid: deadPid(), host: hostname(), started: '2026-01-01T00:00:00.000Z', nonce: 'dead' })}\n`;
  writeFileSync(join(out, 'sweep.lock'), text);
  return text;
};

test('a stale lock that another sweep has already taken over is not taken over a second time', () => {
  const out = mkdtempSync(join(DIR, 'lock-'));
  const stale = staleLock(out);
  const notes: string[] = [];
  const release = acquireLock(out, (note) => notes.push(note));
  assert.match(notes.join('\n'), /took over the lock of a sweep that is no longer running/);
  const mine = readFileSync(join(out, 'sweep.lock'), 'utf8');
  // a second sweep that read the stale lock before the first took it over now tries to take it over
  assert.equal(takeOverStale(join(out, 'sweep.lock'), stale, 'the second sweep\n'), false);
  assert.equal(readFileSync(join(out, 'sweep.lock'), 'utf8'), mine);
  assert.throws(() => acquireLock(out, () => {}), /another sweep \(pid \d+, since .*\) is running in this folder/);
  release();
  assert.deepEqual(readdirSync(out), []);
});

test('four sweeps racing to take over a dead lock: exactly one gets it, in each of 8 rounds', async () => {
  const module = join(REPO, 'dist', 'src', 'sweep', 'lock.js');
  // (with the takeover of before, remove then create, two of four held the lock in 2 of 2 runs of this test)
  // each child loads the lock module, waits for "go" on stdin, tries once, reports, and holds what it got
  // until stdin closes, so that the loser cannot see a dead winner
  const script = `const { acquireLock } = require(${JSON.stringify(module)});
process.stdin.once('data', () => {
  let line;
  try { acquireLock(process.argv[1], () => {}); line = 'held'; } catch (err) { line = 'refused: ' + err.message; }
  process.stdout.write(line + '\\n');
  process.stdin.on('end', () => process.exit(0));
});`;
  for (let round = 0; round < 8; round++) {
    const out = mkdtempSync(join(DIR, `race-${round}-`));
    staleLock(out);
    const children = [0, 1, 2, 3].map(() => spawn(process.execPath, ['-e', script, out], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const ready = children.map((child) => new Promise<void>((resolve) => child.on('spawn', () => resolve())));
    await Promise.all(ready);
    const lines = children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let text = '';
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', (chunk: string) => {
            text += chunk;
            if (text.endsWith('\n')) resolve(text.trim());
          });
        }),
    );
    for (const child of children) child.stdin.write('go\n');
    const results = await Promise.all(lines);
    const exited = children.map((child) => new Promise((resolve) => child.on('exit', resolve)));
    for (const child of children) child.stdin.end();
    await Promise.all(exited);
    assert.equal(results.filter((r) => r === 'held').length, 1, `round ${round}: ${results.join(' | ')}`);
    for (const refused of results.filter((r) => r !== 'held')) {
      assert.match(refused, /^refused: error: .*sweep\.lock: (another sweep|could not take the lock)/);
    }
  }
});

test('a sweep whose index cannot be written stops: no further trial starts and the error is thrown; on a terminal each trial has its line', async () => {
  const out = join(DIR, 'stop-out');
  const file = join(DIR, 'stop.yaml');
  writeFileSync(file, `set:\n  data.synthetic.num_users: 30\n  data.cache_dir: ''\n  compute.backend: cpu\n  model.name: mostpop\ngrid:\n  train.lr: [0.1, 0.2, 0.3]\nselect: none\nout: ${out}\n`);
  const plan = planSweep(file);
  const { reporter, messages } = capturingReporter();
  (reporter.output as NodeJS.WriteStream).isTTY = true;
  let calls = 0;
  // the first trial is recorded; recording the second fails as on a full disk
  const record = () => {
    calls += 1;
    if (calls === 2) throw new RunError(`${join(out, 'index.jsonl')}: cannot write (no space left on the device)`);
  };
  await assert.rejects(runTrials(plan, plan.trials, 1, reporter, record), /index\.jsonl: cannot write \(no space left on the device\)/);
  assert.equal(calls, 2);
  assert.equal(readdirSync(join(out, 'trials')).length, 2, 'the third trial was not started');
  assert.deepEqual(
    messages.filter((m) => m.startsWith('trial ')).map((m) => m.replace(/: \d+\.\d s.*/, '')),
    [`trial 1/3 ${plan.trials[0].id}`],
  );
});
