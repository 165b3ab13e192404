/**
 * The memrec side of scripts/reference/narm_stamp.py: builds NARM (each local encoder and recurrent unit) and
 * STAMP on small random data with times, moves every weight off its initial value (so that zero biases are
 * exercised too), and writes each network's weights, a batch of left-padded inputs with their ages before the
 * target (users shorter and longer than max_length) and memrec's scores of every item, as JSON.
 *
 * Usage: node dist/scripts/reference/narm-stamp-dump.js OUT.json
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/compute/backend';
import { lastWindowAges, lastWindows } from '../../src/data/windows';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';

const NUM_USERS = 6;
const NUM_ITEMS = 30;
const LENGTH = 8;

const NARM = ['model.name=narm', 'model.dim=6', 'model.embedding_dim=5'];
const VARIANTS: Record<string, string[]> = {
  narm: NARM,
  narm_dot: [...NARM, 'model.attention=dot'],
  narm_plus: [...NARM, 'model.attention=time_aware'],
  narm_plus_plus: [...NARM, 'model.attention=time_aware', 'model.unit=tgru'],
  stamp: ['model.name=stamp', 'model.dim=6'],
};

async function main() {
  await selectBackend('cpu', new Reporter(false));
  const rng = stream(3, 'synthetic', 'reference');
  // lengths 1..14 around max_length 8: padded windows, a one-item window and truncated ones
  const lengths = [1, 3, 8, 14, 5, 11];
  const offsets = Int32Array.from({ length: NUM_USERS + 1 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const items = Int32Array.from({ length: offsets[NUM_USERS] }, () => rng.int(NUM_ITEMS));
  const times = new Float64Array(items.length);
  for (let p = 0; p < times.length; p++) times[p] = p === 0 || offsets.includes(p) ? 1.6e9 + rng.int(1e6) : times[p - 1] + rng.int(400000);
  const train: TrainData = {
    numUsers: NUM_USERS, numItems: NUM_ITEMS, sequences: { offsets, items }, timestamps: times,
    itemCategory: new Int32Array(NUM_ITEMS).fill(-1), numCategories: 0,
    itemTokenOffsets: new Int32Array(NUM_ITEMS + 1), itemTokens: new Int32Array(0), numTokens: 0,
  };
  const users = Int32Array.from({ length: NUM_USERS }, (_, u) => u);
  const targetTimes = Float64Array.from(users, (u) => times[offsets[u + 1] - 1] + 3600 * (1 + rng.int(48)));
  const out: Record<string, unknown> = {
    num_items: NUM_ITEMS,
    inputs: Array.from(lastWindows(train.sequences, users, LENGTH)),
    ages: Array.from(lastWindowAges(train.sequences, times, users, LENGTH, targetTimes)),
    shape: [NUM_USERS, LENGTH],
    variants: {},
  };
  for (const [label, flags] of Object.entries(VARIANTS)) {
    const model = createModel(loadConfig(null, [...flags, `model.max_length=${LENGTH}`])) as NeuralModel;
    model.init(train);
    const state = await model.state();
    const weights: Record<string, { shape: number[]; data: number[] }> = {};
    for (const [name, { data, shape }] of Object.entries(state)) {
      const moved = Float32Array.from(data, (v) => v + 0.3 * (2 * rng.uniform() - 1));
      state[name] = { data: moved, shape };
      weights[name] = { shape: [...shape], data: Array.from(moved) };
    }
    model.restore(state);
    const scores = tf.tidy(() => model.score({ users, history: { lists: train.sequences, timestamps: times }, targetTimes, candidates: null, states: null }).arraySync());
    (out.variants as Record<string, unknown>)[label] = { flags, weights, scores };
    model.dispose();
  }
  writeFileSync(process.argv[2], JSON.stringify(out));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
