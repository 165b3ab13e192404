import * as tf from '@tensorflow/tfjs-core';
import { bool, int, num, oneOf, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { addCategoryWeights, categoryInputKey, withCategories } from '../layers/category-input';
import { glorotInit, uniformInit, zerosInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';
import { multiHopRead, type TimeAttentionWeights } from '../layers/time-attention';
import { timeGruStates, type TimeGruWeights } from '../layers/time-gru';
import { addTimeLstmWeights, sliRecLogTime, timeLstmStates, timeLstmWeightsOf } from '../layers/time-lstm';
import { queryAges, stepFollows, stepGaps } from '../time-inputs';
import { SECONDS_PER, timeUnitKey } from '../time-unit';

/** Half-width of the uniform start of the time-gate weights (zeros would leave the gates without gradient). */
const GATE_INIT = 0.1;

const TGRU_KEYS = {
  dim: int(128, 'd: behaviour embedding, recurrent state and every projection (paper: 128)', { min: 1 }),
  max_length: int(50, 'the last max_length behaviours of a prefix are the input and the memory (paper: 50)', { min: 1 }),
  dropout: num(0.5, 'dropout on the behaviour embeddings (paper: 0.5)', { min: 0, max: 0.99 }),
  time_unit: timeUnitKey(''),
  category: categoryInputKey('concat', 'the behaviour embedding: concat = relu([item, category] W_b) + position (the authors\' code), sum = item + category + position, none = item + position; items without a category share a "no category" row'),
  tie_output: bool(true, 'score items with the input item embeddings (the paper\'s one Q, and the authors\' code); false = a separate output matrix'),
};

const MTAM_KEYS = {
  ...TGRU_KEYS,
  hops: int(4, 'k′: memory reads (0 = T-GRU alone, as the paper\'s Figure 5 defines; the authors\' configs use 6-8)', { min: 0 }),
  unit: oneOf(['tgru', 'gru', 'tseqrec'], 'tgru', 'the recurrent unit: tgru (eqs. 6-13), gru (the same cell with its time gate held at 1, Table 3\'s "without time-aware RNN"), or tseqrec (SLi-Rec\'s time-aware LSTM, Table 3\'s "MTAM with T-SeqRec")'),
  attention: oneOf(['time_aware', 'dot'], 'time_aware', 'the memory read: time_aware (eqs. 16-20), or dot (its gate held at 1, Table 3\'s "without time-aware attention")'),
  memory: oneOf(['embeddings', 'states'], 'embeddings', 'what the memory holds: the behaviour embeddings (the paper\'s), or the recurrent unit\'s states (Table 3\'s "via T-GRU" / "via GRU")'),
};

type MtamParams = ParamsOf<typeof MTAM_KEYS>;

/**
 * MTAM (Ji, Shen, Wu, Gao, Chen, Zhang; Multi-hop Time-aware Attentive Memory network, CIKM 2020):
 *   b_s = dropout(relu([E[x_s], C[c(x_s)]] W_b) + P[s])    the behaviour embedding (item, category, position)
 *   c⁰ = T-GRU(b, Δt)_last                                   the short-term intent (eqs. 6-13)
 *   c^k = c^{k−1} + TimeAttention((c^{k−1} W_Q^k, t_target), (m W_K, t_m), (m W_V, t_m))   k = 1..hops
 *   logit(i) = c^{hops} · E_i                                (eqs. 23-25, then the scores; Q = E, tied)
 * trained with full-softmax cross-entropy on every prefix (`prefixes` batches: the target's time is known, as
 * the paper's protocol feeds it), the memory m being the same last max_length behaviours (ambiguity 14).
 *
 * Choices where the paper is open (model-notes §2.6), each also in the README:
 * - Times: every time enters as the age before the target (the `prefixes` batch's `input_ages`; at scoring
 *   the query's target time, or the last behaviour's when none is given), in model.time_unit. One rule for
 *   every source: loaders store Unix seconds (Amazon's days and Ali Mobile's hours as their first second), and
 *   gaps are measured in hours, as the authors' code does (it floors times to hours; memrec keeps fractions).
 *   The gap of a behaviour is the difference of its age and the previous one's; the first gets 0
 *   (ambiguity 3). The attention's |t_target − t_m| is the memory slot's age.
 * - The behaviour embedding (ambiguity 9; the paper only says "look-up"): model.category concat, as the authors'
 *   code builds it (item and category embeddings of d each, a d-wide ReLU layer without bias, plus the position
 *   counted from the right end); sum and none are the simpler readings. The category table has a row 0 for
 *   "no category" (items with none, and sources without categories).
 * - The output matrix is the input item embedding E (model.tie_output): the paper names one item matrix Q for
 *   the look-up and the scores, and the authors' code scores against its item look-up table.
 * - The attention's position-pair parameters are [1, max_length] as printed (one query, max_length slots) and
 *   shared by the hops; W_Q per hop, W_K and W_V shared (ambiguity 7); τ uses the projected query and keys.
 * - Padded memory slots are masked (ambiguity 6). No residual layer norm or multi-head (the code's, not the paper's).
 * - model.unit tseqrec (Table 3's "MTAM with T-SeqRec") puts SLi-Rec's time-aware LSTM (layers/time-lstm.ts)
 *   where the T-GRU was: its interval is the same gap (0 on the first behaviour, as SLi-Rec's code), its span
 *   the behaviour's age before the target, both in model.time_unit through log(max(Δ, 0.5)) (SLi-Rec's
 *   transform, in days there); its output m is the short-term intent and, with memory states, the memory.
 */
export class Mtam extends NeuralModel<MtamParams> {
  readonly batchKind = 'prefixes';
  /** [numItems + 1] category row of each shifted item index (0 = padding or no category); null with category none */
  private categoryRows: tf.Tensor1D | null = null;
  readonly defaultLoss = 'full_softmax' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim, max_length: length, hops } = this.params;
    const gate = (shape: number[]) => uniformInit(this.initRng, shape, GATE_INIT);
    this.addWeight('item_embedding', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('position_embedding', glorotInit(this.initRng, [length, dim]));
    this.categoryRows = addCategoryWeights((name, initial) => void this.addWeight(name, initial), this.initRng, train, dim, this.params.category);
    if (this.params.unit === 'tseqrec') {
      addTimeLstmWeights((name, initial) => void this.addWeight(name, initial), 'tseqrec', this.initRng, dim, dim);
    } else {
      for (const name of ['wz', 'wr', 'wh', 'wtau']) this.addWeight(`tgru_${name}`, glorotInit(this.initRng, [2 * dim, dim]));
      for (const name of ['bz', 'br', 'bh', 'btau', 'bdelta', 'bg']) this.addWeight(`tgru_${name}`, zerosInit([dim]));
      for (const name of ['wdelta', 'wgdelta', 'wgtau']) this.addWeight(`tgru_${name}`, gate([dim]));
    }
    if (hops > 0) {
      for (let k = 0; k < hops; k++) this.addWeight(`hop${k}_query`, glorotInit(this.initRng, [dim, dim]));
      this.addWeight('memory_key', glorotInit(this.initRng, [dim, dim]));
      this.addWeight('memory_value', glorotInit(this.initRng, [dim, dim]));
      this.addWeight('attention_wtau', glorotInit(this.initRng, [dim, dim]));
      for (const name of ['bdelta', 'btau', 'bg']) this.addWeight(`attention_${name}`, zerosInit([1, length]));
      for (const name of ['wdelta', 'wgdelta', 'wgtau']) this.addWeight(`attention_${name}`, gate([1, length]));
    }
    if (!this.params.tie_output) this.addWeight('output_items', glorotInit(this.initRng, [train.numItems, dim]));
  }

  override dispose(): void {
    this.categoryRows?.dispose();
    this.categoryRows = null;
    super.dispose();
  }

  private outputItems(): tf.Tensor2D {
    return this.weight(this.params.tie_output ? 'item_embedding' : 'output_items') as tf.Tensor2D;
  }

  /** The behaviour embedding before dropout, [B, L, d], of shifted inputs (padding rows are masked later). */
  private behaviourEmbedding(inputs: tf.Tensor2D): tf.Tensor3D {
    const items = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    const joined = withCategories(items, inputs, this.categoryRows, (name) => this.weight(name), this.params.category);
    return tf.add(joined, this.weight('position_embedding')) as tf.Tensor3D;
  }

  private tgru(): TimeGruWeights {
    const w = (name: string) => this.weight(`tgru_${name}`);
    const gated = this.params.unit === 'tgru';
    return {
      wz: w('wz') as tf.Tensor2D, wr: w('wr') as tf.Tensor2D, wh: w('wh') as tf.Tensor2D, wtau: w('wtau') as tf.Tensor2D,
      bz: w('bz') as tf.Tensor1D, br: w('br') as tf.Tensor1D, bh: w('bh') as tf.Tensor1D, btau: w('btau') as tf.Tensor1D,
      wdelta: w('wdelta') as tf.Tensor1D, bdelta: w('bdelta') as tf.Tensor1D,
      // the plain GRU: g = σ(large) = 1, whatever δ and τ
      wgdelta: (gated ? w('wgdelta') : tf.zerosLike(w('wgdelta'))) as tf.Tensor1D,
      wgtau: (gated ? w('wgtau') : tf.zerosLike(w('wgtau'))) as tf.Tensor1D,
      bg: (gated ? w('bg') : tf.fill([this.params.dim], 50)) as tf.Tensor1D,
    };
  }

  private attention(): TimeAttentionWeights {
    const w = (name: string) => this.weight(`attention_${name}`) as tf.Tensor2D;
    const timed = this.params.attention === 'time_aware';
    return {
      wtau: w('wtau'), wdelta: w('wdelta'), bdelta: w('bdelta'), btau: w('btau'),
      wgdelta: timed ? w('wgdelta') : tf.zerosLike(w('wgdelta')),
      wgtau: timed ? w('wgtau') : tf.zerosLike(w('wgtau')),
      bg: timed ? w('bg') : (tf.fill([1, this.params.max_length], 50) as tf.Tensor2D),
    };
  }

  /** The user vector c^{hops} [B, d] of shifted inputs [B, L] whose ages before the target are `ages` [B, L]. */
  private userVector(inputs: tf.Tensor2D, ages: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const { dim, dropout, hops } = this.params;
    const [batch, length] = inputs.shape;
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const embedded = this.dropout(this.behaviourEmbedding(inputs), dropout, training);
    const behaviours = tf.mul(embedded, tf.expandDims(real, 2)) as tf.Tensor3D;
    const scaled = tf.div(ages, SECONDS_PER[this.params.time_unit]) as tf.Tensor2D;
    const gaps = stepGaps(scaled, real);
    const states = this.params.unit === 'tseqrec'
      ? timeLstmStates(behaviours, tf.mul(sliRecLogTime(gaps), stepFollows(real)), sliRecLogTime(scaled) as tf.Tensor2D, real, timeLstmWeightsOf((name) => this.weight(name), 'tseqrec'))
      : timeGruStates(behaviours, gaps, real, this.tgru());
    const intent = tf.reshape(tf.slice(states, [0, length - 1, 0], [-1, 1, -1]), [batch, dim]) as tf.Tensor2D;
    if (hops === 0) return intent;
    const memory = this.params.memory === 'states' ? states : behaviours;
    return multiHopRead(intent, tf.zeros([batch]) as tf.Tensor1D, memory, scaled, real, {
      queries: Array.from({ length: hops }, (_, k) => this.weight(`hop${k}_query`) as tf.Tensor2D),
      key: this.weight('memory_key') as tf.Tensor2D,
      value: this.weight('memory_value') as tf.Tensor2D,
      attention: this.attention(),
    });
  }

  private batchVector(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return this.userVector(batch.inputs as tf.Tensor2D, batch.fields.input_ages as tf.Tensor2D, training);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const user = tf.expandDims(this.batchVector(batch, training), 1);
    return tf.sum(tf.mul(user, tf.gather(this.outputItems(), items)), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors, training: boolean): tf.Tensor2D {
    return scoreItems(this.batchVector(batch, training), this.outputItems(), null, null);
  }

  /**
   * Scores from the last max_length history items with their ages at the target's time (the query's; the last
   * behaviour's time where the query has none).
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const length = this.params.max_length;
    return tf.tidy(() => {
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return scoreItems(this.userVector(inputs, queryAges(query, length), false), this.outputItems(), null, query.candidates);
    });
  }
}

export const mtamEntry = modelEntry({
  name: 'mtam',
  title: 'MTAM: a time-aware GRU\'s short-term intent refined by multi-hop time-aware attention over the behaviour memory',
  paper: 'Ji, Shen, Wu, Gao, Chen, Zhang. A Sequential Recommendation with Multi-hop Time-aware Attentive Memory Network. CIKM 2020',
  keys: MTAM_KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003, 0.01] },
  readsTime: true,
  create: (context) => new Mtam(context),
});

/** T-GRU, the paper's recurrent baseline: MTAM with no memory read (hops 0), the time-aware GRU alone. */
export const tgruEntry = modelEntry({
  name: 'tgru',
  title: 'T-GRU: the time-aware GRU alone, its last state scoring every item (MTAM with 0 hops)',
  paper: 'Ji et al., CIKM 2020 (the T-GRU row of Table 2)',
  keys: TGRU_KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003, 0.01] },
  readsTime: true,
  create: (context) => new Mtam({ ...context, params: { ...context.params, hops: 0, unit: 'tgru', attention: 'time_aware', memory: 'embeddings' } }),
});

/**
 * T-SeqRec, MTAM's time-aware recurrent baseline (SLi-Rec's time-aware LSTM, Yu et al., IJCAI 2019): MTAM with
 * no memory read and the tseqrec unit, so that it reads the same behaviour embedding and scores items as T-GRU.
 */
export const tseqrecEntry = modelEntry({
  name: 'tseqrec',
  title: 'T-SeqRec: SLi-Rec\'s time-aware LSTM (time-interval and time-span gates), its last output scoring every item',
  paper: 'Yu, Lian, Zhang, Xie, Liu, Xie. Adaptive User Modeling with Long and Short-Term Preferences for Personalized Recommendation. IJCAI 2019 (T-SeqRec, as a baseline of Ji et al., CIKM 2020)',
  keys: TGRU_KEYS,
  searchSpace: { 'train.lr': [0.001, 0.003, 0.01] },
  readsTime: true,
  create: (context) => new Mtam({ ...context, params: { ...context.params, hops: 0, unit: 'tseqrec', attention: 'time_aware', memory: 'embeddings' } }),
});
