import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import {
  addAttentionWeights,
  addLayerNormWeights,
  attentionWeightsOf,
  dense,
  layerNorm,
  layerNormWeightsOf,
  multiHeadAttention,
} from '../layers/attention';
import { glorotInit, zerosInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';
import { addLstmWeights, lstmStates, lstmWeightsOf } from '../layers/lstm';
import { attendMasked, lastSession } from '../layers/sessions';
import { queryAges } from '../time-inputs';
import { checkHeads } from './sasrec';

const DAY = 86_400;

const KEYS = {
  dim: int(64, 'd: width of every embedding (item, category, user), of the LSTM, the attentions and the user vector', { min: 1 }),
  max_length: int(100, 'the last max_length items before the target are read: the last session (short term) and the long term before it', { min: 1 }),
  num_heads: int(2, 'heads of the short-term multi-head self-attention (must divide dim)', { min: 1 }),
  session_gap: num(3600, 'seconds: an item joins the session of the item before it when the gap between them is shorter (SDM: 3600)', { min: 0 }),
  session_length: int(50, 'the short-term session holds at most this many of the latest items (SDM: 50)', { min: 1 }),
  long_term_days: num(7, 'the long term is the behaviour of this many days before the session starts (SDM: 7); 0 = every earlier item in the window', { min: 0 }),
};

/**
 * SDM (Lv, Jin, Yu, Sun, Lin, Yang, Ng; SDM: Sequential Deep Matching Model for Online Large-scale Recommender
 * System, CIKM 2019). For user u (embedding e_u), the last session S = [i_1..i_t] before the target and the long
 * term L before it, with item embeddings E [N, d] and category embeddings C [categories + 1, d] (row 0 = none):
 *   e_i = [E_i; C_cat(i)]                                               side information, concatenated (§3.3)
 *   h_1..h_t = LSTM(e_i1..e_it)                                         (§3.4)
 *   X̂ = LN(X + MultiHead(X)),  MultiHead(X) = [head_1..head_H] W^O,
 *   head_h = softmax((X W^Q_h)(X W^K_h)ᵀ / √(d/H)) X W^V_h   over the session's items       (§3.5, §4.4)
 *   s = Σ_k α_k ĥ_k,  α_k = softmax_k(ĥ_kᵀ e_u)                          user attention (§3.5)
 *   z_f = Σ_{k∈L} a_k g_k,  a_k = softmax_k(g_kᵀ e_u),  g_k = E_k (f = item) or C_cat(k) (f = category)
 *   p = tanh([z_item; z_category] W^p + b)                              long-term (§3.6)
 *   G = σ(e_u W^1 + s W^2 + p W^3 + b),  o = (1 − G) ⊙ p + G ⊙ s          gated fusion (§3.7)
 *   score_i = o · V_i                                                    V [N, d]: the softmax's item table
 * trained with sampled softmax (train.num_negatives sampled items) on each prefix (`prefixes` batches).
 *
 * Choices where the paper is open or memrec's data differ, each also in the README:
 * - Sessions by SDM's rule read as a gap rule on the inputs' times (layers/sessions.ts): an item joins the
 *   session of the item before it when it comes less than session_gap (3600 s) later; the last session is cut
 *   to its latest session_length (50) items, and the items before it are the long term (SDM splits an
 *   over-long session forward in time, so its last part may be shorter). The data have no session ids.
 * - The long term is the window's items from long_term_days (7) days before the session's first item,
 *   as SDM's "the previous 7 days"; the window (max_length) bounds it too. An empty long term gives z = 0.
 * - Side information: the item id and its category (memrec's only item attribute; a source without categories
 *   gives every item the one "none" category, a constant feature). The long-term attention reads the same
 *   embeddings, as SDM. The user is a user-id embedding (the paper's profile features are not in the data).
 * - One LSTM layer (torch.nn.LSTM's cell, forget bias 0), zero state at the session's start. The self-attention
 *   has the output projection W^O, scaling by √(d/H), and the residual and layer norm of §4.4 (as the authors'
 *   code, alicogintel/SDM); the user attention and the long-term attention are the paper's plain dot products.
 * - The scored item table V is separate from the input embedding E, as the softmax weights of the authors'
 *   code (without bias). No dropout. Init: Glorot uniform for every matrix and embedding, zero biases; layer
 *   norm γ = 1, β = 0.
 */
export class Sdm extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'prefixes';
  readonly defaultLoss = 'sampled_softmax' as const;
  /** [numItems + 1] category row of each shifted item index (0 = padding or no category) */
  private categoryRows: tf.Tensor1D | null = null;

  get inputLength(): number {
    return this.params.max_length;
  }

  /** Positions of the window that the short-term encoder reads: the session never reaches further back. */
  private get shortWidth(): number {
    return Math.min(this.params.session_length, this.params.max_length);
  }

  protected build(train: TrainData): void {
    const { dim } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('category_embedding', glorotInit(this.initRng, [Math.max(0, train.numCategories) + 1, dim]));
    this.addWeight('user_embedding', glorotInit(this.initRng, [train.numUsers, dim]));
    addLstmWeights(add, 'lstm', this.initRng, 2 * dim, dim);
    addAttentionWeights(add, 'self_attention', this.initRng, dim, true);
    addLayerNormWeights(add, 'self_attention_norm', dim);
    this.addWeight('long_term_kernel', glorotInit(this.initRng, [2 * dim, dim]));
    this.addWeight('long_term_bias', zerosInit([dim]));
    for (const part of ['user', 'short', 'long']) this.addWeight(`gate_${part}`, glorotInit(this.initRng, [dim, dim]));
    this.addWeight('gate_bias', zerosInit([dim]));
    this.addWeight('output_items', glorotInit(this.initRng, [train.numItems, dim]));
    this.categoryRows = tf.tensor1d(Int32Array.from({ length: train.numItems + 1 }, (_, j) => (j === 0 ? 0 : train.itemCategory[j - 1] + 1)), 'int32');
  }

  override dispose(): void {
    this.categoryRows?.dispose();
    this.categoryRows = null;
    super.dispose();
  }

  /** The user vector o [B, d] of users [B] with shifted inputs [B, L] at ages [B, L] (seconds before the target). */
  private userVector(users: tf.Tensor1D, inputs: tf.Tensor2D, ages: tf.Tensor2D): tf.Tensor2D {
    const { num_heads: numHeads, long_term_days: days } = this.params;
    const length = inputs.shape[1];
    const read = (name: string) => this.weight(name);
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const { session, earlier } = lastSession(ages, real, this.params.session_gap, this.params.session_length);
    const user = tf.gather(read('user_embedding'), users) as tf.Tensor2D;
    const items = tf.gather(read('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    const categories = tf.gather(read('category_embedding'), tf.gather(this.categoryRows as tf.Tensor1D, inputs)) as tf.Tensor3D;

    // short term: the last shortWidth positions hold the whole session
    const width = this.shortWidth;
    const recent = <T extends tf.Tensor>(t: T) => tf.slice(t, t.rank === 3 ? [0, length - width, 0] : [0, length - width], t.rank === 3 ? [-1, width, -1] : [-1, width]) as T;
    const inSession = recent(session);
    const states = lstmStates(tf.concat([recent(items), recent(categories)], 2) as tf.Tensor3D, inSession, lstmWeightsOf(read, 'lstm'));
    const attended = multiHeadAttention(states, states, attentionWeightsOf(read, 'self_attention', true), { numHeads, keyMask: inSession });
    const encoded = layerNorm(tf.add(states, attended), layerNormWeightsOf(read, 'self_attention_norm')) as tf.Tensor3D;
    const short = attendMasked(user, encoded, encoded, inSession);

    // long term: the earlier items within long_term_days of the session's first item
    let longTerm = earlier;
    if (days > 0) {
      const sessionStart = tf.max(tf.mul(ages, session), 1, true);
      longTerm = tf.mul(earlier, tf.cast(tf.lessEqual(tf.sub(ages, sessionStart), days * DAY), 'float32')) as tf.Tensor2D;
    }
    const z = tf.concat([attendMasked(user, items, items, longTerm), attendMasked(user, categories, categories, longTerm)], 1) as tf.Tensor2D;
    const long = tf.tanh(dense(z, read('long_term_kernel') as tf.Tensor2D, read('long_term_bias') as tf.Tensor1D)) as tf.Tensor2D;

    const gateInput = tf.addN([tf.matMul(user, read('gate_user') as tf.Tensor2D), tf.matMul(short, read('gate_short') as tf.Tensor2D), tf.matMul(long, read('gate_long') as tf.Tensor2D)]);
    const gate = tf.sigmoid(tf.add(gateInput, read('gate_bias')));
    return tf.add(tf.mul(tf.sub(1, gate), long), tf.mul(gate, short)) as tf.Tensor2D;
  }

  private batchVector(batch: BatchTensors): tf.Tensor2D {
    return this.userVector(batch.users, batch.inputs as tf.Tensor2D, batch.fields.input_ages as tf.Tensor2D);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const user = tf.expandDims(this.batchVector(batch), 1);
    return tf.sum(tf.mul(user, tf.gather(this.weight('output_items'), items)), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    return scoreItems(this.batchVector(batch), this.weight('output_items') as tf.Tensor2D, null, null);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const length = this.params.max_length;
    return tf.tidy(() => {
      const users = tf.tensor1d(query.users, 'int32');
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return scoreItems(this.userVector(users, inputs, queryAges(query, length)), this.weight('output_items') as tf.Tensor2D, null, query.candidates);
    });
  }
}

export const sdmEntry = modelEntry({
  name: 'sdm',
  title: 'SDM: the last session through an LSTM, multi-head self-attention and user attention, attention over the long-term items and categories, gated fusion',
  paper: 'Lv, Jin, Yu, Sun, Lin, Yang, Ng. SDM: Sequential Deep Matching Model for Online Large-scale Recommender System. CIKM 2019',
  keys: KEYS,
  readsTime: true,
  check: checkHeads,
  memory: (p, s) => ({
    parameters: (2 * s.numItems + s.numUsers) * p.dim + 21 * p.dim * p.dim,
    largestTensor: Math.max(s.numItems * p.dim, s.batchSize * s.numItems, s.evalBatchSize * s.numItems, s.batchSize * p.max_length * 2 * p.dim),
  }),
  create: (context) => new Sdm(context),
});
