import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { lastWindowTimes, lastWindows } from '../../data/windows';
import { lengthsOf } from '../../data/user-lists';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import {
  addAttentionWeights,
  addFeedForwardWeights,
  addLayerNormWeights,
  attentionWeightsOf,
  feedForwardWeightsOf,
  layerNorm,
  layerNormWeightsOf,
  pointWiseFeedForward,
  repeatLast,
} from '../layers/attention';
import { glorotInit } from '../layers/init';
import { intervalAttention, personalIntervals } from '../layers/interval-attention';
import { paddedTableLogits, paddedTableScores } from '../layers/item-scores';
import { checkHeads } from './sasrec';

const KEYS = {
  dim: int(50, 'width d of the item, position and interval embeddings and of every layer (paper: 50)', { min: 1 }),
  max_length: int(50, 'the last max_length training items of each user are the input (paper: 50; 200 for ML-1M)', { min: 1 }),
  num_blocks: int(2, 'self-attention blocks (paper: 2)', { min: 1 }),
  num_heads: int(1, 'attention heads (must divide dim)', { min: 1 }),
  dropout: num(0.2, 'dropout on the embeddings, the attention weights and the feed-forward layers (paper: 0.2 on ML-1M)', { min: 0, max: 0.9 }),
  time_span: int(256, 'k: relative intervals, in multiples of the user\'s smallest gap, are clipped at k (the authors\' default 256)', { min: 1 }),
};

/**
 * TiSASRec (Li, Wang, McAuley, WSDM 2020), as the authors' TensorFlow code (JiachengLi1995/TiSASRec):
 *   x = dropout(E[s_t] · √d) ⊙ m            (m: 1 at real positions; no position added to the input)
 *   r_ij = min(k, ⌊|t_i − t_j| / r_min⌋)     (r_min: the user's smallest non-zero gap, see personalIntervals)
 *   per block:  q = LN(x);  x = q + TimeAttention(q, x);  x = LN(x);  x = (x + FFN(x)) ⊙ m
 *     TimeAttention: e_ij = q_i W^Q · (x_j W^K + P^K_j + R^K[r_ij]) / √d,  j ≤ i, j not padding
 *                    z_i = Σ_j softmax_j(e_ij) (x_j W^V + P^V_j + R^V[r_ij])
 *   F = LN(x);  logit(i) at position t = F_t · E[i + 1]   (the item embedding is shared with the output)
 * trained with binary cross-entropy against one sampled negative at every position (the paper's loss).
 *
 * Choices where the paper and the code are vague or differ:
 * - r_min is the smallest gap within the input window (the last max_length items, all the model reads), not
 *   over the user's whole sequence: the authors' code takes it over every interaction of the user, test items
 *   included, which memrec never lets a model see. Intervals are ⌊|t_i − t_j| / r_min⌋ as the paper prints
 *   (the code rounds each scaled time first, then subtracts); times in any unit give the same r_ij.
 * - Positions P^K, P^V are the absolute positions of the reference codes' max_length-wide, left-padded input,
 *   counted from the right end (the last item always gets P[max_length − 1]); a narrower input at scoring
 *   (padding trimmed) takes the last rows, so nothing changes.
 * - Padded keys are masked out of the attention, as the authors' TF code (the PyTorch port,
 *   pmixer/TiSASRec.pytorch, masks only padded queries, so there padding changes the real positions' scores).
 *   Padded queries are not masked: their rows are zeroed after the block.
 * - Dropout on the item, position and interval embeddings, the attention weights and both FFN layers, at one
 *   rate, as the code. The projections and FFN have biases (tf.layers.dense, conv1d); every matrix and
 *   embedding is Glorot uniform (the code's TF default), layer norms start at γ = 1, β = 0. The L2 penalty of
 *   the code (l2_emb) is train.l2.
 * - The target item's time is not used: every position predicts its next item, whose time the blocks never see.
 */
