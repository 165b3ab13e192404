import * as tf from '@tensorflow/tfjs-core';
import { bool, int, ints, num, type ParamsOf } from '../../config/spec';
import { stream } from '../../random/streams';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { dense } from '../layers/attention';
import { normalInit, uniformInit, zerosInit } from '../layers/init';
import { addTower, itemWords, kernelRows, pairChunkValues, requireItemText, scorePairs, tower, weightedWords, type ItemWords } from '../layers/pair-network';

const KEYS = {
  dim: int(32, 'width of the deep part\'s embedding of each field (the paper\'s 32)', { min: 1 }),
  layers: ints([1024, 512, 256], 'widths of the deep part\'s ReLU layers (the paper\'s and MARS\'s 1024-512-256)', { min: 1 }),
  l1: num(1e-5, 'L1 penalty on the wide part: l1 · Σ|w| over its weights is added to the loss (a subgradient step with train.optimizer; see the README)', { min: 0 }),
  wide_buckets: int(1 << 20, 'rows of the user × word cross-product table: exact (one row per pair) when users × words fit, else each pair is hashed to one of this many', { min: 1, max: 1 << 30 }),
  item_id: bool(true, 'the item id as a feature of both parts beside the user id and the words; false = MARS\'s input, the user id and the item\'s bag of words only'),
};

type Params = ParamsOf<typeof KEYS>;

/** The weights of the wide part, which the L1 penalty covers. */
const WIDE = ['user_weight', 'item_weight', 'word_weight', 'cross_weight'];

/**
 * Wide & Deep (Cheng, Koc, Harmsen, Shaked, Chandra, Aradhye, Anderson, Corrado, Chai, Ispir, Anil, Haque,
 * Hong, Jain, Liu, Shah. Wide & Deep Learning for Recommender Systems. DLRS 2016) on MARS's input: the user id,
 * the item id (`model.item_id`) and the item's bag of words W_i.
 *   wide  y_W = wᵀ[x, φ(x)] = w_u + w_i + Σ_{w∈W_i} (w_w + c_{h(u,w)})   raw features and the cross products
 *         φ_uw(x) = 1 for user u and each word w of the item (eq. 2)
 *   deep  a⁰ = [E_u, E_i, mean_{tokens of i} E_w],  a^l+1 = relu(W^l a^l + b^l)   (eq. 1)
 *   P(y = 1 | x) = σ(y_W + w_deepᵀ a^L + b)                               (eq. 3)
 * trained jointly with the log loss (default `bce`) on each positive and train.num_negatives sampled items.
 *
 * Choices where the paper is vague or cannot be followed:
 * - The cross-product space is users × words. It is exact when numUsers · numTokens ≤ `model.wide_buckets`
 *   (pair (u, w) → row u · V + w); otherwise a pair goes to row h(u, w) = (a_u + b_w) mod H with a_u, b_w drawn
 *   uniformly from [0, H) once per model from the `init` stream ('wide-hash'), H = wide_buckets. Two distinct
 *   pairs share a row with probability 1/H (the family is universal), as with the hashed crosses of
 *   TensorFlow's crossed_column; the whole table is H floats.
 * - L1: the paper trains the wide part with FTRL and L1, the deep part with AdaGrad. tfjs has no FTRL, so both
 *   parts follow `train.optimizer` (Adam by default) and l1 · Σ|w| over the wide weights is added to the loss;
 *   its subgradient l1 · sign(w) is 0 at w = 0, so weights never touched stay exactly 0, but unlike
 *   FTRL-proximal it does not truncate a touched weight to an exact 0 (it hovers near 0).
 * - The bag of words enters the deep part as the mean of its tokens' embeddings (TensorFlow's
 *   embedding_column combiner 'mean'); the wide part reads each distinct word once (a binary feature).
 * - MARS feeds the user id and the bag of words; the item id is added by default (`model.item_id: false` is
 *   MARS's input).
 * - Init: wide weights 0 (as TensorFlow's linear model), embeddings N(0, 1/dim) (its embedding_column's
 *   truncated normal, not truncated here), deep layers Glorot uniform, the deep output LeCun uniform, biases 0.
 *   No dropout (the paper has none).
 */
export class WideDeep extends NeuralModel<Params> {
  readonly batchKind = 'pairs';
  readonly inputLength = 0;
  readonly defaultLoss = 'bce' as const;
  private words: ItemWords | null = null;
  /** a_u and b_w of the cross-product rows h(u, w) = (a_u + b_w) mod rows */
  private hash: { user: tf.Tensor1D; word: tf.Tensor1D; rows: number } | null = null;
  private numItems = 0;

  protected build(train: TrainData): void {
    requireItemText(train, 'wide_deep', this.context.source);
    const { dim, layers, item_id: withItem } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.numItems = train.numItems;
    this.hash = crossRows(train.numUsers, train.numTokens, this.params.wide_buckets, this.context.seed);
    add('user_weight', zerosInit([train.numUsers, 1]));
    add('word_weight', zerosInit([train.numTokens, 1]));
    add('cross_weight', zerosInit([this.hash.rows]));
    add('bias', zerosInit([1]));
    const std = 1 / Math.sqrt(dim);
    add('user_embedding', normalInit(this.initRng, [train.numUsers, dim], std));
    add('word_embedding', normalInit(this.initRng, [train.numTokens, dim], std));
    if (withItem) {
      add('item_weight', zerosInit([train.numItems, 1]));
      add('item_embedding', normalInit(this.initRng, [train.numItems, dim], std));
    }
    addTower(add, this.initRng, 'deep', (withItem ? 3 : 2) * dim, layers);
    const last = layers[layers.length - 1];
    add('deep_out', uniformInit(this.initRng, [last, 1], Math.sqrt(3 / last)));
    this.words = itemWords(train);
  }

