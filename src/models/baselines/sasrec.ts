import * as tf from '@tensorflow/tfjs-core';
import { int, num, oneOf, type ParamsOf } from '../../config/spec';
import { ConfigError } from '../../util/errors';
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
  multiHeadAttention,
  pointWiseFeedForward,
  repeatLast,
} from '../layers/attention';
import { glorotInit } from '../layers/init';
import { paddedTableLogits, paddedTableScores } from '../layers/item-scores';
import { addTimeGateWeights, timeAwareSelfAttention, timeGateWeightsOf } from '../layers/time-attention';
import { lastWindowTimes, lastWindows } from '../../data/windows';
import { lengthsOf } from '../../data/user-lists';
import { SECONDS_PER, timeUnitKey } from '../time-unit';

const KEYS = {
  dim: int(50, 'width d of the item and position embeddings and of every layer', { min: 1 }),
  max_length: int(50, 'the last max_length training items of each user are the input (the paper uses 200 for ML-1M)', { min: 1 }),
  num_blocks: int(2, 'self-attention blocks', { min: 1 }),
  num_heads: int(1, 'attention heads (must divide dim)', { min: 1 }),
  dropout: num(0.2, 'dropout rate on the embeddings, attention weights and feed-forward layers (paper: 0.2 for ML-1M, 0.5 for sparse data)', { min: 0, max: 0.9 }),
  implementation: oneOf(
    ['authors_tf', 'pytorch_port'],
    'authors_tf',
    "whose code the network follows: the authors' TensorFlow code (kang205/SASRec), or the PyTorch port (pmixer/SASRec.pytorch, post-norm blocks, output projection, no padding mask) for checks against it",
  ),
  attention: oneOf(
    ['dot', 'time_aware'],
    'dot',
    'the blocks\' attention: dot (SASRec\'s scaled dot product), or time_aware (MTAM\'s time gate, eqs. 16-20, on every block: MTAM\'s Table 3 row "time-aware self-attention"; needs a data source with timestamps)',
  ),
  time_unit: timeUnitKey('attention time_aware: '),
};

/**
 * SASRec (Kang & McAuley, ICDM 2018), as in the authors' TensorFlow code (kang205/SASRec):
 *   x = dropout(E[s_t] · √d + P[t]) ⊙ m        (m: 1 at real positions, 0 at padding)
 *   per block:  q = LN(x);  x = q + MHA(q, x, x) causal;  x = LN(x);  x = (x + FFN(x)) ⊙ m
 *   F = LN(x);  logit(i) at position t = F_t · E[i + 1]   (the item embedding is shared with the output)
 * trained with binary cross-entropy against one sampled negative at every position.
 *
 * Choices where the references differ or say nothing:
 * - Padded keys are masked out of the attention as in the TF code (the PyTorch port, pmixer/SASRec.pytorch,
 *   lets queries attend to padding's bias-only keys), so padding has no effect on real positions.
 * - No output projection after the heads: the paper's S = Attention(ÊW^Q, ÊW^K, ÊW^V) and the TF code have
 *   none (the port's nn.MultiheadAttention adds one). Projections and the FFN have zero-initialised biases.
 * - Every weight matrix, both embeddings included, is Glorot uniform, as the TF code's xavier_initializer
 *   and tf.layers defaults (the port uses Xavier normal, same variance); layer norms start at γ = 1, β = 0.
 * - Positions are counted from the right end of the input, which for the full-width, left-padded inputs the
 *   trainer builds is exactly the reference's absolute positions (the last item always gets P[L - 1]).
 * The L2 penalty of the TF code (l2_emb) is train.l2, applied to all weights; 0 by default as in the port.
 *
 * `model.implementation: pytorch_port` follows the port instead, for side-by-side checks against it (its
 * default, post-norm block): per block  x = LN(x + MHA(x, x, x) W^O);  x = LN(x + FFN(x)), causal mask only,
 * so real positions attend to padded ones, and padded positions are not zeroed between blocks. Its input is
 * always max_length wide, as in the port, because there the amount of padding changes the scores.
 *
 * `model.attention: time_aware` is MTAM's Table 3 row "time-aware self-attention" (Ji et al., CIKM 2020): the
 * same blocks with MTAM's time-aware attention (eqs. 16-20) in place of the dot product. In block b, query
 * position i (time t_i) attends to key positions j ≤ i that are not padding, with s_ij = t_i − t_j in units of
 * model.time_unit (MTAM's key, same meaning):
 *   δ_ij = tanh(log(|s_ij| + 1) · W_δ[i, j] + b_δ[i, j])
 *   τ_ij = tanh(q_i W_τ k_jᵀ + b_τ[i, j])          q = LN(x) (the block's queries), k = x (its keys), unprojected
 *   g_ij = σ(δ_ij · W_gδ[i, j] + τ_ij · W_gτ[i, j] + b_g[i, j])
 *   head h: softmax_j((Q_h K_hᵀ ⊙ g) / √(d/H)) with the causal and padding masks, dropout on the weights, · V_h
 * one gate for all heads (the gate does not depend on the head's projection). The position-pair parameters
 * are [max_length, max_length] per block, indexed by positions counted from the right end (as the position
 * embedding): the printed shapes l_x × l_y with l_x = l_y = max_length, and what the authors' code does for
 * its time-aware self-attention; only the causal half (j ≤ i) is ever used. A narrower input (scoring trims
 * padding) uses the bottom-right block, so its pairs keep their parameters. τ from the unprojected queries and
 * keys, as the authors' code: W_τ is a free d × d matrix, so projecting first would only reparametrise it
 * (up to the projections' biases). Times enter as differences only: training reads the sequences batch's
 * `input_times`, scoring the history's timestamps; the target's time is not used (every position predicts
 * its next item, whose time the blocks never see).
 * The gate's weights are created after all others, so dot and time_aware start from the same other weights.
 */
