/**
 * Writes what the PyTorch reference checks of NCF, DeepFM and Wide & Deep read (scripts/reference/ncf_forward.py,
 * deepfm_forward.py, wide_deep_forward.py; scripts/checks/pair-models-reference.sh runs them): for each case, a
 * model trained two epochs on random data with item text (repeated words and an item without text included),
 * its weights, the items' token lists, Wide & Deep's cross-product row offsets, and memrec's score of every
 * item for every user.
 *
 * Usage: node dist/scripts/reference/pair-models-dump.js OUT.json
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/compute/backend';
import { crossRows } from '../../src/models/baselines/wide-deep';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel, MODELS } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';

const [USERS, ITEMS, TOKENS] = [20, 30, 25];

const CASES: readonly { label: string; sets: string[] }[] = [
  { label: 'ncf', sets: ['model.name=ncf', 'model.dim=4', 'model.mlp_dim=6', 'model.layers=[8,5,3]', 'model.alpha=0.3'] },
  { label: 'ncf (pre-trained one epoch of two)', sets: ['model.name=ncf', 'model.dim=4', 'model.mlp_dim=6', 'model.layers=[8,3]', 'model.pretrain_epochs=1'] },
  { label: 'deepfm', sets: ['model.name=deepfm', 'model.dim=5', 'model.layers=[7,6,4]'] },
  { label: 'deepfm (item_id false)', sets: ['model.name=deepfm', 'model.dim=5', 'model.layers=[6]', 'model.item_id=false'] },
  { label: 'wide_deep (exact crosses)', sets: ['model.name=wide_deep', 'model.dim=4', 'model.layers=[9,6,3]', 'model.l1=0.001'] },
  { label: 'wide_deep (hashed crosses, item_id false)', sets: ['model.name=wide_deep', 'model.dim=4', 'model.layers=[5]', 'model.wide_buckets=101', 'model.item_id=false'] },
];

function randomData(): TrainData {
  const rng = stream(4, 'synthetic', 'pair-models-reference');
  const lengths = Array.from({ length: USERS }, () => 3 + rng.int(8));
  const offsets = Int32Array.from({ length: USERS + 1 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const items = Int32Array.from({ length: offsets[USERS] }, () => rng.int(ITEMS));
  // item 0 has no text; the others 1 to 6 tokens from a small vocabulary, so words repeat within an item
  const counts = Array.from({ length: ITEMS }, (_, i) => (i === 0 ? 0 : 1 + rng.int(6)));
  const tokenOffsets = Int32Array.from({ length: ITEMS + 1 }, (_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
  const tokens = Int32Array.from({ length: tokenOffsets[ITEMS] }, () => rng.int(TOKENS));
  return {
    numUsers: USERS, numItems: ITEMS, sequences: { offsets, items }, timestamps: new Float64Array(items.length),
    itemCategory: new Int32Array(ITEMS).fill(-1), numCategories: 0,
    itemTokenOffsets: tokenOffsets, itemTokens: tokens, numTokens: TOKENS,
  };
}

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: pair-models-dump.js OUT.json');
  await selectBackend('cpu', new Reporter(false));
  const train = randomData();
  const users = Int32Array.from({ length: USERS }, (_, u) => u);
  const cases = [];
  for (const { label, sets } of CASES) {
    const config = loadConfig(null, [...sets, 'train.lr=0.01', 'train.num_negatives=3', 'seed=7']);
    const model = createModel(config) as NeuralModel;
    model.init(train);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, 0);
    for (let epoch = 1; epoch <= 2; epoch++) {
      const plan = session.source.epoch(stream(epoch, 'shuffle'), 8);
      for (let k = 0; k < plan.batches; k++) await session.run(plan.build(k), epoch);
    }
    session.dispose();
    const scores = model.score({ users, history: { lists: train.sequences, timestamps: train.timestamps }, targetTimes: null, candidates: null, states: null });
    const name = config.str('model.name');
    const params = config.params('model', MODELS[name].keys) as Record<string, unknown>;
    const hash = name === 'wide_deep' ? crossRows(USERS, TOKENS, params.wide_buckets as number, 7) : null;
    cases.push({
      label, model: name, params, num_users: USERS, num_items: ITEMS, num_tokens: TOKENS,
      item_tokens: Array.from({ length: ITEMS }, (_, i) => Array.from(train.itemTokens.subarray(train.itemTokenOffsets[i], train.itemTokenOffsets[i + 1]))),
      hash: hash && { user: Array.from(hash.user.dataSync()), word: Array.from(hash.word.dataSync()), rows: hash.rows },
      weights: Object.fromEntries(Object.entries(await model.state()).map(([key, w]) => [key, { shape: w.shape, data: Array.from(w.data) }])),
      scores: scores.arraySync(),
    });
    if (hash) tf.dispose([hash.user, hash.word]);
    scores.dispose();
    model.dispose();
  }
  writeFileSync(out, JSON.stringify({ cases }));
}

main();
