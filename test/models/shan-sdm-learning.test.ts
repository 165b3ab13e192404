import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_SOURCES } from '../../src/data/sources';
import type { Interactions } from '../../src/data/interactions';
import { createModel } from '../../src/models/registry';
import { evaluateParts } from '../../src/run/evaluate-parts';
import { prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';
import { useWasm } from '../helpers/backend';
import { fitModel } from '../helpers/tiny-models';

const reporter = new Reporter(true);

/**
 * Learning quality on the default synthetic data (1,000 users, 800 items), as test/models/learning.test.ts:
 * each model after one epoch of prefixes (37,167) against MostPop's NDCG@10 (measured, wasm: MostPop 0.009,
 * SHAN 0.101, SDM 0.140 test NDCG@10).
 */
let data: Interactions;

before(async () => {
  await useWasm();
  data = await DATA_SOURCES.synthetic.load(loadConfig(null), reporter);
});

async function testNdcg(name: string, sets: string[] = []): Promise<number> {
  const config = loadConfig(null, [`model.name=${name}`, 'train.eval_every=0', 'eval.metrics=[ndcg]', 'eval.cutoffs=[10]', ...sets]);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config);
  await fitModel(model, exp.train, config, { reporter });
  const results = await evaluateParts(model, exp, config, reporter, () => null, false);
  model.dispose();
  return results.test!.means['ndcg@10'];
}

const PREFIXES = ['model.max_length=8', 'model.dim=16', 'train.epochs=1', 'train.batch_size=512', 'train.lr=0.01'];

test('SHAN and SDM beat MostPop\'s NDCG@10 by at least half again after one epoch', async () => {
  const mostpop = await testNdcg('mostpop');
  const shan = await testNdcg('shan', PREFIXES);
  const sdm = await testNdcg('sdm', [...PREFIXES, 'model.session_length=4', 'train.num_negatives=20']);
  const summary = `mostpop ${mostpop}, shan ${shan}, sdm ${sdm}`;
  assert.ok(shan >= 1.5 * mostpop, summary);
  assert.ok(sdm >= 1.5 * mostpop, summary);
});