export class SasRec extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'sequences';
  readonly defaultLoss = 'bce' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  private get dim(): number {
    return this.params.dim;
  }

  private get followsPort(): boolean {
    return this.params.implementation === 'pytorch_port';
  }

  private get timeAware(): boolean {
    return this.params.attention === 'time_aware';
  }

  /** The time-aware variant trains on each input's time (the sequences kind's `input_times`). */
  get batchFields(): readonly string[] {
    return this.timeAware ? ['input_times'] : [];
  }

  protected build(train: TrainData): void {
    const { dim } = this;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    // row 0 is padding (always masked out); row i + 1 is item i
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems + 1, dim]));
    this.addWeight('position_embedding', glorotInit(this.initRng, [this.inputLength, dim]));
    for (let b = 0; b < this.params.num_blocks; b++) {
      addLayerNormWeights(add, `block${b}_attention_norm`, dim);
      addAttentionWeights(add, `block${b}_attention`, this.initRng, dim, this.followsPort);
      addLayerNormWeights(add, `block${b}_ffn_norm`, dim);
      addFeedForwardWeights(add, `block${b}_ffn`, this.initRng, dim);
    }
    addLayerNormWeights(add, 'final_norm', dim);
    // after every other weight, so that the two attentions start from the same draws of everything else
    if (this.timeAware) {
      for (let b = 0; b < this.params.num_blocks; b++) addTimeGateWeights(add, `block${b}_time_gate`, this.initRng, dim, this.inputLength, this.inputLength);
    }
  }

  /**
   * The representation F [B, W, d] at every position of `inputs` [B, W] (shifted items, 0 = padding). W may be
   * below max_length: positions are aligned at the right end, so an input means the same with or without
   * extra padding on its left. `times` [B, W]: the inputs' times in any common origin (attention time_aware).
   */
  private encode(inputs: tf.Tensor2D, times: tf.Tensor2D | null, training: boolean): tf.Tensor3D {
    const { dim } = this;
    const [batch, width] = inputs.shape;
    const rate = this.params.dropout;
    const read = (name: string) => this.weight(name);
    const drop = <T extends tf.Tensor>(t: T) => this.dropout(t, rate, training);
    const real = tf.cast(tf.notEqual(inputs, 0), 'float32') as tf.Tensor2D;
    const timeline = repeatLast(tf.reshape(real, [batch, width, 1]), dim);
    const items = tf.mul(tf.gather(this.weight('item_embedding'), inputs), Math.sqrt(dim));
    const positions = tf.slice(this.weight('position_embedding'), [this.inputLength - width, 0], [width, dim]);
    let x = tf.mul(drop(tf.add(items, positions)), timeline) as tf.Tensor3D;
    const numHeads = this.params.num_heads;
    const scaledTimes = times && (tf.div(times, SECONDS_PER[this.params.time_unit]) as tf.Tensor2D);
    for (let b = 0; b < this.params.num_blocks; b++) {
      const attention = attentionWeightsOf(read, `block${b}_attention`, this.followsPort);
      const attentionNorm = layerNormWeightsOf(read, `block${b}_attention_norm`);
      const ffn = feedForwardWeightsOf(read, `block${b}_ffn`);
      const ffnNorm = layerNormWeightsOf(read, `block${b}_ffn_norm`);
      if (this.followsPort) {
        const attended = multiHeadAttention(x, x, attention, { numHeads, causal: true, dropWeights: drop });
        x = layerNorm(tf.add(x, attended), attentionNorm);
        x = layerNorm(tf.add(x, pointWiseFeedForward(x, ffn, drop)), ffnNorm);
      } else {
        const queries = layerNorm(x, attentionNorm);
        const options = { numHeads, causal: true, keyMask: real, dropWeights: drop };
        const attended = scaledTimes
          ? timeAwareSelfAttention(queries, x, scaledTimes, attention, timeGateWeightsOf(read, `block${b}_time_gate`, width), options)
          : multiHeadAttention(queries, x, attention, options);
        x = layerNorm(tf.add(queries, attended), ffnNorm);
        x = tf.mul(tf.add(x, pointWiseFeedForward(x, ffn, drop)), timeline);
      }
    }
    return layerNorm(x, layerNormWeightsOf(read, 'final_norm'));
  }

  /** [P, d] representation at every prediction point of a sequence batch (point b * L + t = position t). */
  private pointFeatures(batch: BatchTensors, training: boolean): tf.Tensor2D {
    const times = this.timeAware ? (batch.fields.input_times as tf.Tensor2D) : null;
    return tf.reshape(this.encode(batch.inputs as tf.Tensor2D, times, training), [-1, this.dim]);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return paddedTableLogits(this.pointFeatures(batch, training), this.weight('item_embedding') as tf.Tensor2D, items);
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return paddedTableScores(this.pointFeatures(batch, training), this.weight('item_embedding') as tf.Tensor2D, null);
  }

  /**
   * Scores from the last position. The input is only as wide as the batch's longest history (up to
   * max_length): the padding cut off on the left is masked anyway, and the evaluator batches users by
   * history length, so short-history batches cost a few positions instead of max_length. The time-aware
   * attention reads the inputs' times from the history's timestamps, as ages before the last history item
   * (only differences of times enter the gate; the target's time is not used).
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    const history = query.history.lists;
    return tf.tidy(() => {
      const longest = lengthsOf(history, users).reduce((a, b) => Math.max(a, b), 0);
      const L = this.followsPort ? this.inputLength : Math.max(1, Math.min(this.inputLength, longest));
      const inputs = tf.tensor2d(lastWindows(history, users, L), [users.length, L], 'int32');
      const times = this.timeAware ? tf.tensor2d(lastWindowTimes(history, query.history.timestamps, users, L), [users.length, L]) : null;
      // the last position as a gather: tfjs-cpu's (and so native's) strided Slice copies element by element
      const last = tf.reshape(tf.gather(this.encode(inputs, times, false), tf.tensor1d([L - 1], 'int32'), 1), [users.length, this.dim]) as tf.Tensor2D;
      return paddedTableScores(last, this.weight('item_embedding') as tf.Tensor2D, candidates);
    });
  }
}

/** The attention's heads split model.dim evenly (SASRec's and TiSASRec's rule across their keys). */
export function checkHeads(params: { dim: number; num_heads: number }, where: (key: string) => string): void {
  if (params.dim % params.num_heads !== 0) {
    throw new ConfigError(`${where('num_heads')}: model.num_heads: ${params.num_heads} heads do not divide model.dim ${params.dim} (from ${where('dim')})`);
  }
}

