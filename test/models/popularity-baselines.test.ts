import { loadConfig } from '../../src/schema/config-flags';
import { fitModel } from '../helpers/tiny-models';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel } from '../../src/models/registry';
import { evaluateParts } from '../../src/run/evaluate-parts';
import { prepareExperiment } from '../../src/run/experiment';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { tinyData } from '../helpers/tiny-data';

before(useCpu);

// Leave-one-out on five items:
//   user 0: 0 1 2 0 3  -> train [0 1 2], valid [0], test [3]
//   user 1: 1 1 2 4    -> train [1 1],   valid [2], test [4]
//   user 2: 3 2 3      -> train [3],     valid [2], test [3]
// Training counts: item0 1, item1 3, item2 1, item3 1, item4 0.
const DATA = tinyData([[0, 1, 2, 0, 3], [1, 1, 2, 4], [3, 2, 3]], 5);
const METRICS = ['eval.metrics=[hr, mrr, ndcg, precision]', 'eval.cutoffs=[1, 2, 3, 5]'];

async function evaluateModel(name: string, excludeHistory: boolean) {
  const config = loadConfig(null, [`model.name=${name}`, `eval.exclude_history=${excludeHistory}`, ...METRICS]);
  const exp = prepareExperiment(DATA, config, 0);
  const model = createModel(config);
  const reporter = new Reporter(true);
  await fitModel(model, exp.train, config, { reporter });
  const results = await evaluateParts(model, exp, config, reporter, () => null, false);
  model.dispose();
  return { valid: results.valid!, test: results.test! };
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

test('MostPop, history kept: everyone gets 1, 0, 2, 3, 4 (ties by lower index)', async () => {
  const { valid, test: t } = await evaluateModel('mostpop', false);
  // test targets 3, 4, 3 sit at ranks 4, 5, 4
  assert.deepEqual(Array.from(t.perUser['mrr@5']), [1 / 4, 1 / 5, 1 / 4]);
  close(t.means['hr@3'], 0, 'HR@3');
  close(t.means['hr@5'], 1, 'HR@5');
  close(t.means['ndcg@5'], (2 / Math.log2(5) + 1 / Math.log2(6)) / 3, 'NDCG@5');
  close(t.means['precision@5'], 1 / 5, 'P@5');
  // valid targets 0, 2, 2 sit at ranks 2, 3, 3
  assert.deepEqual(Array.from(valid.perUser['mrr@5']), [1 / 2, 1 / 3, 1 / 3]);
  close(valid.means['hr@2'], 1 / 3, 'valid HR@2');
});

test('MostPop, history excluded: test history is train + valid', async () => {
  const { test: t } = await evaluateModel('mostpop', true);
  // user 0 excludes 0 1 2 -> [3 4], target 3 at rank 1; user 1 excludes 1 2 -> [0 3 4], target 4 at rank 3;
  // user 2 excludes 3 2 -> [1 0 4], its target 3 is excluded: no hit
  assert.deepEqual(Array.from(t.perUser['mrr@5']), [1, 1 / 3, 0]);
  close(t.means['hr@1'], 1 / 3, 'HR@1');
  close(t.means['hr@3'], 2 / 3, 'HR@3');
  close(t.means['ndcg@3'], (1 + 1 / Math.log2(4)) / 3, 'NDCG@3');
  close(t.means['precision@1'], 1 / 3, 'P@1');
});

test('P-Pop, history kept: own most frequent items first, then global popularity', async () => {
  const { valid, test: t } = await evaluateModel('ppop', false);
  // Global levels (dense rank of counts 0 < 1 < 3): item0 1, item1 2, item2 1, item3 1, item4 0; L = 3.
  // score = 3 * personal + level over the test history (train + valid):
  //   user 0 [0 1 2 0]: item0 7, item1 5, item2 4, item3 1, item4 0 -> target 3 at rank 4
  //   user 1 [1 1 2]:   item1 8, item2 4, item0 1, item3 1, item4 0 -> target 4 at rank 5
  //   user 2 [3 2]:     item2 4, item3 4 (tie: 2 first), item1 2, item0 1, item4 0 -> target 3 at rank 2
  assert.deepEqual(Array.from(t.perUser['mrr@5']), [1 / 4, 1 / 5, 1 / 2]);
  close(t.means['hr@2'], 1 / 3, 'HR@2');
  close(t.means['ndcg@5'], (1 / Math.log2(5) + 1 / Math.log2(6) + 1 / Math.log2(3)) / 3, 'NDCG@5');
  // valid, history = train: user 0 [0 1 2]: item1 5, item0 4, item2 4 -> target 0 at rank 2;
  // user 1 [1 1]: item1 8, item0 1, item2 1 -> target 2 at rank 3; user 2 [3]: item3 4, item1 2, item0 1, item2 1 -> rank 4
  assert.deepEqual(Array.from(valid.perUser['mrr@5']), [1 / 2, 1 / 3, 1 / 4]);
});

test('P-Pop with history excluded falls back to MostPop on the remaining items', async () => {
  const ppop = await evaluateModel('ppop', true);
  const mostpop = await evaluateModel('mostpop', true);
  assert.deepEqual(ppop.test.perUser, mostpop.test.perUser);
});

