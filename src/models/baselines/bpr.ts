import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import type { LossName } from '../losses';
import { NeuralModel } from '../neural-model';
import { normalInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';

export const BPR_KEYS = {
  dim: int(64, 'latent factors', { min: 1 }),
  init_std: num(0.1, 'standard deviation of the normal initial factors (LibRec and MyMediaLite use 0.1)', { above: 0 }),
};

/**
 * BPR-MF (Rendle et al., UAI 2009): score(u, i) = p_u · q_i, trained on (user, item) pairs with the BPR loss
 * against sampled items the user has not interacted with. Rendle's LearnBPR samples triples uniformly with
 * replacement; memrec shuffles all training pairs each epoch, the usual mini-batch form of the same objective.
 */
export class BprMf<P extends ParamsOf<typeof BPR_KEYS> = ParamsOf<typeof BPR_KEYS>> extends NeuralModel<P> {
  readonly batchKind = 'pairs';
  readonly inputLength = 0;
  readonly defaultLoss: LossName = 'bpr';

  protected build(train: TrainData): void {
    const { dim, init_std: std } = this.params;
    this.addWeight('user_factors', normalInit(this.initRng, [train.numUsers, dim], std));
    this.addWeight('item_factors', normalInit(this.initRng, [train.numItems, dim], std));
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const users = tf.gather(this.weight('user_factors'), batch.users);
    const candidates = tf.gather(this.weight('item_factors'), items);
    return tf.sum(tf.mul(tf.expandDims(users, 1), candidates), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    return tf.matMul(tf.gather(this.weight('user_factors'), batch.users), this.weight('item_factors'), false, true);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const users = tf.gather(this.weight('user_factors'), tf.tensor1d(query.users, 'int32')) as tf.Tensor2D;
      return scoreItems(users, this.weight('item_factors') as tf.Tensor2D, null, query.candidates);
    });
  }
}

export const bprEntry = modelEntry({
  name: 'bpr',
  title: 'BPR-MF: matrix factorisation with Bayesian personalised ranking',
  paper: 'Rendle, Freudenthaler, Gantner, Schmidt-Thieme. BPR: Bayesian Personalized Ranking from Implicit Feedback. UAI 2009',
  keys: BPR_KEYS,
  memory: (p, s) => ({ parameters: (s.numUsers + s.numItems) * p.dim, largestTensor: Math.max(s.numUsers, s.numItems) * p.dim }),
  create: (context) => new BprMf(context),
});