/**
 * SASRec's registry entry. Follows the authors' TF code where it and the PyTorch port differ: padded keys
 * masked, no output projection after the heads, Glorot-uniform init (see SasRec). With model.attention
 * time_aware it reads the behaviours' times, so only then is a source without timestamps refused.
 */
export const sasrecEntry = modelEntry({
  name: 'sasrec',
  title: 'SASRec: self-attentive sequential recommendation (causal Transformer over the item sequence)',
  paper: 'Kang, McAuley. Self-Attentive Sequential Recommendation. ICDM 2018',
  keys: KEYS,
  // the paper's BCE with one negative ranks a user's own last item first where seen items stay in the ranking;
  // the full softmax learns the chain (README, "What each model can represent")
  searchSpace: { 'train.loss': ['full_softmax', 'bce'], 'train.lr': [0.001, 0.003], 'model.dropout': [0.2, 0.5], 'model.num_blocks': [1, 2] },
  readsTime: (params) => (params.attention === 'time_aware' ? 'attention' : false),
  check(params, where) {
    checkHeads(params, where);
    if (params.attention === 'time_aware' && params.implementation === 'pytorch_port') {
      throw new ConfigError(
        `${where('attention')}: model.attention: time_aware is not available with model.implementation pytorch_port (from ${where('implementation')}), which reproduces the port's plain attention; use authors_tf`,
      );
    }
  },
  memory: (p, s) => ({ parameters: (s.numItems + 1 + p.max_length) * p.dim + p.num_blocks * 6 * p.dim * p.dim + (p.attention === 'time_aware' ? p.num_blocks * (p.dim * p.dim + 6 * p.max_length * p.max_length) : 0), largestTensor: Math.max((s.numItems + 1) * p.dim, Math.max(s.batchSize, s.evalBatchSize) * p.max_length * Math.max(p.dim, p.num_heads * p.max_length)) }),
  create: (context) => new SasRec(context),
});
