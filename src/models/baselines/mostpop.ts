import * as tf from '@tensorflow/tfjs-core';
import type { FitContext, Model, ModelEntry, TrainData } from '../model';
import type { NamedArrays } from '../../results/arrays-file';
import type { UserLists } from '../../data/interactions';
import { itemCounts } from './popularity';

/** MostPop: every user gets the items ranked by how often they occur in the training data. */
export class MostPop implements Model {
  private popularity: tf.Tensor2D | null = null;

  async fit(ctx: FitContext): Promise<void> {
    this.setCounts(itemCounts(ctx.train));
  }

  private setCounts(counts: Float32Array): void {
    this.popularity?.dispose();
    this.popularity = tf.tensor2d(counts, [1, counts.length]);
  }

  scoreAll(users: Int32Array, _history: UserLists): tf.Tensor2D {
    const popularity = this.popularity;
    if (!popularity) throw new Error('mostpop: scoreAll before fit');
    return tf.tidy(() => tf.tile(popularity, [users.length, 1]));
  }

  state(): NamedArrays {
    if (!this.popularity) throw new Error('mostpop: state before fit');
    return { popularity: { data: this.popularity.dataSync() as Float32Array, shape: [this.popularity.shape[1]] } };
  }

  restore(state: NamedArrays, train: TrainData): void {
    const stored = state.popularity;
    if (!stored || stored.data.length !== train.numItems) throw new Error('mostpop: checkpoint does not fit the data');
    this.setCounts(Float32Array.from(stored.data));
  }

  dispose(): void {
    this.popularity?.dispose();
    this.popularity = null;
  }
}

export const mostpopEntry: ModelEntry = {
  name: 'mostpop',
  title: 'MostPop: global popularity',
  paper: 'the popularity baseline of every paper memrec reproduces',
  keys: {},
  create: () => new MostPop(),
};
