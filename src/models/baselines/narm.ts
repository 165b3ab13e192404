import * as tf from '@tensorflow/tfjs-core';
import { int, num, oneOf, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { addGruWeights, gruStates, gruWeightsOf } from '../layers/gru';
import { glorotInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';
import { addTimeGateWeights, timeAttention, timeGateWeightsOf } from '../layers/time-attention';
import { addTimeGruWeights, timeGruStates, timeGruWeightsOf } from '../layers/time-gru';
import { queryAges, stepGaps } from '../time-inputs';
import { SECONDS_PER, timeUnitKey } from '../time-unit';

const KEYS = {
  dim: int(100, 'hidden size of the recurrent unit and of the attention (paper: 100; MTAM\'s comparison: 128)', { min: 1 }),
  embedding_dim: int(50, 'item embedding size, input and output (paper: 50; MTAM\'s comparison: 128)', { min: 1 }),
  max_length: int(50, 'the last max_length items of a prefix are the session the encoders read', { min: 1 }),
  dropout_embedding: num(0.25, 'dropout on the item embeddings (the authors\' code: 0.25)', { min: 0, max: 0.99 }),
  dropout_context: num(0.5, 'dropout on the concatenated context [c_g; c_l] before the decoder (the authors\' code: 0.5)', { min: 0, max: 0.99 }),
  attention: oneOf(
    ['additive', 'dot', 'time_aware'],
    'additive',
    'the local encoder\'s attention: additive (NARM\'s vᵀσ(A₁h_t + A₂h_j), unnormalised), dot (softmax of projected dot products, MTAM\'s attention with its gate held at 1, as the MTAM authors\' NARM), or time_aware (MTAM\'s eqs. 16-20 at the target\'s time: NARM+)',
  ),
  unit: oneOf(['gru', 'tgru'], 'gru', 'the recurrent unit: gru (NARM\'s), or tgru (MTAM\'s time-aware GRU, eqs. 6-13: with attention time_aware, NARM++)'),
  time_unit: timeUnitKey('attention time_aware or unit tgru: '),
};

type NarmParams = ParamsOf<typeof KEYS>;

/**
 * NARM (Li, Ren, Chen, Ren, Lian, Ma; Neural Attentive Session-based Recommendation, CIKM 2017), over the last
 * max_length items x_1..x_t before the target, with item embeddings E [N, e]:
 *   h_j = GRU(dropout(E[x_j]))_j                                  one GRU serves both encoders (eqs. 5, 7)
 *   c_g = h_t                                                      global encoder (eq. 6)
 *   α_j = vᵀ σ(A₁ h_t + A₂ h_j),   c_l = Σ_j α_j h_j                local encoder (eqs. 8, 9; α not normalised)
 *   c = dropout([c_g; c_l]),   S_i = E_i · (c B)                     bilinear decoder (eq. 11, B ∈ R^{2d×e})
 * trained with full-softmax cross-entropy over every item (eq. 12) on every prefix (`prefixes` batches).
 *
 * NARM+ and NARM++ are the MTAM paper's (Ji et al., CIKM 2020, §6.2): "NARM+ is improved by equipping with
 * our proposed time-aware attention", "NARM++ ... with our proposed time-aware attention and T-GRU". memrec
 * reads them as the MTAM authors' code builds them:
 * - NARM+ = model.attention time_aware: the local encoder is MTAM's time-aware attention (eqs. 16-20) with
 *   the query h_t W_Q at the target's time and the keys h_j W_K, values h_j W_V at the items' times:
 *   c_l = softmax_j((q k_jᵀ ⊙ g_j) / √d) v_j, g the temporal gate of |t_target − t_j| and q W_τ k_jᵀ, its
 *   position-pair parameters [1, max_length] as in MTAM. The target's time is known, as in MTAM's protocol
 *   (the `prefixes` batch's ages; at scoring the query's target time, or the last item's where none is given).
 * - NARM++ = NARM+ with model.unit tgru: the GRU replaced by MTAM's T-GRU (eqs. 6-13), the gap before each
 *   item from the ages (0 for the first), in model.time_unit, as in MTAM.
 * - model.attention dot is the time-blind counterpart of NARM+ (the same projections, the gate held at 1):
 *   the MTAM authors' own NARM uses it; the default, additive, is NARM's paper.
 *
 * Choices where the NARM paper is open, each also in the README:
 * - The global and local encoders share one GRU (the paper draws two, h^g and h^l; its official code and
 *   RecBole run one). The GRU is memrec's (Cho et al. 2014: the reset gate before the recurrent product; the
 *   official Theano code and cuDNN apply it after), with biases.
 * - The decoder scores against the input item embeddings E (the official code's one embedding table).
 * - Init: Glorot uniform for every matrix, zero biases (the paper does not say; RecBole uses Xavier normal).
 * - Dropout 0.25 on the embeddings and 0.5 on [c_g; c_l], the official code's (the paper names none).
 * - Left padding: padded steps carry the GRU state unchanged and get α = 0 (or are masked out of the softmax).
 */
export class Narm extends NeuralModel<NarmParams> {
  readonly batchKind = 'prefixes';
  readonly defaultLoss = 'full_softmax' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim, embedding_dim: embeddingDim, max_length: length, attention } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems, embeddingDim]));
    if (this.params.unit === 'tgru') addTimeGruWeights(add, 'tgru', this.initRng, embeddingDim, dim);
    else addGruWeights(add, 'gru', this.initRng, embeddingDim, dim);
    if (attention === 'additive') {
      this.addWeight('attention_a1', glorotInit(this.initRng, [dim, dim]));
      this.addWeight('attention_a2', glorotInit(this.initRng, [dim, dim]));
      this.addWeight('attention_v', glorotInit(this.initRng, [dim, 1]));
    } else {
      for (const part of ['query', 'key', 'value']) this.addWeight(`attention_${part}`, glorotInit(this.initRng, [dim, dim]));
      if (attention === 'time_aware') addTimeGateWeights(add, 'attention_gate', this.initRng, dim, 1, length);
    }
    this.addWeight('bilinear', glorotInit(this.initRng, [2 * dim, embeddingDim]));
  }

  /** The GRU's (or T-GRU's) states [B, L, d] of embedded inputs x [B, L, e] with mask real and scaled ages. */
  private states(x: tf.Tensor3D, real: tf.Tensor2D, scaled: tf.Tensor2D): tf.Tensor3D {
    const read = (name: string) => this.weight(name);
    if (this.params.unit === 'tgru') return timeGruStates(x, stepGaps(scaled, real), real, timeGruWeightsOf(read, 'tgru'));
    return gruStates(x, real, gruWeightsOf(read, 'gru'));
  }

  /** The local encoder's c_l [B, d] from the states H [B, L, d], the last state ht [B, d], mask and scaled ages. */
  private local(states: tf.Tensor3D, last: tf.Tensor2D, real: tf.Tensor2D, scaled: tf.Tensor2D): tf.Tensor2D {
    const [batch, length, dim] = states.shape;
    const flat = tf.reshape(states, [batch * length, dim]);
    if (this.params.attention === 'additive') {
      const query = tf.expandDims(tf.matMul(last, this.weight('attention_a1')), 1);
      const keys = tf.reshape(tf.matMul(flat, this.weight('attention_a2')), [batch, length, dim]);
      const hidden = tf.reshape(tf.sigmoid(tf.add(query, keys)), [batch * length, dim]);
      const alpha = tf.mul(tf.reshape(tf.matMul(hidden, this.weight('attention_v')), [batch, length]), real);
      return tf.sum(tf.mul(states, tf.expandDims(alpha, 2)), 1) as tf.Tensor2D;
    }
    const project = (name: string) => tf.reshape(tf.matMul(flat, this.weight(`attention_${name}`)), [batch, length, dim]) as tf.Tensor3D;
    const query = tf.expandDims(tf.matMul(last, this.weight('attention_query')), 1) as tf.Tensor3D;
    const gate = this.params.attention === 'time_aware' ? timeGateWeightsOf((name) => this.weight(name), 'attention_gate') : null;
    const read = timeAttention(query, tf.zeros([batch, 1]) as tf.Tensor2D, project('key'), scaled, project('value'), real, gate);
    return tf.reshape(read, [batch, dim]) as tf.Tensor2D;
  }

  /** The decoder's query c B [B, e] of shifted inputs [B, L] whose ages before the target are `ages` [B, L]. */
  private userVector(inputs: tf.Tensor2D, ages: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const [batch, length] = inputs.shape;
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const items = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    const embedded = tf.mul(this.dropout(items, this.params.dropout_embedding, training), tf.expandDims(real, 2)) as tf.Tensor3D;
    const scaled = tf.div(ages, SECONDS_PER[this.params.time_unit]) as tf.Tensor2D;
    const states = this.states(embedded, real, scaled);
    const last = tf.reshape(tf.slice(states, [0, length - 1, 0], [-1, 1, -1]), [batch, this.params.dim]) as tf.Tensor2D;
    const context = this.dropout(tf.concat([last, this.local(states, last, real, scaled)], 1), this.params.dropout_context, training);
    return tf.matMul(context, this.weight('bilinear'));
  }

  private batchVector(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return this.userVector(batch.inputs as tf.Tensor2D, batch.fields.input_ages as tf.Tensor2D, training);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const user = tf.expandDims(this.batchVector(batch, training), 1);
    return tf.sum(tf.mul(user, tf.gather(this.weight('item_embedding'), items)), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return scoreItems(this.batchVector(batch, training), this.weight('item_embedding') as tf.Tensor2D, null, null);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const length = this.params.max_length;
    return tf.tidy(() => {
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return scoreItems(this.userVector(inputs, queryAges(query, length), false), this.weight('item_embedding') as tf.Tensor2D, null, query.candidates);
    });
  }
}

export const narmEntry = modelEntry({
  name: 'narm',
  title: 'NARM: a GRU\'s last state and an attentive read of its states, decoded bilinearly (NARM+ and NARM++ by model.attention and model.unit)',
  paper:
    'Li, Ren, Chen, Ren, Lian, Ma. Neural Attentive Session-based Recommendation. CIKM 2017; ' +
    'NARM+ and NARM++: Ji et al., CIKM 2020 (Table 2)',
  keys: KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003, 0.01], 'model.dropout_context': [0.25, 0.5] },
  readsTime: (p) => (p.attention === 'time_aware' ? 'attention' : p.unit === 'tgru' ? 'unit' : false),
  memory: (p, s) => ({
    parameters: s.numItems * p.embedding_dim + 4 * p.dim * (p.embedding_dim + 2 * p.dim) + 2 * p.dim * p.embedding_dim,
    largestTensor: Math.max(s.numItems * p.embedding_dim, s.batchSize * s.numItems, s.evalBatchSize * s.numItems, s.batchSize * p.max_length * p.dim),
  }),
  create: (context) => new Narm(context),
});
