/**
 * Sampled evaluation (each user's target among 100 sampled items) on a catalogue of 1,000,000 items: the time
 * of memrec's evaluator when the model scores only the candidates (`score` with a query's candidates), beside
 * the path it replaced, which scored the whole catalogue and gathered the candidates' columns. Same model
 * (SASRec, initial weights), same users, same candidates; the two metric sets must agree.
 *
 * Usage: node dist/scripts/bench/sampled-eval.js [--items N] [--users N] [--backend native|cpu|wasm]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '../../src/compute/backend';
import type { UserLists } from '../../src/data/interactions';
import { evaluate } from '../../src/eval/evaluate';
import { metricGrid } from '../../src/eval/metrics';
import type { Model, ScoreQuery, TrainData } from '../../src/models/model';
import type { NamedArrays } from '../../src/util/named-arrays';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';

const { values } = parseArgs({
  options: { items: { type: 'string', default: '1000000' }, users: { type: 'string', default: '1024' }, backend: { type: 'string', default: 'native' } },
});
const numItems = Number(values.items);
const numUsers = Number(values.users);
const LENGTH = 50;
const NEGATIVES = 100;

/** The evaluator's old route: every item scored, then the candidates' columns gathered. */
class FullThenGather implements Model {
  constructor(private readonly inner: Model) {}
  init(): void {}
  score(query: ScoreQuery): tf.Tensor2D {
    const full = this.inner.score({ ...query, candidates: null });
    if (!query.candidates) return full;
    const candidates = query.candidates;
    return tf.tidy(() => {
      const [rows, width] = full.shape;
      const start = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(width, 'int32')), [rows, 1]);
      return tf.reshape(tf.gather(tf.reshape(full, [-1]), tf.reshape(tf.add(candidates, start), [-1])), candidates.shape) as tf.Tensor2D;
    });
  }
  async state(): Promise<NamedArrays> {
    return {};
  }
  restore(): void {}
  dispose(): void {}
}

async function main(): Promise<void> {
  const backend = await selectBackend(values.backend as BackendChoice, new Reporter(true));
  const rng = stream(0, 'synthetic', 'sampled-eval-bench');
  const offsets = Int32Array.from({ length: numUsers + 1 }, (_, u) => u * LENGTH);
  const items = Int32Array.from({ length: numUsers * LENGTH }, () => rng.int(numItems));
  const history: UserLists = { offsets, items };
  const targets: UserLists = { offsets: Int32Array.from({ length: numUsers + 1 }, (_, u) => u), items: Int32Array.from({ length: numUsers }, () => rng.int(numItems)) };
  const candidateItems = new Int32Array(numUsers * (NEGATIVES + 1));
  for (let u = 0; u < numUsers; u++) {
    const row = new Set([targets.items[u]]);
    while (row.size < NEGATIVES + 1) row.add(rng.int(numItems));
    candidateItems.set(Int32Array.from(row).sort(), u * (NEGATIVES + 1));
  }
  const candidates: UserLists = { offsets: Int32Array.from({ length: numUsers + 1 }, (_, u) => u * (NEGATIVES + 1)), items: candidateItems };
  const train: TrainData = {
    numUsers,
    numItems,
    sequences: history,
    timestamps: new Float64Array(items.length),
    itemCategory: new Int32Array(numItems).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(numItems + 1),
    itemTokens: new Int32Array(0),
    numTokens: 0,
  };
  const config = loadConfig(null, ['model.name=sasrec', 'model.dim=50', `model.max_length=${LENGTH}`]);
  const model = createModel(config);
  model.init(train);
  const run = async (scorer: Model) => {
    const started = performance.now();
    const result = await evaluate({
      model: scorer,
      numItems,
      history: { lists: history, timestamps: train.timestamps },
      targets,
      targetTimes: null,
      ties: 'index',
      candidates,
      excludeHistory: false,
      metrics: metricGrid(['hr', 'ndcg'], [10]),
      batchSize: 256,
      keepRankings: false,
    });
    return { seconds: (performance.now() - started) / 1000, means: result.means };
  };
  await run(model); // warm-up
  const after = await run(model);
  const before = await run(new FullThenGather(model));
  const differences = Object.keys(after.means).map((key) => Math.abs(after.means[key] - before.means[key]));
  process.stdout.write(
    `sampled evaluation, SASRec (d 50, L ${LENGTH}), ${numUsers} users x ${NEGATIVES + 1} candidates, ${numItems} items, backend ${backend}:\n` +
      `  full catalogue scored, then gathered (before): ${before.seconds.toFixed(2)} s\n` +
      `  candidates scored only (after):                ${after.seconds.toFixed(3)} s\n` +
      `  speed-up ${(before.seconds / after.seconds).toFixed(0)}x; metrics ${JSON.stringify(after.means)} (largest difference ${Math.max(...differences)})\n`,
  );
  model.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
