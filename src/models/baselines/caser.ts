import * as tf from '@tensorflow/tfjs-core';
import { int, num, oneOf, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import { ConfigError } from '../../util/errors';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { ACTIVATIONS, horizontalConvolutions, verticalConvolution, type Activation } from '../layers/convolution';
import { normalInit, uniformInit, zerosInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';

const KEYS = {
  dim: int(50, 'embedding size d (item, user, and the fully connected layer\'s output)', { min: 1 }),
  max_length: int(5, 'L: previous items in a window (horizontal filter heights are 1..L); the paper\'s T (targets per window) is fixed at 1 here', { min: 1 }),
  num_h_filters: int(16, 'n_h: horizontal filters per height (0 drops the horizontal convolutions)', { min: 0 }),
  num_v_filters: int(4, 'n_v: vertical filters (0 drops the vertical convolution)', { min: 0 }),
  dropout: num(0.5, 'dropout rate on the concatenated convolution outputs', { min: 0, max: 0.99 }),
  activation: oneOf(Object.keys(ACTIVATIONS), 'relu', 'activation of the horizontal convolutions and of the fully connected layer (the authors\' ac_conv and ac_fc)'),
};

/** PyTorch's default init of a Conv2d or Linear weight and bias: uniform in ±1/sqrt(fan_in). */
function torchDefault(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/**
 * Caser (Tang & Wang, WSDM 2018), following the authors' code (graytowne/caser_pytorch):
 *   E = the embeddings of the L items before the target (left padding = zero rows);
 *   o = dropout([vertical conv of E (n_v·d); max-pooled horizontal convs of heights 1..L (L·n_h)]);
 *   z = act(W o + b);  y_i = W'_i · [z; P_u] + b'_i.
 * W o is computed as W_v o_v + W_h o_h (dropout applied to each part), which is the same thing without the
 * concatenation, whose gradient (a column split) is slow on tfjs's cpu backend.
 * Deviations: one target per window (the paper trains on T next items at once, T = 3 on some data; memrec's
 * 'windows' batches predict the one item after each window). The padding rows are zeros outside the weights
 * (the authors embed padding as a trainable item 0). One `activation` key serves the horizontal convolutions
 * and the fully connected layer (the code's ac_conv and ac_fc, both relu by default).
 */
export class Caser extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'windows';
  readonly defaultLoss = 'bce' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim, max_length: length, num_h_filters: hFilters, num_v_filters: vFilters } = this.params;
    // the authors' init: embeddings normal with std 1/(embedding width), output bias zero, the rest PyTorch's default
    this.addWeight('user_embedding', normalInit(this.initRng, [train.numUsers, dim], 1 / dim));
    this.addWeight('item_embedding', normalInit(this.initRng, [train.numItems, dim], 1 / dim));
    if (vFilters > 0) {
      this.addWeight('conv_v_kernel', uniformInit(this.initRng, [length, vFilters], torchDefault(length)));
      this.addWeight('conv_v_bias', uniformInit(this.initRng, [vFilters], torchDefault(length)));
    }
    if (hFilters > 0) {
      for (let h = 1; h <= length; h++) {
        this.addWeight(`conv_h${h}_kernel`, uniformInit(this.initRng, [h * dim, hFilters], torchDefault(h * dim)));
        this.addWeight(`conv_h${h}_bias`, uniformInit(this.initRng, [hFilters], torchDefault(h * dim)));
      }
    }
    // the fully connected layer's kernel in two blocks, W = [W_v; W_h], with the init bound of the whole layer
    const fcIn = vFilters * dim + hFilters * length;
    if (vFilters > 0) this.addWeight('fc_v_kernel', uniformInit(this.initRng, [vFilters * dim, dim], torchDefault(fcIn)));
    if (hFilters > 0) this.addWeight('fc_h_kernel', uniformInit(this.initRng, [hFilters * length, dim], torchDefault(fcIn)));
    this.addWeight('fc_bias', uniformInit(this.initRng, [dim], torchDefault(fcIn)));
    this.addWeight('output_weight', normalInit(this.initRng, [train.numItems, 2 * dim], 1 / (2 * dim)));
    this.addWeight('output_bias', zerosInit([train.numItems]));
  }

  private get activation(): Activation {
    return ACTIVATIONS[this.params.activation];
  }

  /**
   * [B, L, d] embeddings of shifted inputs: a zero row in front of the table, so that input 0 (padding) picks
   * zeros and input v item v - 1 (cheaper than masking the rows, a broadcast multiply that is slow on cpu).
   */
  private embed(inputs: tf.Tensor2D): tf.Tensor3D {
    const padded = tf.concat([tf.zeros([1, this.params.dim]), this.weight('item_embedding')], 0);
    return tf.gather(padded, inputs) as tf.Tensor3D;
  }

  /** [B, 2d] the query [z; P_u] of each window. */
  private query(users: tf.Tensor1D, inputs: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const embeddings = this.embed(inputs);
    const length = inputs.shape[1];
    const rate = this.params.dropout;
    const terms: tf.Tensor[] = [];
    if (this.params.num_v_filters > 0) {
      const vertical = verticalConvolution(embeddings, this.weight('conv_v_kernel') as tf.Tensor2D, this.weight('conv_v_bias') as tf.Tensor1D);
      terms.push(tf.matMul(this.dropout(vertical, rate, training), this.weight('fc_v_kernel')));
    }
    if (this.params.num_h_filters > 0) {
      const heights = Array.from({ length }, (_, k) => k + 1);
      const kernels = heights.map((h) => this.weight(`conv_h${h}_kernel`) as tf.Tensor2D);
      const biases = heights.map((h) => this.weight(`conv_h${h}_bias`) as tf.Tensor1D);
      const horizontal = horizontalConvolutions(embeddings, kernels, biases, this.activation);
      terms.push(tf.matMul(this.dropout(horizontal, rate, training), this.weight('fc_h_kernel')));
    }
    const z = this.activation(tf.add(terms.length > 1 ? tf.addN(terms) : terms[0], this.weight('fc_bias')));
    return tf.concat([z, tf.gather(this.weight('user_embedding'), users)], 1) as tf.Tensor2D;
  }

  private allItemLogits(query: tf.Tensor2D, candidates: tf.Tensor2D | null = null): tf.Tensor2D {
    return scoreItems(query, this.weight('output_weight') as tf.Tensor2D, this.weight('output_bias') as tf.Tensor1D, candidates);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const query = this.query(batch.users, batch.inputs as tf.Tensor2D, training);
    const weights = tf.gather(this.weight('output_weight'), items);
    const scores = tf.reshape(tf.matMul(weights, tf.expandDims(query, 2)), [items.shape[0], items.shape[1]]);
    return tf.add(scores, tf.gather(this.weight('output_bias'), items)) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return this.allItemLogits(this.query(batch.users, batch.inputs as tf.Tensor2D, training));
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const { users } = query;
    return tf.tidy(() => {
      const inputs = tf.tensor2d(lastWindows(query.history.lists, users, this.inputLength), [users.length, this.inputLength], 'int32');
      return this.allItemLogits(this.query(tf.tensor1d(users, 'int32'), inputs, false), query.candidates);
    });
  }
}

