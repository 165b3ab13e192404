import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { normalInit } from '../layers/init';
import { scoreRows } from '../layers/item-scores';

const KEYS = {
  dim: int(64, 'latent factors of each of the four factor matrices', { min: 1 }),
  init_std: num(0.1, 'standard deviation of the normal initial factors', { above: 0 }),
};

/**
 * FPMC (Rendle, Freudenthaler, Schmidt-Thieme, WWW 2010) with every basket a single item, as RUM's
 * experiments use it: score(u, l, i) = <V_UI[u], V_IU[i]> + <V_IL[i], V_LI[l]> for the previous item l.
 * Trained with S-BPR on (user, previous item, next item) transitions. A user with no earlier item (at the
 * start of a history) gets the padding row of V_LI, which is trained like any other.
 */
export class Fpmc extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'transitions';
  readonly inputLength = 1;
  readonly defaultLoss = 'bpr' as const;

  protected build(train: TrainData): void {
    const { dim, init_std: std } = this.params;
    this.addWeight('user_item', normalInit(this.initRng, [train.numUsers, dim], std));
    this.addWeight('item_user', normalInit(this.initRng, [train.numItems, dim], std));
    this.addWeight('item_last', normalInit(this.initRng, [train.numItems, dim], std));
    // row 0 is the padding "no previous item"; row l + 1 is item l
    this.addWeight('last_item', normalInit(this.initRng, [train.numItems + 1, dim], std));
  }

  /** [B, 2d] query: the user's factor and the previous item's factor, to dot with [V_IU; V_IL]. */
  private query(users: tf.Tensor1D, previous: tf.Tensor1D): tf.Tensor2D {
    return tf.concat([tf.gather(this.weight('user_item'), users), tf.gather(this.weight('last_item'), previous)], 1) as tf.Tensor2D;
  }

  private itemKeys(): tf.Tensor2D {
    return tf.concat([this.weight('item_user'), this.weight('item_last')], 1) as tf.Tensor2D;
  }

  /**
   * The two factor products summed, each from its own gathered rows: concatenating the whole item tables
   * first (as fullLogits may) would copy and back-propagate through all of them at every step.
   */
  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const previous = tf.reshape(batch.inputs as tf.Tensor2D, [-1]) as tf.Tensor1D;
    const score = (query: tf.Tensor, keys: tf.Tensor) => tf.sum(tf.mul(tf.expandDims(query, 1), keys), 2);
    const user = score(tf.gather(this.weight('user_item'), batch.users), tf.gather(this.weight('item_user'), items));
    const last = score(tf.gather(this.weight('last_item'), previous), tf.gather(this.weight('item_last'), items));
    return tf.add(user, last) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    const previous = tf.reshape(batch.inputs as tf.Tensor2D, [-1]) as tf.Tensor1D;
    return tf.matMul(this.query(batch.users, previous), this.itemKeys(), false, true);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const previous = tf.tensor1d(lastWindows(query.history.lists, query.users, 1), 'int32');
      const q = this.query(tf.tensor1d(query.users, 'int32'), previous);
      if (!query.candidates) return tf.matMul(q, this.itemKeys(), false, true);
      const keys = tf.concat([tf.gather(this.weight('item_user'), query.candidates), tf.gather(this.weight('item_last'), query.candidates)], 2);
      return scoreRows(q, keys as tf.Tensor3D, null);
    });
  }
}

export const fpmcEntry = modelEntry({
  name: 'fpmc',
  title: 'FPMC: factorised personalised Markov chains, one-item baskets',
  paper: 'Rendle, Freudenthaler, Schmidt-Thieme. Factorizing Personalized Markov Chains for Next-Basket Recommendation. WWW 2010',
  keys: KEYS,
  searchSpace: { 'train.lr': [0.001, 0.01, 0.05], 'model.dim': [32, 64, 128], 'train.l2': [0, 0.00001, 0.0001] },
  memory: (p, s) => ({ parameters: (s.numUsers + 3 * s.numItems + 1) * p.dim, largestTensor: Math.max(s.numUsers, s.numItems + 1) * p.dim }),
  create: (context) => new Fpmc(context),
});
