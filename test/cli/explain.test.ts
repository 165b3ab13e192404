import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrec } from '../helpers/cli';

const OUT = mkdtempSync(join(tmpdir(), 'memrec-explain-'));
const SMALL = ['--backend', 'cpu', '--quiet', '--set', 'data.synthetic.num_users=40', '--set', 'data.synthetic.num_items=50'];

function train(label: string, ...sets: string[]): string {
  const dir = join(OUT, label);
  const result = memrec(['train', ...SMALL, '--set', `output.dir=${dir}`, ...sets.flatMap((s) => ['--set', s])]);
  assert.equal(result.status, 0, result.stderr);
  return join(dir, readdirSync(dir)[0]);
}

test('memrec explain lists the most attended liked items with their weights, largest first; other models are refused', () => {
  const run = train('mars', 'model.name=mars', 'train.epochs=1', 'model.dim=4', 'model.word_dim=8', 'model.filters=4');
  const result = memrec(['explain', '--run', run, '--user', 'u2', '--item', 'i5', '--top', '4', '--quiet']);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], /^mars: user u2, candidate i5, score -?\d+\.\d+, memory of \d+ test history items$/);
  const rows = lines.slice(2).map((line) => /^ {2}\d\. (i\d+) \((\d\.\d+)\)$/.exec(line));
  assert.equal(rows.length, 4);
  const weights = rows.map((row) => Number((row as RegExpExecArray)[2]));
  assert.deepEqual(weights, [...weights].sort((a, b) => b - a));
  assert.ok(weights.reduce((a, b) => a + b, 0) <= 1 + 1e-4);
  assert.equal(new Set(rows.map((row) => (row as RegExpExecArray)[1])).size, 4, 'distinct memory items');
  assert.ok(!rows.some((row) => (row as RegExpExecArray)[1] === 'i5'), 'the candidate is not in its own memory');

  const unknown = memrec(['explain', '--run', run, '--user', 'nobody', '--item', 'i5', '--quiet']);
  assert.ok(isOneLineError(unknown, 2), unknown.stderr);
  assert.match(unknown.stderr, /--user nobody: no such id/);
  const mostpop = train('mostpop', 'model.name=mostpop');
  const refused = memrec(['explain', '--run', mostpop, '--user', 'u2', '--item', 'i5', '--quiet']);
  assert.ok(isOneLineError(refused, 2), refused.stderr);
  assert.match(refused.stderr, /model mostpop reads no memory by attention/);
});
