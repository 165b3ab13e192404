import * as tf from '@tensorflow/tfjs-core';
import { bool, int, ints, num, type ParamsOf } from '../../config/spec';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { dense } from '../layers/attention';
import { normalInit, uniformInit, zerosInit } from '../layers/init';
import { addTower, itemWords, kernelRows, pairChunkValues, requireItemText, scorePairs, tower, weightedWords, type ItemWords } from '../layers/pair-network';

const KEYS = {
  dim: int(10, 'k: the width of every feature\'s latent vector, shared by the FM and the deep part', { min: 1 }),
  layers: ints([200, 200, 200], 'widths of the deep part\'s ReLU layers (MARS: 200-200-200)', { min: 1 }),
  dropout: num(0.5, 'dropout on the output of every deep layer (the DeepFM paper\'s 0.5)', { min: 0, below: 1 }),
  init_std: num(0.01, 'standard deviation of the normal initial latent vectors and first-order weights', { above: 0 }),
  item_id: bool(true, 'the item id as a field beside the user id and the words; false = MARS\'s input, the user id and the item\'s bag of words only'),
};

type Params = ParamsOf<typeof KEYS>;

/** The item side of the network for [R, C] items: what every user's score adds or multiplies. */
interface ItemSide {
  /** [R, C]: the item's first-order terms and the FM pairs among its own features */
  readonly own: tf.Tensor2D;
  /** [R, C, k]: S_i = Σ_f∈item x_f V_f, which the user's V_u meets in the FM */
  readonly sum: tf.Tensor3D;
  /** [R, C, h_1]: the item fields' share of the deep part's first layer */
  readonly deep: tf.Tensor3D;
}

/**
 * DeepFM (Guo, Tang, Ye, Li, He. DeepFM: A Factorization-Machine based Neural Network for CTR Prediction.
 * IJCAI 2017) on MARS's input: a user id, the item id (`model.item_id`) and the item's bag of words as three
 * fields. With x the features of a (user, item) pair (user 1, item 1, word w of the item x_w = its share of
 * the item's tokens) and one latent vector V_f ∈ R^k per feature shared by both parts:
 *   y_FM  = Σ_f w_f x_f + Σ_{f<g} ⟨V_f, V_g⟩ x_f x_g                       (eq. 2)
 *         = Σ_f w_f x_f + ½ Σ_k [(Σ_f x_f V_fk)² − Σ_f x_f² V_fk²]
 *   a⁰    = [e_user, e_item, e_words], e_field = Σ_{f∈field} x_f V_f   (the field embeddings, eq. 3–4)
 *   a^l+1 = drop(relu(W^l a^l + b^l)),  y_DNN = w_outᵀ a^H + b_out       (eq. 5–6)
 *   ŷ     = σ(y_FM + y_DNN)                                                (eq. 1)
 * trained with the log loss (default `bce`) on each positive and train.num_negatives sampled items.
 *
 * Choices where the papers are vague:
 * - The bag of words is one multi-valued field: each distinct word is a feature with value x_w = count /
 *   length of the item's text, so the field's embedding is the mean of its tokens' vectors (TensorFlow's
 *   embedding_column combiner 'mean', the usual DeepFM input for a multi-valued field); the FM's pairs are
 *   over distinct features, words of the same item included. An item without text has an empty field.
 * - MARS feeds the user id and the bag of words; the item id is added by default (`model.item_id: false`
 *   is MARS's input). Without it, two items with the same words score the same for every user.
 * - Dropout 0.5 after every hidden layer (the paper's setting), none on the embeddings.
 * - k = 10, latent vectors and first-order weights N(0, 0.01²), deep layers Glorot uniform, output LeCun
 *   uniform, biases 0 (the paper does not give its init).
 * For ranking, y_FM splits into the user's term w_u + V_u · S_i and the item's own terms (its first-order
 * weights and the pairs among its own features), and the first deep layer into a user half and an item half,
 * so that scoring every item adds item-side tensors computed once per chunk of items.
 */
export class DeepFm extends NeuralModel<Params> {
  readonly batchKind = 'pairs';
  readonly inputLength = 0;
  readonly defaultLoss = 'bce' as const;
  private words: ItemWords | null = null;
  private numItems = 0;

