import * as tf from '@tensorflow/tfjs-core';
import { bool, int, num, oneOf, type ParamsOf } from '../../config/spec';
import type { UserLists } from '../../data/interactions';
import { ConfigError } from '../../util/errors';
import type { BatchTensors } from '../batch';
import { modelEntry, type History, type MemoryWeights, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { glorotInit, normalInit, zerosInit } from '../layers/init';
import { documentMatrix, meanEmbedding, projectedWords, textCnn, wordResponses, type TextCnnWeights } from '../layers/text-cnn';
import { lossOf, type LossName } from '../losses';
import { UserStates } from '../user-states';

const VARIANTS = ['mars', 'no_text', 'embed', 'no_attention'] as const;
type Variant = (typeof VARIANTS)[number];

const KEYS = {
  variant: oneOf(VARIANTS, 'mars', 'Figure 7: mars (text CNNs and attention), no_text ("MARS w/o Text": Gaussian-initialised item vectors learned in place of the CNNs), embed ("MARS+Embed": the mean of the word embeddings in place of the convolution and max-pooling), no_attention ("MARS w/o Att": every α = 1, u the sum of the memory)'),
  dim: int(50, 'K: item vectors and the adaptive user vector (paper: 50 Yahoo! Movies, 70 Video Games; grid 5-100)', { min: 1 }),
  word_dim: int(300, 'e: word embeddings (paper: 300)', { min: 1 }),
  filters: int(64, 'g: convolution filters (paper: 64)', { min: 1 }),
  window: int(3, 'c: words per convolution window (not reported; 3)', { min: 1 }),
  memory: int(0, 'a user\'s memory: the most recent this many liked items (training: other than the positive); 0 = all of them (the paper\'s)', { min: 0 }),
  lambda_u: num(0.002, 'λ_u: L2 on the adaptive user vectors of the positive and the negative (eq. 11; paper: 0.002)', { min: 0 }),
  lambda_v: num(0.002, 'λ_v: L2 on the item vectors of the positive and the negative (eq. 11; paper: 0.002)', { min: 0 }),
  shared_words: bool(true, 'one word table H for both CNNs (the paper defines one H; its f_user and f_item "only differ in their inputs"); false = a table per CNN'),
  init_std: num(0.1, 'variant no_text: standard deviation of the Gaussian initial item vectors (not reported)', { above: 0 }),
};

type MarsParams = ParamsOf<typeof KEYS>;

/** The two item encoders: f_user (Ψ) for memory items, f_item (Ω) for the candidate. */
type Side = 'memory' | 'candidate';
const SIDES: readonly Side[] = ['memory', 'candidate'];

/** Upper bound on the elements of one [users, memory, items] block of full-ranking scores (64 MB of float32). */
const SCORE_BLOCK = 1 << 24;
/** Upper bound on the elements of one block of word responses [items, words, c·g] when encoding every item. */
const ENCODE_BLOCK = 1 << 24;

/**
 * Attention-weighted scores r = Σ_m α_m S_m along `axis` (the memory axis) of the memory-candidate products
 * S = c_m · v_j, with α = softmax over the slots where `mask` is 1 (eq. 7) and 0 elsewhere; `attend` false
 * fixes α = mask (MARS w/o Att: u = the sum of the memory). A row whose mask is all 0 scores 0 (an empty
 * memory gives u = 0). Returns the weights too: u = C α (eq. 8) needs them.
 */
export function memoryAttention(products: tf.Tensor, mask: tf.Tensor, axis: number, attend: boolean): { weights: tf.Tensor; scores: tf.Tensor } {
  return tf.tidy(() => {
    let weights = mask;
    if (attend) {
      const masked = tf.where(tf.greater(mask, 0), products, tf.fill(products.shape, -1e9));
      const exp = tf.mul(tf.exp(tf.sub(masked, tf.max(masked, axis, true))), mask);
      // the largest unmasked slot contributes exp(0) = 1, so a sum below 1 means an empty memory: dividing by
      // 1 there keeps its weights 0 and its gradient finite (a tiny floor would square to 0 in the gradient)
      weights = tf.div(exp, tf.maximum(tf.sum(exp, axis, true), 1));
    }
    return { weights, scores: tf.sum(tf.mul(weights, products), axis) };
  });
}

/**
 * Each user's memory at scoring time: the distinct items of the history, most recent first, the first `cap` of
 * them (0 = all); [B, W] with -1 padding.
 */
function memoryRows(lists: UserLists, users: Int32Array, cap: number): { items: Int32Array; width: number } {
  const rows = Array.from(users, (u) => {
    const seen = new Set<number>();
    for (let p = lists.offsets[u + 1] - 1; p >= lists.offsets[u] && (cap === 0 || seen.size < cap); p--) seen.add(lists.items[p]);
    return [...seen];
  });
  const width = Math.max(1, ...rows.map((row) => row.length));
  const items = new Int32Array(users.length * width).fill(-1);
  rows.forEach((row, b) => items.set(row, b * width));
  return { items, width };
}

/** Every item encoded once for one evaluation (f_user and f_item), kept while the evaluation lasts. */
class ItemVectors extends UserStates {
  constructor(
    users: Int32Array,
    readonly memory: tf.Tensor2D,
    readonly candidate: tf.Tensor2D,
  ) {
    super(users, {});
  }

  override dispose(): void {
    tf.dispose([this.memory, this.candidate]);
    super.dispose();
  }
}

/**
 * MARS (Zheng et al., "MARS: Memory Attention-Aware Recommender System", 2018; ../shared/papers/mars.txt).
 * Not sequential: a user is the set of items they liked, an item is its text.
 *   v_j = f_item(Y_j; Ω)                      the candidate's text CNN (eqs. 1-4, layers/text-cnn.ts)
 *   C = [f_user(Y_m; Ψ)]_{m ∈ I⁺ᵢ \ j}         the memory of the user's other liked items (eq. 5)
 *   α = softmax(Cᵀ v_j),  u_i^j = C α          item-level attention, the adaptive user vector (eqs. 7-8)
 *   r_ij = u_i^jᵀ v_j                          the score (eq. 9)
 *   L = mean −ln σ(r_ij − r_ij′) + λ_u(‖u_i^j‖² + ‖u_i^j′‖²) + λ_v(‖v_j‖² + ‖v_j′‖²)   (eq. 11, sign corrected)
 * trained on `liked_sets` batches (eq. 10's quadruples: every training like j with the user's memory I⁺ᵢ \ j
 * and train.num_negatives sampled negatives j′).
 *
 * Choices where the paper is open (model-notes §2.5), each also in the README and docs/mars.md:
 * - Word table: one H shared by f_user and f_item (model.shared_words), the convolution and projection weights
 *   separate (Ψ and Ω). The paper defines a single H : V → R^e and says the two CNNs "only differ in their
 *   inputs"; sharing halves the largest block of weights (V × 300) and trains every word from both roles.
 * - Initial values (not reported): words N(0, 0.1²), convolutions and projections Glorot-uniform, biases 0.
 * - c (model.window) is not reported: 3. b̂ of eq. 4 is printed as a scalar; memrec gives each of the K outputs
 *   its own (as b, printed as a scalar too, is one per filter). Documents are the data's token lists, zero-
 *   padded; a document shorter than c has one window (layers/text-cnn.ts), an empty one gives v = tanh(b̂).
 * - The memory's "different sampled subset" of I⁺ᵢ (eq. 10) is read as all of I⁺ᵢ \ j (ambiguity 3): the set of
 *   distinct liked items (an item liked twice takes one slot), capped by model.memory for heavy users at the
 *   most recent ones: deterministic, the same rule in training and scoring, and no draw from any stream. The negative's adaptive vector attends over the same memory I⁺ᵢ \ j
 *   as the positive's (one quadruple, one memory; ambiguity 4).
 * - Scoring: the memory is the query's history (for the test part: training and validation likes; the paper
 *   uses the training likes, ambiguity 9), its last model.memory entries, and a candidate found in the memory
 *   is left out of it (eq. 5's I⁺ᵢ \ j, also in training when a sampled negative is a liked item).
 * - Optimiser (Algorithm 1): RMSprop, lr 0.001, batch 512 are the mars/* presets' train.* (memrec's train.*
 *   defaults are shared by every model).
 * - Loss: eq. 11 with its sign corrected; with n > 1 negatives the BPR term and the negatives' L2 terms are
 *   means over the negatives, so that one negative is exactly eq. 11. train.loss other than bpr replaces the
 *   BPR term only.
 * - Variants (Figure 7): no_text learns two Gaussian item tables (memory and candidate, standing for Ψ and Ω);
 *   embed keeps eq. 4's tanh projection after the mean of the word embeddings, so that only the CNN is taken
 *   out; no_attention sets α = 1 (a sum, as printed, not a mean).
 * - Full ranking re-reads the memory for every candidate: every item is encoded once per evaluation
 *   (userStates), then [users × memory × items] products in blocks of at most 2^24 elements.
 */
export class Mars extends NeuralModel<MarsParams> {
  readonly batchKind = 'liked_sets';
  readonly defaultLoss = 'bpr' as const;
  /** [numItems, width] each item's shifted token ids (text variants) */
  private documents: tf.Tensor2D | null = null;

  get inputLength(): number {
    return this.params.memory;
  }

  private get variant(): Variant {
    return this.params.variant;
  }

  protected build(train: TrainData): void {
    const { dim, word_dim: wordDim, filters, window, shared_words: shared } = this.params;
    if (this.variant === 'no_text') {
      for (const side of SIDES) this.addWeight(`${side}_items`, normalInit(this.initRng, [train.numItems, dim], this.params.init_std));
      return;
    }
    if (train.numTokens === 0) {
      throw new ConfigError(`${this.context.source}: model.variant: mars ${this.variant} reads item text, but the data has no text tokens (use a source with item text, or model.variant no_text)`);
    }
    const docs = documentMatrix(train.itemTokenOffsets, train.itemTokens, this.variant === 'embed' ? 1 : window);
    this.documents = tf.tensor2d(docs.ids, [train.numItems, docs.width], 'int32');
    const words = (name: string) => this.addWeight(name, normalInit(this.initRng, [train.numTokens, wordDim], 0.1));
    if (shared) words('words');
    for (const side of SIDES) {
      if (!shared) words(`${side}_words`);
      if (this.variant === 'embed') {
        this.addWeight(`${side}_projection`, glorotInit(this.initRng, [wordDim, dim]));
      } else {
        this.addWeight(`${side}_kernel`, glorotInit(this.initRng, [window * wordDim, filters]));
        this.addWeight(`${side}_bias`, zerosInit([filters]));
        this.addWeight(`${side}_projection`, glorotInit(this.initRng, [filters, dim]));
      }
      this.addWeight(`${side}_projection_bias`, zerosInit([dim]));
    }
  }

  override dispose(): void {
    this.documents?.dispose();
    this.documents = null;
    super.dispose();
  }

  private words(side: Side): tf.Tensor2D {
    return this.weight(this.params.shared_words ? 'words' : `${side}_words`) as tf.Tensor2D;
  }

  private cnnWeights(side: Side): TextCnnWeights {
    return {
      words: this.words(side),
      kernel: this.weight(`${side}_kernel`) as tf.Tensor2D,
      bias: this.weight(`${side}_bias`) as tf.Tensor1D,
      projection: this.weight(`${side}_projection`) as tf.Tensor2D,
      projectionBias: this.weight(`${side}_projection_bias`) as tf.Tensor1D,
    };
  }

  /**
   * The item vectors [n, K] of `items` [n] on one side: f_user for the memory, f_item for the candidate.
   * `table`: the side's per-word table (CNN: wordResponses; embed: projectedWords), when already computed.
   */
  private encode(side: Side, items: tf.Tensor1D, table: tf.Tensor2D | null = null): tf.Tensor2D {
    if (this.variant === 'no_text') return tf.gather(this.weight(`${side}_items`), items) as tf.Tensor2D;
    const tokens = tf.gather(this.documents as tf.Tensor2D, items) as tf.Tensor2D;
    if (this.variant === 'embed') {
      const bias = this.weight(`${side}_projection_bias`) as tf.Tensor1D;
      return meanEmbedding(tokens, table ?? projectedWords(this.words(side), this.weight(`${side}_projection`) as tf.Tensor2D), bias);
    }
    return textCnn(tokens, this.cnnWeights(side), table);
  }

  /**
   * Every item's vector on one side, [numItems, K], in blocks that bound the CNN's intermediates, the per-word
   * table computed once for all blocks.
   */
  private encodeAll(side: Side): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.variant === 'no_text') return tf.clone(this.weight(`${side}_items`)) as tf.Tensor2D;
      const [numItems, width] = (this.documents as tf.Tensor2D).shape;
      const table = this.variant === 'embed'
        ? projectedWords(this.words(side), this.weight(`${side}_projection`) as tf.Tensor2D)
        : wordResponses(this.cnnWeights(side));
      const block = Math.max(1, Math.floor(ENCODE_BLOCK / (width * table.shape[1])));
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < numItems; start += block) {
        parts.push(this.encode(side, tf.range(start, Math.min(numItems, start + block), 1, 'int32') as tf.Tensor1D, table));
      }
      return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    });
  }

  /**
   * Scores [B, X] of candidates `items` [B, X] against the batch's memories, with the adaptive user vectors
   * [B, X, K] and the candidates' vectors [B, X, K] (for eq. 11's L2 terms).
   */
  private forward(batch: BatchTensors, items: tf.Tensor2D): { scores: tf.Tensor2D; users: tf.Tensor3D; vectors: tf.Tensor3D } {
    const [rows, width] = items.shape;
    const memoryItems = batch.fields.memory_items as tf.Tensor1D;
    const slots = batch.fields.memory_slots as tf.Tensor2D;
    const encoded = tf.concat([tf.zeros([1, this.params.dim]), this.encode('memory', memoryItems)], 0);
    const memory = tf.gather(encoded, slots) as tf.Tensor3D; // [B, W, K], zero rows at padding
    const memoryIds = tf.gather(tf.concat([tf.tensor1d([-1], 'int32'), memoryItems]), slots); // [B, W], -1 at padding
    const vectors = tf.reshape(this.encode('candidate', tf.reshape(items, [-1]) as tf.Tensor1D), [rows, width, this.params.dim]) as tf.Tensor3D;
    const products = tf.matMul(vectors, memory, false, true); // [B, X, W]
    const mask = this.memoryMask(tf.expandDims(memoryIds, 1), tf.expandDims(items, 2));
    const { weights, scores } = memoryAttention(products, mask, 2, this.variant !== 'no_attention');
    return { scores: scores as tf.Tensor2D, users: tf.matMul(weights as tf.Tensor3D, memory), vectors };
  }

  /** 1 where a memory slot holds an item (ids >= 0) other than the candidate (eq. 5's I⁺ᵢ \ j). */
  private memoryMask(memoryIds: tf.Tensor, candidates: tf.Tensor): tf.Tensor {
    return tf.cast(tf.logicalAnd(tf.greaterEqual(memoryIds, 0), tf.notEqual(memoryIds, candidates)), 'float32');
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    return this.forward(batch, items).scores;
  }

  /** Eq. 11 (sign corrected): the ranking loss plus λ_u ‖u‖² and λ_v ‖v‖² of the positive and the negatives. */
  override loss(batch: BatchTensors): tf.Scalar {
    return tf.tidy(() => {
      const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
      const { scores, users, vectors } = this.forward(batch, items);
      const negatives = items.shape[1] - 1;
      const column = tf.tensor2d([1, ...new Array<number>(negatives).fill(1 / Math.max(1, negatives))], [1, negatives + 1]);
      const squared = (x: tf.Tensor3D) => tf.sum(tf.mul(tf.sum(tf.square(x), 2), column), 1);
      const penalty = tf.add(tf.mul(squared(users), this.params.lambda_u), tf.mul(squared(vectors), this.params.lambda_v));
      const mask = batch.mask;
      const meanPenalty = tf.div(tf.sum(tf.mul(penalty, mask)), tf.maximum(tf.sum(mask), 1));
      return tf.add(lossOf(this.lossName as LossName, scores, mask), meanPenalty) as tf.Scalar;
    });
  }

  override checkTraining(): void {
    super.checkTraining();
    if (this.lossName === 'full_softmax') {
      throw new ConfigError(`${this.context.source}: train.loss: full_softmax is not available for mars (it scores sampled pairs; use bpr)`);
    }
  }

  /** Both sides' vectors of every item, once per evaluation. */
  userStates(_history: History, users: Int32Array): UserStates {
    const [memory, candidate] = SIDES.map((side) => this.encodeAll(side));
    return new ItemVectors(users, memory, candidate);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const vectors = query.states instanceof ItemVectors ? query.states : null;
      const memoryTable = vectors ? vectors.memory : this.encodeAll('memory');
      const candidateTable = vectors ? vectors.candidate : this.encodeAll('candidate');
      const rows = memoryRows(query.history.lists, query.users, this.params.memory);
      const batch = query.users.length;
      const ids = tf.tensor2d(rows.items, [batch, rows.width], 'int32');
      const memory = tf.gather(memoryTable, tf.maximum(ids, tf.scalar(0, 'int32'))) as tf.Tensor as tf.Tensor3D; // [B, W, K]
      const attend = this.variant !== 'no_attention';
      if (query.candidates) {
        const candidates = tf.gather(candidateTable, query.candidates) as tf.Tensor as tf.Tensor3D; // [B, X, K]
        const products = tf.matMul(candidates, memory, false, true); // [B, X, W]
        const mask = this.memoryMask(tf.expandDims(ids, 1), tf.expandDims(query.candidates, 2));
        return memoryAttention(products, mask, 2, attend).scores as tf.Tensor2D;
      }
      // every item: [B, W, n] products for blocks of n items, the memory axis in the middle
      const numItems = candidateTable.shape[0];
      const flat = tf.reshape(memory, [batch * rows.width, -1]);
      const block = Math.max(1, Math.floor(SCORE_BLOCK / (batch * rows.width)));
      const memoryIds = tf.expandDims(ids, 2);
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < numItems; start += block) {
        const n = Math.min(block, numItems - start);
        const products = tf.reshape(tf.matMul(flat, tf.slice(candidateTable, [start, 0], [n, -1]), false, true), [batch, rows.width, n]);
        const mask = this.memoryMask(memoryIds, tf.reshape(tf.range(start, start + n, 1, 'int32'), [1, 1, n]));
        parts.push(memoryAttention(products, mask, 1, attend).scores as tf.Tensor2D);
      }
      return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    });
  }

  /** The attention of `user`'s memory (its `history`, as scoring reads it) for candidate `item`, largest first. */
  async explain(history: History, user: number, item: number): Promise<MemoryWeights> {
    const users = Int32Array.of(user);
    const rows = memoryRows(history.lists, users, this.params.memory);
    const weights = tf.tidy(() => {
      const ids = tf.tensor2d(rows.items, [1, rows.width], 'int32');
      const memory = tf.gather(this.encodeAll('memory'), tf.maximum(ids, tf.scalar(0, 'int32'))) as tf.Tensor as tf.Tensor3D;
      const candidate = tf.gather(this.encodeAll('candidate'), tf.tensor2d([[item]], [1, 1], 'int32')) as tf.Tensor as tf.Tensor3D;
      const products = tf.matMul(candidate, memory, false, true);
      const mask = this.memoryMask(tf.expandDims(ids, 1), tf.tensor3d([[[item]]], [1, 1, 1], 'int32'));
      return tf.reshape(memoryAttention(products, mask, 2, this.variant !== 'no_attention').weights, [-1]);
    });
    const values = (await weights.data()) as Float32Array;
    weights.dispose();
    const order = Array.from(rows.items.keys()).filter((m) => rows.items[m] >= 0 && rows.items[m] !== item).sort((a, b) => values[b] - values[a] || a - b);
    return { items: Int32Array.from(order, (m) => rows.items[m]), weights: Float32Array.from(order, (m) => values[m]) };
  }
}

export const marsEntry = modelEntry({
  name: 'mars',
  title: 'MARS: a memory of the user\'s liked items (text CNN vectors) read by attention per candidate, BPR with L2 on the adaptive vectors',
  paper: 'Zheng et al. MARS: Memory Attention-Aware Recommender System. 2018',
  keys: KEYS,
  readsText: (p) => (p.variant === 'no_text' ? false : 'variant'),
  memory: (p, s) => ({
    parameters: p.variant === 'no_text' ? 2 * s.numItems * p.dim : 2 * (p.window * p.word_dim * p.filters + p.filters * p.dim),
    largestTensor: Math.max(SCORE_BLOCK, s.batchSize * 2 * p.dim),
  }),
  create: (context) => new Mars(context),
});