export class TiSasRec extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'sequences';
  readonly defaultLoss = 'bce' as const;
  readonly batchFields = ['input_times'];

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim, max_length: length, time_span: span } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    // row 0 is padding (always masked out); row i + 1 is item i
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems + 1, dim]));
    this.addWeight('position_keys', glorotInit(this.initRng, [length, dim]));
    this.addWeight('position_values', glorotInit(this.initRng, [length, dim]));
    this.addWeight('interval_keys', glorotInit(this.initRng, [span + 1, dim]));
    this.addWeight('interval_values', glorotInit(this.initRng, [span + 1, dim]));
    for (let b = 0; b < this.params.num_blocks; b++) {
      addLayerNormWeights(add, `block${b}_attention_norm`, dim);
      addAttentionWeights(add, `block${b}_attention`, this.initRng, dim, false);
      addLayerNormWeights(add, `block${b}_ffn_norm`, dim);
      addFeedForwardWeights(add, `block${b}_ffn`, this.initRng, dim);
    }
    addLayerNormWeights(add, 'final_norm', dim);
  }

  /**
   * The representation F [B, W, d] at every position of `inputs` [B, W] (shifted items, 0 = padding) at
   * `times` [B, W] (any common origin). W may be below max_length: positions are aligned at the right end.
   */
  private encode(inputs: tf.Tensor2D, times: tf.Tensor2D, training: boolean): tf.Tensor3D {
    const { dim, dropout: rate, max_length: length, num_heads: numHeads } = this.params;
    const [batch, width] = inputs.shape;
    const read = (name: string) => this.weight(name);
    const drop = <T extends tf.Tensor>(t: T) => this.dropout(t, rate, training);
    const real = tf.cast(tf.notEqual(inputs, 0), 'float32') as tf.Tensor2D;
    const timeline = repeatLast(tf.reshape(real, [batch, width, 1]), dim);
    let x = tf.mul(drop(tf.mul(tf.gather(read('item_embedding'), inputs), Math.sqrt(dim))), timeline) as tf.Tensor3D;
    const positions = (name: string) => drop(tf.slice(read(name), [length - width, 0], [width, dim])) as tf.Tensor2D;
    const intervals = personalIntervals(times, real, this.params.time_span);
    const pairs = (name: string) => drop(tf.gather(read(name), intervals)) as tf.Tensor4D;
    const relative = { positionKeys: positions('position_keys'), positionValues: positions('position_values'), intervalKeys: pairs('interval_keys'), intervalValues: pairs('interval_values') };
    for (let b = 0; b < this.params.num_blocks; b++) {
      const queries = layerNorm(x, layerNormWeightsOf(read, `block${b}_attention_norm`));
      const attention = attentionWeightsOf(read, `block${b}_attention`, false);
      const attended = intervalAttention(queries, x, attention, relative, { numHeads, keyMask: real, dropWeights: drop });
      x = layerNorm(tf.add(queries, attended), layerNormWeightsOf(read, `block${b}_ffn_norm`));
      x = tf.mul(tf.add(x, pointWiseFeedForward(x, feedForwardWeightsOf(read, `block${b}_ffn`), drop)), timeline) as tf.Tensor3D;
    }
    return layerNorm(x, layerNormWeightsOf(read, 'final_norm'));
  }

  /** [P, d] representation at every prediction point of a sequence batch (point b * L + t = position t). */
  private pointFeatures(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return tf.reshape(this.encode(batch.inputs as tf.Tensor2D, batch.fields.input_times as tf.Tensor2D, training), [-1, this.params.dim]);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return paddedTableLogits(this.pointFeatures(batch, training), this.weight('item_embedding') as tf.Tensor2D, items);
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return paddedTableScores(this.pointFeatures(batch, training), this.weight('item_embedding') as tf.Tensor2D, null);
  }

  /**
   * Scores from the last position of the last max_length history items (only as wide as the batch's longest
   * history: trimmed padding is masked anyway), at their times relative to the last one.
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    const { lists, timestamps } = query.history;
    return tf.tidy(() => {
      const longest = lengthsOf(lists, users).reduce((a, b) => Math.max(a, b), 0);
      const width = Math.max(1, Math.min(this.inputLength, longest));
      const inputs = tf.tensor2d(lastWindows(lists, users, width), [users.length, width], 'int32');
      const times = tf.tensor2d(lastWindowTimes(lists, timestamps, users, width), [users.length, width]);
      const last = tf.reshape(tf.gather(this.encode(inputs, times, false), tf.tensor1d([width - 1], 'int32'), 1), [users.length, this.params.dim]) as tf.Tensor2D;
      return paddedTableScores(last, this.weight('item_embedding') as tf.Tensor2D, candidates);
    });
  }
}

export const tisasrecEntry = modelEntry({
  name: 'tisasrec',
  title: 'TiSASRec: SASRec with personalised relative time intervals and absolute positions as keys and values of the attention',
  paper: 'Li, Wang, McAuley. Time Interval Aware Self-Attention for Sequential Recommendation. WSDM 2020',
  keys: KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003], 'model.dropout': [0.2, 0.5], 'model.num_blocks': [1, 2] },
  readsTime: true,
  check: checkHeads,
  memory: (p, s) => ({
    parameters: (s.numItems + 1 + 2 * p.max_length + 2 * (p.time_span + 1)) * p.dim + p.num_blocks * 6 * p.dim * p.dim,
    largestTensor: Math.max((s.numItems + 1) * p.dim, Math.max(s.batchSize, s.evalBatchSize) * p.max_length * p.max_length * p.dim),
  }),
  create: (context) => new TiSasRec(context),
});
