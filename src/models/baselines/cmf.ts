import * as tf from '@tensorflow/tfjs-core';
import { num, type ParamsOf } from '../../config/spec';
import type { BatchTensors } from '../batch';
import type { LossName } from '../losses';
import { modelEntry, type TrainData } from '../model';
import { normalInit } from '../layers/init';
import { BprMf, BPR_KEYS } from './bpr';
import { requireItemText } from './fitted-factors';
import { itemTokenTable } from './item-text';

const KEYS = {
  ...BPR_KEYS,
  rating_weight: num(5, 'weight of the user-item loss (MARS: 5)', { min: 0 }),
  text_weight: num(1, 'weight of the item-word loss (MARS: 1)', { min: 0 }),
};

/**
 * CMF, collective matrix factorisation (Singh and Gordon, KDD 2008), as MARS uses it: the user-item matrix
 * X ≈ f(U Vᵀ) and the item-word matrix Y ≈ V Zᵀ are factorised together, sharing the item factors V, by
 * minimising the weighted sum of their losses (MARS's weights: 5 for ratings, 1 for text):
 *
 *   L = w_r · L_X(U, V) + w_t · L_Y(V, Z)
 *   L_X: the shared train.loss on u_uᵀv_i for the observed pair and the sampled negatives (auto: bce, the
 *        logistic link that CMF pairs with a 0/1 matrix); score s(u, i) = u_uᵀ v_i, as BPR-MF's (bpr.ts)
 *   L_Y = mean over the batch's items j of Σ_w (y_jw − v_jᵀ z_w)²  (identity link, y_jw = count of word w)
 *
 * Choices where the papers leave room:
 * - Implicit feedback: X holds only positives, so L_X contrasts each training pair with `train.num_negatives`
 *   sampled items (the issue's reading of MARS's "adapted to implicit feedback"), while Y is a complete
 *   matrix (a word absent from a text is a true zero), so L_Y is the whole row, all V words, computed
 *   exactly without materialising it: Σ_w y_w² − 2 Σ_{t∈doc} v_jᵀ z_t + v_jᵀ (ZᵀZ) v_j.
 * - L_Y's items are the batch's positives and negatives: the uniform negatives reach every item, so an item
 *   with no training pair still gets its factor from its words (what lets CMF score cold items).
 * - Both losses are means per row (a user's pair, an item's word row), so the weights compare rows, not the
 *   matrices' sizes. L2 is the shared train.l2 on U, V and Z.
 */
export class Cmf extends BprMf<ParamsOf<typeof KEYS>> {
  override readonly defaultLoss: LossName = 'bce';
  private text: { tokens: tf.Tensor2D; squares: tf.Tensor1D } | null = null;

  protected override build(train: TrainData): void {
    requireItemText(train, 'cmf', this.context.source);
    super.build(train);
    const { dim, init_std: std } = this.params;
    this.addWeight('word_factors', normalInit(this.initRng, [train.numTokens, dim], std));
    const table = itemTokenTable(train);
    this.text = {
      tokens: tf.tensor2d(table.tokens, [train.numItems, table.width], 'int32'),
      squares: tf.tensor1d(table.squaredCounts),
    };
  }

  override loss(batch: BatchTensors, training: boolean): tf.Scalar {
    const { rating_weight: wr, text_weight: wt } = this.params;
    const rating = super.loss(batch, training);
    if (wt === 0) return tf.mul(wr, rating);
    const items = batch.negatives ? tf.concat([batch.positives, tf.reshape(batch.negatives, [-1])]) : batch.positives;
    return tf.add(tf.mul(wr, rating), tf.mul(wt, this.textLoss(items as tf.Tensor1D)));
  }

  /** L_Y: the mean over `items` of each item's squared error over its whole word row. */
  textLoss(items: tf.Tensor1D): tf.Scalar {
    const text = this.text as NonNullable<Cmf['text']>;
    const words = this.weight('word_factors') as tf.Tensor2D;
    const dim = words.shape[1];
    const v = tf.gather(this.weight('item_factors'), items) as tf.Tensor2D;
    // the padding token (numTokens) gathers a zero row
    const padded = tf.concat([words, tf.zeros([1, dim])]);
    const docWords = tf.gather(padded, tf.gather(text.tokens, items)) as tf.Tensor3D;
    const observed = tf.sum(tf.matMul(docWords, tf.expandDims(v, 2)), [1, 2]);
    const gram = tf.sum(tf.mul(tf.matMul(v, tf.matMul(words, words, true, false)), v), 1);
    const perItem = tf.add(tf.sub(tf.gather(text.squares, items), tf.mul(2, observed)), gram);
    return tf.mean(perItem) as tf.Scalar;
  }

  override dispose(): void {
    super.dispose();
    if (this.text) tf.dispose([this.text.tokens, this.text.squares]);
    this.text = null;
  }
}

export const cmfEntry = modelEntry({
  name: 'cmf',
  title: 'CMF: collective matrix factorisation of user-item and item-word matrices',
  paper: 'Singh, Gordon. Relational Learning via Collective Matrix Factorization. KDD 2008',
  keys: KEYS,
  memory: (p, s) => ({ parameters: (s.numUsers + s.numItems) * p.dim, largestTensor: Math.max(s.numUsers, s.numItems) * p.dim }),
  create: (context) => new Cmf(context),
});