/**
 * Caser as the authors' code runs it, with T = 1 target per window. Choices where the paper is silent follow
 * graytowne/caser_pytorch: biases on every convolution; dropout on the concatenated convolution outputs;
 * init normal with std 1/d (user and item embeddings) and 1/(2d) (output weights W', width 2d), zero output
 * bias, PyTorch's default uniform ±1/sqrt(fan_in) for the convolutions and the fully connected layer.
 * Padding is a fixed zero row, not a trainable item. The authors train with 3 sampled negatives per window
 * (train.num_negatives=3), Adam lr 1e-3, weight decay 1e-6 (train.l2=5e-7 in memrec's sum-of-squares form),
 * batch 512; their BCE averages the negative terms where memrec's 'bce' sums them per target.
 */
export const caserEntry = modelEntry({
  name: 'caser',
  title: 'Caser: horizontal and vertical convolutions over the last L item embeddings, plus the user embedding',
  paper: 'Tang, Wang. Personalized Top-N Sequential Recommendation via Convolutional Sequence Embedding. WSDM 2018',
  keys: KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003, 0.01], 'model.dropout': [0.2, 0.5], 'model.max_length': [3, 5, 9] },
  check(params, where) {
    if (params.num_h_filters + params.num_v_filters === 0) {
      throw new ConfigError(`${where('num_h_filters')}: model.num_h_filters and model.num_v_filters (${where('num_v_filters')}) cannot both be 0`);
    }
  },
  memory: (p, s) => ({ parameters: (s.numUsers + 3 * s.numItems) * p.dim + p.max_length * p.num_h_filters * p.max_length * p.dim, largestTensor: Math.max(s.numUsers * p.dim, s.numItems * 2 * p.dim, s.batchSize * p.max_length * p.dim) }),
  create: (context) => new Caser(context),
});
