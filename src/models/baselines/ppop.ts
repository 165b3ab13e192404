import * as tf from '@tensorflow/tfjs-core';
import { modelEntry, type Model, type ScoreQuery, type TrainData } from '../model';
import type { NamedArrays } from '../../util/named-arrays';
import type { UserLists } from '../../data/interactions';
import { lengthsOf, rowItemPairs } from '../../data/user-lists';
import { itemCounts } from '../../data/item-counts';
import { RunError } from '../../util/errors';

/** Largest integer that float32 represents exactly; scores must stay below it to keep the order exact. */
const FLOAT32_EXACT = 2 ** 24;

/**
 * P-Pop (personal popularity): the user's own most frequent items first, then the rest by global popularity.
 * The score is personalCount * levels + globalLevel, where globalLevel is the dense rank (0 = rarest) of the
 * item's global count among the `levels` distinct counts: an exact lexicographic order in float32 as long as
 * the largest score stays below 2^24 (checked). Ties within both keys fall to the evaluator's tie policy.
 */
export class PersonalPop implements Model {
  private globalLevel: tf.Tensor2D | null = null;
  private levels = 1;

  init(train: TrainData): void {
    this.setCounts(itemCounts(train.sequences, train.numItems));
  }

  private setCounts(counts: Float32Array): void {
    const distinct = Float32Array.from(new Set(counts)).sort();
    const levelOf = new Map<number, number>();
    distinct.forEach((count, level) => levelOf.set(count, level));
    const level = Float32Array.from(counts, (count) => levelOf.get(count) as number);
    this.levels = distinct.length;
    this.globalLevel?.dispose();
    this.globalLevel = tf.tensor2d(level, [1, counts.length]);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    const history = query.history.lists;
    const globalLevel = this.globalLevel;
    if (!globalLevel) throw new Error('ppop: score before init');
    const longest = lengthsOf(history, users).reduce((a, b) => Math.max(a, b), 0);
    if ((longest + 1) * this.levels >= FLOAT32_EXACT) {
      throw new RunError(`ppop: a history of ${longest} items with ${this.levels} popularity levels exceeds float32's exact range`);
    }
    const levels = this.levels;
    return tf.tidy(() => {
      if (candidates) return tf.add(tf.mul(candidateCounts(history, users, candidates), levels), tf.gather(tf.reshape(globalLevel, [-1]), candidates)) as tf.Tensor2D;
      const personal = countMatrix(history, users, globalLevel.shape[1]);
      return tf.add(tf.mul(personal, levels), globalLevel) as tf.Tensor2D;
    });
  }

  async state(): Promise<NamedArrays> {
    if (!this.globalLevel) throw new Error('ppop: state before init');
    return { global_level: { data: await this.globalLevel.data() as Float32Array, shape: [this.globalLevel.shape[1]] } };
  }

  restore(state: NamedArrays, train: TrainData): void {
    const stored = state.global_level;
    if (!stored || stored.data.length !== train.numItems) throw new Error('ppop: checkpoint does not fit the data');
    // The levels are a dense rank, so their count is the largest level + 1.
    this.levels = (stored.data as Float32Array).reduce((a: number, b: number) => Math.max(a, b), 0) + 1;
    this.globalLevel?.dispose();
    this.globalLevel = tf.tensor2d(Float32Array.from(stored.data), [1, train.numItems]);
  }

  dispose(): void {
    this.globalLevel?.dispose();
    this.globalLevel = null;
  }
}

/**
 * A dense [users.length, numItems] float32 tensor counting how often each user's list holds each item
 * (scatterND sums repeated pairs). Zero rows for users with empty lists.
 */
function countMatrix(lists: UserLists, users: Int32Array, numItems: number): tf.Tensor2D {
  const { rows, cols } = rowItemPairs(lists, users);
  if (rows.length === 0) return tf.zeros([users.length, numItems]);
  return tf.tidy(() => {
    const indices = tf.stack([tf.tensor1d(rows, 'int32'), tf.tensor1d(cols, 'int32')], 1);
    return tf.scatterND(indices, tf.ones([rows.length]), [users.length, numItems]);
  }) as tf.Tensor2D;
}

/**
 * [B, C] how often each row's history holds each of its candidates: one comparison of [B, C, 1] with the
 * padded histories [B, 1, H], so the catalogue is never materialised.
 */
function candidateCounts(history: ScoreQuery['history']['lists'], users: Int32Array, candidates: tf.Tensor2D): tf.Tensor2D {
  const lengths = lengthsOf(history, users);
  const width = Math.max(1, lengths.reduce((a, b) => Math.max(a, b), 0));
  const padded = new Int32Array(users.length * width).fill(-1);
  users.forEach((u, b) => padded.set(history.items.subarray(history.offsets[u], history.offsets[u + 1]), b * width));
  const rows = tf.tensor3d(padded, [users.length, 1, width], 'int32');
  return tf.sum(tf.cast(tf.equal(tf.expandDims(candidates, 2), rows), 'float32'), 2) as tf.Tensor2D;
}

export const ppopEntry = modelEntry({
  name: 'ppop',
  title: 'P-Pop: personal popularity',
  paper: 'the personal-popularity baseline of MTAM (Ji et al., CIKM 2020) and DMAN (Tan et al., AAAI 2021)',
  keys: {},
  memory: (_, s) => ({ parameters: s.numItems, largestTensor: s.evalBatchSize * s.numItems }),
  create: () => new PersonalPop(),
});
