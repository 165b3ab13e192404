import * as tf from '@tensorflow/tfjs-core';
import { int, num } from '../../config/spec';
import type { UserLists } from '../../data/interactions';
import type { ModelEntry, TrainData } from '../model';
import { NeuralModel, type BatchTensors } from '../neural-model';
import { addGruWeights, gruLastState, gruStates, gruWeightsOf, type GruWeights } from '../layers/gru';
import { glorotInit, zerosInit } from '../layers/init';
import { lastItems } from '../layers/inputs';

/**
 * GRU4Rec (Hidasi et al., ICLR 2016; losses of Hidasi & Karatzoglou, CIKM 2018): item embedding → stacked GRU
 * layers → the hidden state at every step scores items through a separate output item embedding plus bias,
 * as the official code's final layer. The choices the papers leave open are listed on gru4recEntry.
 */
export class Gru4Rec extends NeuralModel {
  readonly batchKind = 'sequences' as const;
  readonly defaultLoss = 'sampled_softmax' as const;

  protected build(train: TrainData): void {
    const dim = this.config.int('model.dim');
    const embeddingDim = this.config.int('model.embedding_dim');
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems, embeddingDim]));
    for (let layer = 0; layer < this.config.int('model.num_layers'); layer++) {
      addGruWeights(add, `gru${layer}`, this.initRng, layer === 0 ? embeddingDim : dim, dim);
    }
    this.addWeight('output_items', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('output_bias', zerosInit([train.numItems]));
  }

  private gru(layer: number): GruWeights {
    return gruWeightsOf((name) => this.weight(name), `gru${layer}`);
  }

  /**
   * The embedded inputs run through every GRU layer but the top one, and the step mask (0 on left padding).
   * inputs [B, L] shifted items (0 = padding).
   */
  private belowTop(inputs: tf.Tensor2D, training: boolean): { x: tf.Tensor3D; mask: tf.Tensor2D } {
    const mask = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    // padding rows gather item 0; the mask keeps them from touching the state
    let x = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    const rate = this.config.num('model.dropout');
    for (let layer = 0; layer + 1 < this.config.int('model.num_layers'); layer++) {
      x = this.dropout(gruStates(x, mask, this.gru(layer)), rate, training);
    }
    return { x, mask };
  }

  /** [B * L, dim] top-layer state at every prediction point of a sequence batch. */
  private pointStates(batch: BatchTensors, training: boolean): tf.Tensor2D {
    const { x, mask } = this.belowTop(batch.inputs as tf.Tensor2D, training);
    const top = gruStates(x, mask, this.gru(this.config.int('model.num_layers') - 1));
    return tf.reshape(this.dropout(top, this.config.num('model.dropout'), training), [-1, this.config.int('model.dim')]);
  }

  /** [rows, numItems] scores of every item from states [rows, dim]: H · W_outᵀ + b. */
  private scoreEveryItem(states: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(states, this.weight('output_items'), false, true), this.weight('output_bias'));
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const states = tf.expandDims(this.pointStates(batch, training), 1);
    // a product and a sum, not a batched matmul: the cpu backend's matmul is slow on P tiny [1, dim] × [dim, k]
    const dots = tf.sum(tf.mul(states, tf.gather(this.weight('output_items'), items)), 2);
    return tf.add(dots, tf.gather(this.weight('output_bias'), items));
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return this.scoreEveryItem(this.pointStates(batch, training));
  }

  scoreAll(users: Int32Array, history: UserLists): tf.Tensor2D {
    return tf.tidy(() => {
      const length = this.config.int('model.max_length');
      const inputs = tf.tensor2d(lastItems(history, users, length), [users.length, length], 'int32');
      const { x, mask } = this.belowTop(inputs, false);
      return this.scoreEveryItem(gruLastState(x, mask, this.gru(this.config.int('model.num_layers') - 1)));
    });
  }
}

/**
 * GRU4Rec's choices and deviations:
 * - Input: a learned item embedding of size embedding_dim instead of the paper's one-hot input (one-hot into
 *   W_x is an item embedding of size 3·dim; this factorises it through embedding_dim).
 * - Training: one example per user, the last max_length + 1 training items with a next-item target at every
 *   position (batch kind 'sequences'), instead of session-parallel mini-batches that carry the hidden state
 *   across sessions; the per-step next-item objective is the same. A user's whole history is one session.
 * - Loss: sampled_softmax by default, cross-entropy over the positive and train.num_negatives sampled
 *   negatives, the CIKM 2018 paper's best with many negatives (so raise train.num_negatives from 1).
 *   BPR-max is not included: losses are the trainer's shared train.loss choices, and BPR-max (softmax-weighted
 *   BPR plus a score regulariser) is not one of them.
 * - Init: Glorot uniform for every matrix and zero biases, as the official code's init_parameter_matrix.
 * - Dropout: model.dropout (the official dropout_p_hidden) on each GRU layer's output states; the recurrent
 *   state itself is not dropped. No dropout on the embedding (dropout_p_embed).
 */
export const gru4recEntry: ModelEntry = {
  name: 'gru4rec',
  title: 'GRU4Rec: a GRU over the item sequence scoring the next item at every step',
  paper:
    'Hidasi, Karatzoglou, Baltrunas, Tikk. Session-based Recommendations with Recurrent Neural Networks. ICLR 2016; ' +
    'Hidasi, Karatzoglou. Recurrent Neural Networks with Top-k Gains for Session-based Recommendations. CIKM 2018',
  keys: {
    dim: int(100, 'GRU hidden size (also the output item embedding size)', { min: 1 }),
    embedding_dim: int(64, 'input item embedding size (the paper feeds one-hot items instead)', { min: 1 }),
    num_layers: int(1, 'stacked GRU layers', { min: 1 }),
    max_length: int(50, 'training items per user (the last max_length + 1) and history items read when scoring', { min: 1 }),
    dropout: num(0, 'dropout on each GRU layer\'s output states (the official dropout_p_hidden)', { min: 0, max: 0.99 }),
  },
  create: (config) => new Gru4Rec(config),
};
