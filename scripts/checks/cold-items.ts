/**
 * Cold items (issue 21): do the content models DeepFM and Wide & Deep beat BPR-MF on items with few training
 * interactions? Synthetic data whose item text carries the item's cluster (3 tokens per item, mostly from the
 * cluster's 8 words), MARS's protocol (a random 30/35/35 split of each user's items), and every model trained
 * the same epochs with the same batches and negatives (MostPop and NCF for context).
 *
 * Cold items are chosen on the training part alone: items with at most --max-count training interactions
 * (over all users). For every test user with at least one cold test target, recall@50 over those cold targets
 * (full ranking, the user's training and validation items excluded, ties counted against the target). Each
 * seed draws new data, a new split and new weights; the per-user values of all seeds are pooled and each
 * content model is compared with BPR-MF by a paired t-test and a Wilcoxon signed-rank test (src/eval/
 * significance.ts). DeepFM and Wide & Deep run on MARS's input (user id and words) and with the item id added:
 * an item id's own weight, pushed down each time the item is drawn as a negative, is what a cold item has
 * least data for. The towers are smaller than the papers' (DeepFM 64-64, Wide & Deep 128-64 on 16-wide
 * embeddings) so that the check runs in minutes on a CPU; the question is what the item text adds.
 *
 * Usage: node dist/scripts/checks/cold-items.js [--seeds N] [--epochs N] [--max-count N]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/compute/backend';
import { DATA_SOURCES } from '../../src/data/sources';
import { pairedTests } from '../../src/eval/significance';
import { isTrainable, type Model } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import { prepareExperiment, type Experiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { TRAIN_KEYS } from '../../src/train/schema';
import { trainModel } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';

const DATA = [
  'data.synthetic.num_users=600', 'data.synthetic.num_items=500', 'data.synthetic.num_clusters=10', 'data.synthetic.popularity_skew=1.2',
  'data.synthetic.min_length=10', 'data.synthetic.max_length=40',
  'split.method=ratio_random', 'split.train_ratio=0.3', 'split.valid_ratio=0.35',
];
const TRAIN = ['train.eval_every=0', 'train.lr=0.01', 'train.batch_size=128', 'train.num_negatives=4'];
const MODELS: readonly { label: string; sets: string[] }[] = [
  { label: 'MostPop', sets: ['model.name=mostpop'] },
  { label: 'BPR-MF', sets: ['model.name=bpr', 'model.dim=32'] },
  { label: 'NCF', sets: ['model.name=ncf'] },
  { label: 'DeepFM (MARS input)', sets: ['model.name=deepfm', 'model.layers=[64,64]', 'model.item_id=false'] },
  { label: 'DeepFM (+ item id)', sets: ['model.name=deepfm', 'model.layers=[64,64]'] },
  { label: 'Wide&Deep (MARS input)', sets: ['model.name=wide_deep', 'model.layers=[128,64]', 'model.dim=16', 'model.item_id=false'] },
  { label: 'Wide&Deep (+ item id)', sets: ['model.name=wide_deep', 'model.layers=[128,64]', 'model.dim=16'] },
];
const CUTOFF = 50;

/** Per test user with a cold target: recall@CUTOFF over the cold targets, and over all targets. */
function coldRecall(model: Model, exp: Experiment, cold: Uint8Array): { cold: number[]; all: number[] } {
  const { history, targets } = exp.parts.test;
  const users: number[] = [];
  for (let u = 0; u < exp.train.numUsers; u++) {
    for (let p = targets.offsets[u]; p < targets.offsets[u + 1]; p++) if (cold[targets.items[p]]) { users.push(u); break; }
  }
  const out = { cold: [] as number[], all: [] as number[] };
  for (let start = 0; start < users.length; start += 64) {
    const batch = Int32Array.from(users.slice(start, start + 64));
    const scores = tf.tidy(() => model.score({ users: batch, history, targetTimes: null, candidates: null, states: null })).arraySync();
    batch.forEach((u, b) => {
      const row = scores[b];
      const seen = new Set(history.lists.items.subarray(history.lists.offsets[u], history.lists.offsets[u + 1]));
      const hit = (item: number) => {
        let above = 0;
        for (let j = 0; j < row.length; j++) if (j !== item && !seen.has(j) && row[j] >= row[item]) above++;
        return above < CUTOFF ? 1 : 0;
      };
      const mine = Array.from(targets.items.subarray(targets.offsets[u], targets.offsets[u + 1]));
      const coldOnes = mine.filter((item) => cold[item]);
      out.cold.push(coldOnes.reduce((sum, item) => sum + hit(item), 0) / coldOnes.length);
      out.all.push(mine.reduce((sum, item) => sum + hit(item), 0) / mine.length);
    });
  }
  return out;
}

