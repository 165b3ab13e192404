/** What the bench scripts share: random training data of a given shape, a timed evaluation, a profile's time per kernel. */
import type * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from '../../src/data/interactions';
import { evaluate } from '../../src/eval/evaluate';
import { metricGrid } from '../../src/eval/metrics';
import type { Model, TrainData } from '../../src/models/model';
import { stream } from '../../src/random/streams';

export /** Random training sequences: `users` users with length + 1 items each, an hour and a bit apart. */
function randomTrain(users: number, items: number, length: number): TrainData {
  const rng = stream(0, 'synthetic', 'bench');
  const per = length + 1;
  const offsets = Int32Array.from({ length: users + 1 }, (_, u) => u * per);
  const seq = Int32Array.from({ length: users * per }, () => rng.int(items));
  return {
    numUsers: users,
    numItems: items,
    sequences: { offsets, items: seq },
    timestamps: Float64Array.from(seq, (_, p) => p * 3600 + (p % 7) * 600),
    itemCategory: new Int32Array(items).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(items + 1),
    itemTokens: new Int32Array(0),
    numTokens: 0,
  };
}

/**
 * Milliseconds per kernel name over one profiled call, largest first (a backend that cannot time its kernels,
 * such as webgpu without timestamp queries, reports an error object for each: those count 0).
 */
export function kernelTimes(profile: Awaited<ReturnType<typeof tf.profile>>): Array<[string, number]> {
  const total = new Map<string, number>();
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total.set(k.name, (total.get(k.name) ?? 0) + ms);
  }
  return [...total.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * Seconds of a full-ranking evaluation (history excluded, HR and NDCG at 10, batches of 256 users) of `model`
 * for the first `users` users of `history`, user u's target being item u mod numItems.
 */
export async function timeFullRanking(model: Model, history: UserLists, users: number, numItems: number): Promise<number> {
  const started = performance.now();
  await evaluate({
    model,
    numItems,
    history: { lists: { offsets: history.offsets.subarray(0, users + 1), items: history.items }, timestamps: new Float64Array(history.items.length) },
    targets: { offsets: Int32Array.from({ length: users + 1 }, (_, u) => u), items: Int32Array.from({ length: users }, (_, u) => u % numItems) },
    targetTimes: null,
    ties: 'index',
    candidates: null,
    excludeHistory: true,
    metrics: metricGrid(['ndcg', 'hr'], [10]),
    batchSize: 256,
    keepRankings: false,
  });
  return (performance.now() - started) / 1000;
}
