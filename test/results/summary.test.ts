import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalResult } from '../../src/eval/evaluate';
import { metricGrid } from '../../src/eval/metrics';
import { formatTable, summarisePart } from '../../src/results/summary';

const result = (hr: number, targetsInHistory?: EvalResult['targetsInHistory']): EvalResult => ({
  users: Int32Array.from([0, 1]),
  perUser: {},
  means: { 'hr@10': hr },
  rankings: null,
  ...(targetsInHistory ? { targetsInHistory } : {}),
});
const metrics = metricGrid(['hr'], [10]);

test('a table says how many targets were in the history and whether they stayed candidates', () => {
  const kept = summarisePart('full ranking', [result(0.5, { count: 1, of: 4, kept: true })]);
  assert.deepEqual(kept.targets_in_history, { count: 1, of: 4, kept: true });
  assert.match(formatTable('t', kept, metrics), /\n {2}1 of 4 targets \(25\.0%\) were in the user's history: kept as candidates/);
  const removed = summarisePart('full ranking', [result(0.5, { count: 3, of: 8, kept: false })]);
  assert.match(formatTable('t', removed, metrics), /3 of 8 targets \(37\.5%\) were in the user's history: removed with it, they cannot be hit/);
  // none in the history, or not measured (sampled candidates, history kept): no line
  for (const summary of [summarisePart('p', [result(0.5, { count: 0, of: 4, kept: true })]), summarisePart('p', [result(0.5)])]) {
    assert.equal(formatTable('t', summary, metrics).split('\n').length, 4);
  }
  assert.equal(summarisePart('p', [result(0.5)]).targets_in_history, undefined);
});

test('over repeats the targets in the history are summed', () => {
  const summary = summarisePart('p', [result(0.4, { count: 2, of: 10, kept: false }), result(0.6, { count: 1, of: 11, kept: false })]);
  assert.deepEqual(summary.targets_in_history, { count: 3, of: 21, kept: false });
  assert.match(formatTable('t', summary, metrics), /3 of 21 targets \(14\.3%\)/);
  assert.ok(Math.abs((summary.means['hr@10'] as number) - 0.5) < 1e-12);
});