  protected build(train: TrainData): void {
    requireItemText(train, 'deepfm', this.context.source);
    const { dim, layers, init_std: std, item_id: withItem } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.numItems = train.numItems;
    add('user_weight', normalInit(this.initRng, [train.numUsers, 1], std));
    add('user_factors', normalInit(this.initRng, [train.numUsers, dim], std));
    add('word_weight', normalInit(this.initRng, [train.numTokens, 1], std));
    add('word_factors', normalInit(this.initRng, [train.numTokens, dim], std));
    if (withItem) {
      add('item_weight', normalInit(this.initRng, [train.numItems, 1], std));
      add('item_factors', normalInit(this.initRng, [train.numItems, dim], std));
    }
    addTower(add, this.initRng, 'deep', (withItem ? 3 : 2) * dim, layers);
    const last = layers[layers.length - 1];
    add('deep_out', uniformInit(this.initRng, [last, 1], Math.sqrt(3 / last)));
    add('deep_out_bias', zerosInit([1]));
    this.words = itemWords(train);
  }

  private itemSide(items: tf.Tensor2D): ItemSide {
    const { dim, item_id: withItem } = this.params;
    const words = this.words as ItemWords;
    const tokens = tf.gather(words.tokens, items);
    const share = tf.gather(words.share, items);
    const wordFactors = this.weight('word_factors') as tf.Tensor2D;
    const wordsField = weightedWords(wordFactors, tokens, share) as tf.Tensor3D;
    let first = tf.squeeze(weightedWords(this.weight('word_weight') as tf.Tensor2D, tokens, share), [2]);
    let sum: tf.Tensor3D = wordsField;
    let squares = weightedWords(tf.square(wordFactors), tokens, tf.square(share));
    let deep = dense(wordsField, kernelRows((name) => this.weight(name), 'deep', withItem ? 2 * dim : dim, dim)) as tf.Tensor3D;
    if (withItem) {
      const own = tf.gather(this.weight('item_factors'), items) as tf.Tensor3D;
      first = tf.add(first, tf.squeeze(tf.gather(this.weight('item_weight'), items), [2]));
      sum = tf.add(sum, own);
      squares = tf.add(squares, tf.square(own));
      deep = tf.add(deep, dense(own, kernelRows((name) => this.weight(name), 'deep', dim, dim)));
    }
    const pairs = tf.mul(tf.sum(tf.sub(tf.square(sum), squares), 2), 0.5);
    return { own: tf.add(first, pairs) as tf.Tensor2D, sum, deep };
  }

  /** [B, C] logits of users [B] with items [B, C] (or [1, C], the same items for every row). */
  pairLogits(users: tf.Tensor1D, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const { dim, layers, dropout } = this.params;
    const rows = users.shape[0];
    const width = items.shape[1];
    const item = this.itemSide(items);
    const userFactors = tf.gather(this.weight('user_factors'), users) as tf.Tensor2D;
    const byRow = (x: tf.Tensor) => tf.expandDims(x, 1);
    const fm = tf.add(tf.add(tf.gather(this.weight('user_weight'), users), item.own), tf.sum(tf.mul(byRow(userFactors), item.sum), 2));
    const userHalf = tf.matMul(userFactors, kernelRows((name) => this.weight(name), 'deep', 0, dim));
    const first = tf.reshape(tf.add(byRow(userHalf), item.deep), [rows * width, layers[0]]) as tf.Tensor2D;
    const top = tower((name) => this.weight(name), 'deep', layers.length, first, (x) => this.dropout(x, dropout, training), true);
    const deep = tf.add(tf.matMul(top, this.weight('deep_out') as tf.Tensor2D), this.weight('deep_out_bias'));
    return tf.add(fm, tf.reshape(deep, [rows, width]));
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.pairLogits(batch.users, items, training);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const users = tf.tensor1d(query.users, 'int32');
      const widest = Math.max(...this.params.layers, this.params.dim * (this.words as ItemWords).tokens.shape[1]);
      return scorePairs(query.users.length, this.numItems, widest, query.candidates, (items) => this.pairLogits(users, items, false));
    });
  }

  override dispose(): void {
    super.dispose();
    if (this.words) tf.dispose([this.words.tokens, this.words.share, this.words.present]);
    this.words = null;
  }
}

export const deepfmEntry = modelEntry({
  name: 'deepfm',
  title: 'DeepFM: a factorization machine and a deep network sharing the latent vectors of user id, item id and words',
  paper: 'Guo, Tang, Ye, Li, He. DeepFM: A Factorization-Machine based Neural Network for CTR Prediction. IJCAI 2017',
  keys: KEYS,
  memory: (p, s) => ({
    parameters: (s.numUsers + s.numItems) * (p.dim + 1),
    largestTensor: Math.max(Math.max(s.numUsers, s.numItems) * p.dim, pairChunkValues(s.evalBatchSize, s.numItems, Math.max(...p.layers))),
  }),
  create: (context) => new DeepFm(context),
});
