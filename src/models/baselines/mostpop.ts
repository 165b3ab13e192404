import * as tf from '@tensorflow/tfjs-core';
import { itemCounts } from '../../data/item-counts';
import type { NamedArrays } from '../../util/named-arrays';
import { modelEntry, type Model, type ScoreQuery, type TrainData } from '../model';

/** MostPop: every user gets the items ranked by how often they occur in the training data. */
export class MostPop implements Model {
  private popularity: tf.Tensor2D | null = null;

  init(train: TrainData): void {
    this.setCounts(itemCounts(train.sequences, train.numItems));
  }

  private setCounts(counts: Float32Array): void {
    this.popularity?.dispose();
    this.popularity = tf.tensor2d(counts, [1, counts.length]);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const popularity = this.popularity;
    if (!popularity) throw new Error('mostpop: score before init');
    return tf.tidy(() =>
      query.candidates
        ? (tf.gather(tf.reshape(popularity, [-1]) as tf.Tensor1D, query.candidates) as tf.Tensor as tf.Tensor2D)
        : tf.tile(popularity, [query.users.length, 1]),
    );
  }

  async state(): Promise<NamedArrays> {
    if (!this.popularity) throw new Error('mostpop: state before init');
    return { popularity: { data: await this.popularity.data() as Float32Array, shape: [this.popularity.shape[1]] } };
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

export const mostpopEntry = modelEntry({
  name: 'mostpop',
  title: 'MostPop: global popularity',
  paper: 'the popularity baseline of every paper memrec reproduces',
  keys: {},
  memory: (_, s) => ({ parameters: s.numItems, largestTensor: s.numItems }),
  create: () => new MostPop(),
});
