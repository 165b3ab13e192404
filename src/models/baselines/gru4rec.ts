import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { addGruWeights, gruLastState, gruStates, gruWeightsOf, type GruWeights } from '../layers/gru';
import { addCategoryWeights, categoryInputKey, withCategories } from '../layers/category-input';
import { glorotInit, zerosInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';

const KEYS = {
  dim: int(100, 'GRU hidden size (also the output item embedding size)', { min: 1 }),
  embedding_dim: int(64, 'input item embedding size (the paper feeds one-hot items instead)', { min: 1 }),
  num_layers: int(1, 'stacked GRU layers', { min: 1 }),
  max_length: int(50, 'training items per user (the last max_length + 1) and history items read when scoring', { min: 1 }),
  dropout: num(0, 'dropout on each GRU layer\'s output states (the official dropout_p_hidden)', { min: 0, max: 0.99 }),
  bpreg: num(1, 'train.loss=bpr_max: weight of the score regulariser (the official code\'s bpreg, default 1.0)', { min: 0 }),
  category: categoryInputKey(
    'none',
    'the item\'s category in the GRU input (MTAM\'s "GRU" against "GRU−−"): none = the item embedding alone (GRU4Rec), concat = relu([item, category] W_b), sum = item + category, the category embedding embedding_dim wide as in MTAM\'s model.category',
  ),
};

/**
 * BPR-max (Hidasi & Karatzoglou, CIKM 2018, eq. 10 with its regulariser), over the logits [P, 1 + n] of the
 * positive (column 0) and n negatives: with s_j = softmax over the negatives' scores r_j,
 *   loss = −log(Σ_j s_j σ(r_i − r_j)) + bpreg · Σ_j s_j r_j²
 * averaged over the real prediction points (mask). Column 0 is pushed to −1e9 before the softmax, so it gets
 * weight exactly 0: every op stays a broadcast over the whole matrix, as in the shared losses.
 */
export function bprMaxLoss(logits: tf.Tensor2D, mask: tf.Tensor1D, bpreg: number): tf.Scalar {
  return tf.tidy(() => {
    const width = logits.shape[1];
    const column = (first: number, rest: number) => tf.tensor2d([first, ...new Array<number>(width - 1).fill(rest)], [1, width]);
    const pos = tf.sum(tf.mul(logits, column(1, 0)), 1, true);
    const weights = tf.softmax(tf.add(logits, column(-1e9, 0)));
    const ranking = tf.neg(tf.log(tf.add(tf.sum(tf.mul(weights, tf.sigmoid(tf.sub(pos, logits))), 1), 1e-24)));
    const regulariser = tf.mul(tf.sum(tf.mul(weights, tf.square(logits)), 1), bpreg);
    const perPoint = tf.add(ranking, regulariser);
    return tf.div(tf.sum(tf.mul(perPoint, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/**
 * GRU4Rec (Hidasi et al., ICLR 2016; losses of Hidasi & Karatzoglou, CIKM 2018): item embedding → stacked GRU
 * layers → the hidden state at every step scores items through a separate output item embedding plus bias,
 * as the official code's final layer. The choices the papers leave open are listed on gru4recEntry.
 */
export class Gru4Rec extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'sequences';
  readonly defaultLoss = 'sampled_softmax' as const;
  override readonly ownLosses = ['bpr_max'];
  /** [numItems + 1] category row of each shifted item index; null with category none */
  private categoryRows: tf.Tensor1D | null = null;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim, embedding_dim: embeddingDim } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems, embeddingDim]));
    for (let layer = 0; layer < this.params.num_layers; layer++) {
      addGruWeights(add, `gru${layer}`, this.initRng, layer === 0 ? embeddingDim : dim, dim);
    }
    this.addWeight('output_items', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('output_bias', zerosInit([train.numItems]));
    // last, so that every category setting starts from the same draws of the other weights
    this.categoryRows = addCategoryWeights(add, this.initRng, train, embeddingDim, this.params.category);
  }

  override dispose(): void {
    this.categoryRows?.dispose();
    this.categoryRows = null;
    super.dispose();
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
    const items = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    let x = withCategories(items, inputs, this.categoryRows, (name) => this.weight(name), this.params.category);
    const rate = this.params.dropout;
    for (let layer = 0; layer + 1 < this.params.num_layers; layer++) {
      x = this.dropout(gruStates(x, mask, this.gru(layer)), rate, training);
    }
    return { x, mask };
  }

  /** [B * L, dim] top-layer state at every prediction point of a sequence batch. */
  private pointStates(batch: BatchTensors, training: boolean): tf.Tensor2D {
    const { x, mask } = this.belowTop(batch.inputs as tf.Tensor2D, training);
    const top = gruStates(x, mask, this.gru(this.params.num_layers - 1));
    return tf.reshape(this.dropout(top, this.params.dropout, training), [-1, this.params.dim]);
  }

  /** [rows, numItems] (or [rows, C] of candidates) scores from states [rows, dim]: H · W_outᵀ + b. */
  private scoreEveryItem(states: tf.Tensor2D, candidates: tf.Tensor2D | null = null): tf.Tensor2D {
    return scoreItems(states, this.weight('output_items') as tf.Tensor2D, this.weight('output_bias') as tf.Tensor1D, candidates);
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

  /** train.loss=bpr_max is GRU4Rec's own (see bprMaxLoss); every other loss is the shared one. */
  override loss(batch: BatchTensors, training: boolean): tf.Scalar {
    if (this.lossName !== 'bpr_max') return super.loss(batch, training);
    const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    return bprMaxLoss(this.logits(batch, items, training), batch.mask, this.params.bpreg);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const length = this.params.max_length;
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      const { x, mask } = this.belowTop(inputs, false);
      return this.scoreEveryItem(gruLastState(x, mask, this.gru(this.params.num_layers - 1)), query.candidates);
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
 *   train.loss=bpr_max is the official code's BPR-max with its bpreg regulariser (model.bpreg), over
 *   train.num_negatives sampled negatives per point; the official code takes the other sessions' targets in
 *   the mini-batch plus extra samples as negatives, and puts an ELU on the scores (final_act), which memrec
 *   leaves linear.
 * - Init: Glorot uniform for every matrix and zero biases, as the official code's init_parameter_matrix.
 * - Dropout: model.dropout (the official dropout_p_hidden) on each GRU layer's output states; the recurrent
 *   state itself is not dropped. No dropout on the embedding (dropout_p_embed).
 * - model.category (not in GRU4Rec; MTAM's Table 2 "GRU", whose "GRU−−" is the same without categories): the
 *   item's category joins its embedding before the first GRU layer, by MTAM's own rule (layers/category-input):
 *   a category embedding of embedding_dim and, for concat, a ReLU layer back to embedding_dim. MTAM does not
 *   say how its GRU baseline reads categories; its own behaviour embedding is the reading memrec takes. The
 *   category weights are drawn after all others, so none (the default) is GRU4Rec's network unchanged.
 */
export const gru4recEntry = modelEntry({
  name: 'gru4rec',
  title: 'GRU4Rec: a GRU over the item sequence scoring the next item at every step',
  paper:
    'Hidasi, Karatzoglou, Baltrunas, Tikk. Session-based Recommendations with Recurrent Neural Networks. ICLR 2016; ' +
    'Hidasi, Karatzoglou. Recurrent Neural Networks with Top-k Gains for Session-based Recommendations. CIKM 2018',
  keys: KEYS,
  // one sampled negative (train.num_negatives' default) learns a Markov chain slowly: more negatives first
  searchSpace: { 'train.num_negatives': [32, 128, 512], 'train.lr': [0.001, 0.005, 0.02], 'model.dropout': [0, 0.25] },
  ownLosses: ['bpr_max'],
  memory: (p, s) => ({ parameters: s.numItems * (p.embedding_dim + p.dim + 1) + 3 * p.num_layers * p.dim * (p.embedding_dim + 2 * p.dim) + (p.category === 'none' ? 0 : (s.numItems + 1 + (p.category === 'concat' ? 2 * p.embedding_dim : 0)) * p.embedding_dim), largestTensor: Math.max(s.numItems * p.dim, s.batchSize * p.max_length * Math.max(p.dim, s.batchSize), s.evalBatchSize * p.max_length * p.dim) }),
  create: (context) => new Gru4Rec(context),
});
