/**
 * MARS full ranking: users per second of memrec's evaluator (every item encoded once by both text CNNs, then
 * [users × memory × items] attention products in blocks) at the paper's sizes (e 300, g 64, c 3, K 50), on
 * random documents and random liked sets of a stated shape; the weights are the initial ones (the cost does
 * not depend on their values). Also times the item encoding alone, and the memory-per-candidate route that
 * the batched one replaced: each candidate scored on its own gathered memory ([B, X, W] products with X = 1
 * candidate column per call), on the first users only.
 *
 * Usage: node dist/scripts/bench/mars-ranking.js [--users N] [--items N] [--liked N] [--words N] [--vocab N]
 *   [--backend native|cpu|wasm|tensorflow]
 * Defaults: the shape of the paper's Amazon Video Games (2,670 users, 47,063 items, 17 likes per user, of
 * which 65% are the test history), 100-word documents over 25,035 words.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '../../src/compute/backend';
import type { UserLists } from '../../src/data/interactions';
import type { Model, TrainData } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';
import { timeFullRanking } from './common';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '2670' },
    items: { type: 'string', default: '47063' },
    liked: { type: 'string', default: '11' },
    words: { type: 'string', default: '100' },
    vocab: { type: 'string', default: '25035' },
    backend: { type: 'string', default: 'native' },
  },
});
const [numUsers, numItems, liked, words, vocab] = [values.users, values.items, values.liked, values.words, values.vocab].map(Number);

function randomData(): TrainData {
  const rng = stream(0, 'synthetic', 'mars-bench');
  const history: UserLists = {
    offsets: Int32Array.from({ length: numUsers + 1 }, (_, u) => u * liked),
    items: Int32Array.from({ length: numUsers * liked }, () => rng.int(numItems)),
  };
  return {
    numUsers,
    numItems,
    sequences: history,
    timestamps: new Float64Array(history.items.length),
    itemCategory: new Int32Array(numItems).fill(-1),
    numCategories: 0,
    itemTokenOffsets: Int32Array.from({ length: numItems + 1 }, (_, i) => i * words),
    itemTokens: Int32Array.from({ length: numItems * words }, () => rng.int(vocab)),
    numTokens: vocab,
  };
}

async function main(): Promise<void> {
  const backend = await selectBackend(values.backend as BackendChoice, new Reporter(true));
  const train = randomData();
  const model = createModel(loadConfig(null, ['model.name=mars']));
  model.init(train);
  const cpuSince = (start: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const encodeCpu = process.cpuUsage();
  const encodeStart = performance.now();
  const states = (model.userStates as NonNullable<Model['userStates']>)({ lists: train.sequences, timestamps: train.timestamps }, Int32Array.of(0));
  states.dispose();
  const encodeSeconds = (performance.now() - encodeStart) / 1000;
  const encodeCpuSeconds = cpuSince(encodeCpu);
  const cpuBefore = process.cpuUsage();
  const seconds = await timeFullRanking(model, train.sequences, numUsers, numItems);
  const cpuSeconds = cpuSince(cpuBefore);
  // the unbatched route: one candidate column per score call, for the first few users' whole catalogue
  const probeUsers = 2;
  const probeItems = Math.min(numItems, 2000);
  const probeCpu = process.cpuUsage();
  const probeStart = performance.now();
  const history = { lists: train.sequences, timestamps: train.timestamps };
  const cached = (model.userStates as NonNullable<Model['userStates']>)(history, Int32Array.from({ length: probeUsers }, (_, u) => u));
  for (let j = 0; j < probeItems; j++) {
    const scores = tf.tidy(() => model.score({ users: Int32Array.from({ length: probeUsers }, (_, u) => u), history, targetTimes: null, candidates: tf.fill([probeUsers, 1], j, 'int32') as tf.Tensor2D, states: cached }));
    await scores.data();
    scores.dispose();
  }
  cached.dispose();
  const scale = numItems / probeItems;
  const unbatched = probeUsers / (((performance.now() - probeStart) / 1000) * scale);
  const unbatchedCpu = probeUsers / (cpuSince(probeCpu) * scale);
  model.dispose();
  process.stdout.write(
    `MARS full ranking on ${backend}: ${numUsers} users × ${numItems} items, ${liked} likes per user, ${words}-word documents over ${vocab} words (e 300, g 64, c 3, K 50)\n` +
      `  encoding every item by both CNNs: ${encodeSeconds.toFixed(2)} s wall, ${encodeCpuSeconds.toFixed(2)} s of CPU\n` +
      `  evaluator (batched): ${seconds.toFixed(2)} s wall, ${(numUsers / seconds).toFixed(1)} users/s (encoding included); ${cpuSeconds.toFixed(2)} s of CPU, ${(numUsers / cpuSeconds).toFixed(1)} users per CPU second\n` +
      `  one candidate per call (extrapolated from ${probeUsers} users × ${probeItems} items): ${unbatched.toFixed(3)} users/s, ${unbatchedCpu.toFixed(3)} users per CPU second\n`,
  );
}

void main();
