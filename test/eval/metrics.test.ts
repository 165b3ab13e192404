import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricGrid, parseMetricAt, perUserMetrics, ranksFromRelevance } from '../../src/eval/metrics';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

// Three users, lists of width 5. User 0: hits at ranks 2 and 4, |T| = 3. User 1: no hit, |T| = 1.
// User 2: no targets at all (scores 0 everywhere).
const rel = Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
const numRelevant = Int32Array.from([3, 1, 0]);
const values = perUserMetrics(ranksFromRelevance(rel, 5, 3), 3, numRelevant, metricGrid(['precision', 'recall', 'f1', 'hr', 'ndcg', 'map', 'map_rel', 'mrr'], [2, 5]));

test('metrics at N = 5 for a user with hits at ranks 2 and 4 of 3 targets, worked by hand', () => {
  close(values['precision@5'][0], 2 / 5, 'P@5');
  close(values['recall@5'][0], 2 / 3, 'R@5');
  // F1 = 2 * 0.4 * (2/3) / (0.4 + 2/3) = 0.5333... / 1.0666... = 0.5
  close(values['f1@5'][0], 0.5, 'F1@5');
  close(values['hr@5'][0], 1, 'HR@5');
  // DCG = 1/log2(3) + 1/log2(5); ideal over min(3, 5) = 3 hits: 1 + 1/log2(3) + 1/log2(4)
  close(values['ndcg@5'][0], (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 'NDCG@5');
  // AP sum = P@2 + P@4 = 1/2 + 2/4 = 1, normalised by min(3, 5) = 3
  close(values['map@5'][0], 1 / 3, 'MAP@5');
  close(values['map_rel@5'][0], 1 / 3, 'MAP_rel@5');
  close(values['mrr@5'][0], 1 / 2, 'MRR@5');
});

test('metrics at N = 2 cut the list: one hit of three targets', () => {
  close(values['precision@2'][0], 1 / 2, 'P@2');
  close(values['recall@2'][0], 1 / 3, 'R@2');
  // F1 = 2 * 0.5 * (1/3) / (0.5 + 1/3) = (1/3) / (5/6) = 0.4
  close(values['f1@2'][0], 0.4, 'F1@2');
  close(values['ndcg@2'][0], 1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 'NDCG@2');
  // AP sum = P@2 = 1/2; MAP normalises by min(3, 2) = 2, MAP_rel by |T| = 3
  close(values['map@2'][0], 1 / 4, 'MAP@2');
  close(values['map_rel@2'][0], 1 / 6, 'MAP_rel@2');
  close(values['mrr@2'][0], 1 / 2, 'MRR@2');
});

test('a user without a hit and a user without targets score 0 on every metric', () => {
  for (const [key, perUser] of Object.entries(values)) {
    assert.equal(perUser[1], 0, `${key} user 1`);
    assert.equal(perUser[2], 0, `${key} user 2 (no targets, even with 1s in its row)`);
  }
});

test('metric names: case, aliases, unknown metrics and bad cut-offs', () => {
  assert.deepEqual(parseMetricAt('NDCG@10'), { metric: 'ndcg', cutoff: 10, key: 'ndcg@10' });
  assert.deepEqual(parseMetricAt('P@5'), { metric: 'precision', cutoff: 5, key: 'precision@5' });
  assert.deepEqual(parseMetricAt('hit@20'), { metric: 'hr', cutoff: 20, key: 'hr@20' });
  assert.equal(parseMetricAt('auc@10'), null);
  assert.equal(parseMetricAt('ndcg@0'), null);
  assert.equal(parseMetricAt('ndcg'), null);
});
