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
import { scoreRows } from '../layers/item-scores';
import { lastWindows } from '../../data/windows';
import { lengthsOf } from '../../data/user-lists';

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
  }

  /**
   * The representation F [B, W, d] at every position of `inputs` [B, W] (shifted items, 0 = padding). W may be
   * below max_length: positions are aligned at the right end, so an input means the same with or without
   * extra padding on its left.
   */
  private encode(inputs: tf.Tensor2D, training: boolean): tf.Tensor3D {
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
        const attended = multiHeadAttention(queries, x, attention, { numHeads, causal: true, keyMask: real, dropWeights: drop });
        x = layerNorm(tf.add(queries, attended), ffnNorm);
        x = tf.mul(tf.add(x, pointWiseFeedForward(x, ffn, drop)), timeline);
      }
    }
    return layerNorm(x, layerNormWeightsOf(read, 'final_norm'));
  }

  /** [P, d] representation at every prediction point of a sequence batch (point b * L + t = position t). */
  private pointFeatures(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return tf.reshape(this.encode(batch.inputs as tf.Tensor2D, training), [-1, this.dim]);
  }

  /** [numItems, d]: the item embedding without its padding row. */
  private itemTable(): tf.Tensor2D {
    const table = this.weight('item_embedding');
    return tf.slice(table, [1, 0], [table.shape[0] - 1, this.dim]) as tf.Tensor2D;
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const features = tf.expandDims(this.pointFeatures(batch, training), 2);
    const candidates = tf.gather(this.weight('item_embedding'), tf.add(items, tf.scalar(1, 'int32')));
    // [P, k, d] x [P, d, 1]: a batched matMul is much faster on tfjs-cpu than a broadcast product and sum
    return tf.reshape(tf.matMul(candidates, features), items.shape);
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return tf.matMul(this.pointFeatures(batch, training), this.itemTable(), false, true);
  }

  /**
   * Scores from the last position. The input is only as wide as the batch's longest history (up to
   * max_length): the padding cut off on the left is masked anyway, and the evaluator batches users by
   * history length, so short-history batches cost a few positions instead of max_length.
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    const history = query.history.lists;
    return tf.tidy(() => {
      const longest = lengthsOf(history, users).reduce((a, b) => Math.max(a, b), 0);
      const L = this.followsPort ? this.inputLength : Math.max(1, Math.min(this.inputLength, longest));
      const inputs = tf.tensor2d(lastWindows(history, users, L), [users.length, L], 'int32');
      // the last position as a gather: tfjs-cpu's (and so native's) strided Slice copies element by element
      const last = tf.reshape(tf.gather(this.encode(inputs, false), tf.tensor1d([L - 1], 'int32'), 1), [users.length, this.dim]) as tf.Tensor2D;
      if (!candidates) return tf.matMul(last, this.itemTable(), false, true);
      const rows = tf.gather(this.weight('item_embedding'), tf.add(candidates, tf.scalar(1, 'int32'))) as tf.Tensor3D;
      return scoreRows(last, rows, null);
    });
  }
}

/**
 * SASRec's registry entry. Follows the authors' TF code where it and the PyTorch port differ: padded keys
 * masked, no output projection after the heads, Glorot-uniform init (see SasRec).
 */
export const sasrecEntry = modelEntry({
  name: 'sasrec',
  title: 'SASRec: self-attentive sequential recommendation (causal Transformer over the item sequence)',
  paper: 'Kang, McAuley. Self-Attentive Sequential Recommendation. ICDM 2018',
  keys: KEYS,
  check(params, where) {
    if (params.dim % params.num_heads !== 0) {
      throw new ConfigError(`${where('num_heads')}: model.num_heads: ${params.num_heads} heads do not divide model.dim ${params.dim} (from ${where('dim')})`);
    }
  },
  memory: (p, s) => ({ parameters: (s.numItems + 1 + p.max_length) * p.dim + p.num_blocks * 6 * p.dim * p.dim, largestTensor: Math.max((s.numItems + 1) * p.dim, Math.max(s.batchSize, s.evalBatchSize) * p.max_length * Math.max(p.dim, p.num_heads * p.max_length)) }),
  create: (context) => new SasRec(context),
});