  /** [B, C] logits of users [B] with items [B, C] (or [1, C], the same items for every row). */
  pairLogits(users: tf.Tensor1D, items: tf.Tensor2D): tf.Tensor2D {
    const { dim, layers, item_id: withItem } = this.params;
    const read = (name: string) => this.weight(name);
    const words = this.words as ItemWords;
    const hash = this.hash as NonNullable<WideDeep['hash']>;
    const rows = users.shape[0];
    const width = items.shape[1];
    const byRow = (x: tf.Tensor) => tf.expandDims(x, 1);
    const tokens = tf.gather(words.tokens, items);
    const present = tf.gather(words.present, items);
    // wide: the user's weight, the item's, and per word of the item its own weight and the (user, word) cross
    const crossRow = tf.mod(tf.add(tf.reshape(tf.gather(hash.user, users), [rows, 1, 1]), tf.gather(hash.word, tokens)), tf.scalar(hash.rows, 'int32'));
    const perWord = tf.add(tf.squeeze(tf.gather(read('word_weight'), tokens), [3]), tf.gather(read('cross_weight'), crossRow));
    let wide = tf.add(tf.add(tf.gather(read('user_weight'), users), tf.sum(tf.mul(perWord, present), 2)), read('bias'));
    // deep: the first layer split into the user's, the item's and the words' rows of its kernel
    const userHalf = tf.matMul(tf.gather(read('user_embedding'), users) as tf.Tensor2D, kernelRows(read, 'deep', 0, dim));
    const wordMean = weightedWords(read('word_embedding') as tf.Tensor2D, tokens, tf.gather(words.share, items));
    let itemHalf = dense(wordMean, kernelRows(read, 'deep', withItem ? 2 * dim : dim, dim));
    if (withItem) {
      wide = tf.add(wide, tf.squeeze(tf.gather(read('item_weight'), items), [2]));
      itemHalf = tf.add(itemHalf, dense(tf.gather(read('item_embedding'), items), kernelRows(read, 'deep', dim, dim)));
    }
    const first = tf.reshape(tf.add(byRow(userHalf), itemHalf), [rows * width, layers[0]]) as tf.Tensor2D;
    const top = tower(read, 'deep', layers.length, first, (x) => x, true);
    const deep = tf.reshape(tf.matMul(top, read('deep_out') as tf.Tensor2D), [rows, width]);
    return tf.add(wide, deep);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    return this.pairLogits(batch.users, items);
  }

  /** The joint loss plus the L1 penalty on the wide part. */
  override loss(batch: BatchTensors, training: boolean): tf.Scalar {
    const base = super.loss(batch, training);
    if (this.params.l1 <= 0) return base;
    const wide = WIDE.filter((name) => name !== 'item_weight' || this.params.item_id).map((name) => tf.sum(tf.abs(this.weight(name))));
    return tf.add(base, tf.mul(tf.addN(wide), this.params.l1));
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const users = tf.tensor1d(query.users, 'int32');
      const widest = Math.max(...this.params.layers, this.params.dim * (this.words as ItemWords).tokens.shape[1]);
      return scorePairs(query.users.length, this.numItems, widest, query.candidates, (items) => this.pairLogits(users, items));
    });
  }

  override dispose(): void {
    super.dispose();
    if (this.words) tf.dispose([this.words.tokens, this.words.share, this.words.present]);
    if (this.hash) tf.dispose([this.hash.user, this.hash.word]);
    this.words = null;
    this.hash = null;
  }
}

/**
 * The cross-product table's row offsets: exact (a_u = u · V, b_w = w, U · V rows) when the users × words
 * space fits in `buckets`, else hashed (a_u, b_w uniform in [0, buckets) from the init stream, `buckets` rows).
 */
export function crossRows(numUsers: number, numTokens: number, buckets: number, seed: number): { user: tf.Tensor1D; word: tf.Tensor1D; rows: number } {
  if (numUsers * numTokens <= buckets) {
    return {
      user: tf.tensor1d(Int32Array.from({ length: numUsers }, (_, u) => u * numTokens), 'int32'),
      word: tf.tensor1d(Int32Array.from({ length: numTokens }, (_, w) => w), 'int32'),
      rows: numUsers * numTokens,
    };
  }
  const rng = stream(seed, 'init', 'wide-hash');
  return {
    user: tf.tensor1d(Int32Array.from({ length: numUsers }, () => rng.int(buckets)), 'int32'),
    word: tf.tensor1d(Int32Array.from({ length: numTokens }, () => rng.int(buckets)), 'int32'),
    rows: buckets,
  };
}

export const wideDeepEntry = modelEntry({
  name: 'wide_deep',
  title: 'Wide & Deep: a linear model with user × word crosses and a deep network, trained jointly',
  paper: 'Cheng et al. Wide & Deep Learning for Recommender Systems. DLRS 2016',
  keys: KEYS,
  memory: (p, s) => ({
    parameters: (s.numUsers + s.numItems) * (p.dim + 1) + p.wide_buckets,
    largestTensor: Math.max(p.wide_buckets, pairChunkValues(s.evalBatchSize, s.numItems, Math.max(...p.layers))),
  }),
  create: (context) => new WideDeep(context),
});