async function main() {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '2' }, epochs: { type: 'string', default: '5' }, 'max-count': { type: 'string', default: '2' } } });
  const [seeds, epochs, maxCount] = [Number(values.seeds), Number(values.epochs), Number(values['max-count'])];
  const reporter = new Reporter(true);
  await selectBackend('auto', reporter);
  const pooled = new Map(MODELS.map(({ label }) => [label, { cold: [] as number[], all: [] as number[], seedMeans: [] as number[] }]));
  let coldShare = 0;
  let coldUsers = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    for (const { label, sets } of MODELS) {
      const config = loadConfig(null, [...DATA, ...TRAIN, `train.epochs=${epochs}`, `seed=${seed}`, ...sets]);
      const data = await DATA_SOURCES.synthetic.load(config, reporter);
      const exp = prepareExperiment(data, config, 0);
      const counts = new Int32Array(exp.train.numItems);
      for (const item of exp.train.sequences.items) counts[item]++;
      const cold = Uint8Array.from(counts, (c) => (c <= maxCount ? 1 : 0));
      const model = createModel(config);
      model.init(exp.train);
      if (isTrainable(model)) {
        await trainModel(model, { train: exp.train, settings: config.params('train', TRAIN_KEYS), seed, reporter, label, source: config.source, validate: null });
      }
      const recall = coldRecall(model, exp, cold);
      model.dispose();
      const entry = pooled.get(label)!;
      entry.cold.push(...recall.cold);
      entry.all.push(...recall.all);
      entry.seedMeans.push(recall.cold.reduce((a, b) => a + b, 0) / recall.cold.length);
      if (label === 'MostPop') {
        coldShare += cold.reduce((a, b) => a + b, 0) / cold.length / seeds;
        coldUsers += recall.cold.length;
      }
      console.error(`seed ${seed} ${label}: cold recall@${CUTOFF} ${entry.seedMeans[entry.seedMeans.length - 1].toFixed(4)}`);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bpr = pooled.get('BPR-MF')!;
  console.log(`Cold items: at most ${maxCount} training interactions (${(100 * coldShare).toFixed(1)}% of items); ${coldUsers} test users with a cold target over ${seeds} seeds; ${epochs} epochs each.\n`);
  console.log(`| model | recall@${CUTOFF}, cold targets | per seed | recall@${CUTOFF}, all targets of those users | vs BPR-MF on cold: mean diff, t-test p, Wilcoxon p |`);
  console.log('|---|---|---|---|---|');
  for (const { label } of MODELS) {
    const entry = pooled.get(label)!;
    const test = label === 'BPR-MF' ? null : pairedTests(entry.cold, bpr.cold);
    const versus = test ? `${test.meanDifference >= 0 ? '+' : ''}${test.meanDifference.toFixed(4)}, ${test.tTest.pValue.toExponential(2)}, ${test.wilcoxon.pValue.toExponential(2)}` : '';
    console.log(`| ${label} | ${mean(entry.cold).toFixed(4)} | ${entry.seedMeans.map((v) => v.toFixed(4)).join(', ')} | ${mean(entry.all).toFixed(4)} | ${versus} |`);
  }
}

main();
