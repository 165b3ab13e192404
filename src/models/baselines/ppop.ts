import * as tf from '@tensorflow/tfjs-core';
import type { FitContext, Model, ModelEntry, TrainData } from '../model';
import type { NamedArrays } from '../../results/arrays-file';
import type { UserLists } from '../../data/interactions';
import { countMatrix, lengthsOf } from '../../data/user-lists';
import { RunError } from '../../util/errors';
import { itemCounts } from './popularity';

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

  async fit(ctx: FitContext): Promise<void> {
    this.setCounts(itemCounts(ctx.train));
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

  scoreAll(users: Int32Array, history: UserLists): tf.Tensor2D {
    const globalLevel = this.globalLevel;
    if (!globalLevel) throw new Error('ppop: scoreAll before fit');
    const longest = lengthsOf(history, users).reduce((a, b) => Math.max(a, b), 0);
    if ((longest + 1) * this.levels >= FLOAT32_EXACT) {
      throw new RunError(`ppop: a history of ${longest} items with ${this.levels} popularity levels exceeds float32's exact range`);
    }
    const levels = this.levels;
    return tf.tidy(() => {
      const personal = countMatrix(history, users, globalLevel.shape[1]);
      return tf.add(tf.mul(personal, levels), globalLevel) as tf.Tensor2D;
    });
  }

  state(): NamedArrays {
    if (!this.globalLevel) throw new Error('ppop: state before fit');
    return { global_level: { data: this.globalLevel.dataSync() as Float32Array, shape: [this.globalLevel.shape[1]] } };
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

export const ppopEntry: ModelEntry = {
  name: 'ppop',
  title: 'P-Pop: personal popularity',
  paper: 'the personal-popularity baseline of MTAM (Ji et al., CIKM 2020) and DMAN (Tan et al., AAAI 2021)',
  keys: {},
  create: () => new PersonalPop(),
};
