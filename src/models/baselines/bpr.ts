import * as tf from '@tensorflow/tfjs-core';
import { int, num } from '../../config/spec';
import type { UserLists } from '../../data/interactions';
import type { ModelEntry, TrainData } from '../model';
import { NeuralModel, type BatchTensors } from '../neural-model';
import { normalInit } from '../layers/init';

/**
 * BPR-MF (Rendle et al., UAI 2009): score(u, i) = p_u · q_i, trained on (user, item) pairs with the BPR loss
 * against sampled items the user has not interacted with. Rendle's LearnBPR samples triples uniformly with
 * replacement; memrec shuffles all training pairs each epoch, the usual mini-batch form of the same objective.
 */
export class BprMf extends NeuralModel {
  readonly batchKind = 'pairs' as const;
  readonly defaultLoss = 'bpr' as const;

  protected build(train: TrainData): void {
    const dim = this.config.int('model.dim');
    const std = this.config.num('model.init_std');
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

  scoreAll(users: Int32Array, _history: UserLists): tf.Tensor2D {
    return tf.tidy(() =>
      tf.matMul(tf.gather(this.weight('user_factors'), tf.tensor1d(users, 'int32')), this.weight('item_factors'), false, true),
    );
  }
}

export const bprEntry: ModelEntry = {
  name: 'bpr',
  title: 'BPR-MF: matrix factorisation with Bayesian personalised ranking',
  paper: 'Rendle, Freudenthaler, Gantner, Schmidt-Thieme. BPR: Bayesian Personalized Ranking from Implicit Feedback. UAI 2009',
  keys: {
    dim: int(64, 'latent factors', { min: 1 }),
    init_std: num(0.1, 'standard deviation of the normal initial factors (LibRec and MyMediaLite use 0.1)', { above: 0 }),
  },
  create: (config) => new BprMf(config),
};
