import * as tf from '@tensorflow/tfjs-core';
import { int, num, oneOf, type ParamsOf } from '../../../config/spec';
import { putShifted } from '../../../data/windows';
import { ConfigError } from '../../../util/errors';
import type { BatchTensors } from '../../batch';
import { lossOf } from '../../losses';
import { modelEntry, type History, type ScoreQuery, type StepOutput, type TrainData, type TrainStep } from '../../model';
import { NeuralModel } from '../../neural-model';
import { repeatLast } from '../../layers/attention';
import { glorotInit } from '../../layers/init';
import { scoreItems } from '../../layers/item-scores';
import { joinStates, withUserStates, type UserStates } from '../../user-states';
import {
  fifoMemory,
  fusionGate,
  memoryAttention,
  reconstructionError,
  recurrentAttention,
  routeMemory,
  selectLanes,
  type ProjectionWeights,
} from './layers';

export const DMAN_KEYS = {
  dim: int(128, 'D: width of the item and position embeddings, of every layer and of the memory slots', { min: 1 }),
  num_blocks: int(2, 'L: attention layers, each with its recurrent and long-term attention and its own memory', { min: 1 }),
  window: int(20, 'T: the length of the windows each user\'s sequence is cut into, streamed in time order (paper: 20; 50 for XLong)', { min: 1 }),
  slots: int(20, 'm: memory slots per layer (paper: 20)', { min: 1 }),
  memory: oneOf(
    ['routing', 'fifo', 'none'],
    'routing',
    'the long-term memory: routing (DMAN: dynamic routing trained by the reconstruction loss), fifo (DMAN-FIFO: the last m states of older windows), none (DMAN-XL: recurrent attention only)',
  ),
  dropout: num(0, 'dropout rate on the input embeddings and on every attention\'s output while training (the paper names none)', { min: 0, max: 0.9 }),
  attention: oneOf(
    ['recurrent', 'vanilla'],
    'recurrent',
    'the short-term attention: recurrent (eq. 1, over this window and the previous window\'s states) or vanilla (DMAN-NRAN: this window only)',
  ),
};

type DmanParams = ParamsOf<typeof DMAN_KEYS>;

/** Routing iterations of f_abs: "usually repeats three times to converge". */
const ROUTING_ITERATIONS = 3;
/** Users streamed together when their states are built for scoring. */
const STREAM_LANES = 256;

/**
 * What a lane carries from one window to the next: per layer l (levels k = 0..L−1) the previous window's
 * states H̃^k_{n−1} [B, T, D] (`previous_k`) and the memory M^k [B, m, D] (`memory_k`, read by layer k + 1),
 * `previous_mask` [B, T] (1 at the previous window's real positions; all 0 at a stream's start) and
 * `memory_ready` [B] (0 until the first update, while the lane reads the learned initial memory).
 */
type Carried = Readonly<Record<string, tf.Tensor>>;

/** One window's pass: the short-term states H̃^0..H̃^L, the memory each layer read, and the user embeddings V. */
interface WindowPass {
  readonly short: tf.Tensor3D[];
  readonly mask: tf.Tensor2D;
  readonly memory: tf.Tensor3D[];
  readonly output: tf.Tensor3D;
}

/**
 * DMAN (Tan, Zhang, Liu, Huang, Yang, Zhou, Hu: Dynamic Memory based Attention Network for Sequential
 * Recommendation, AAAI 2021). Each user's sequence is cut into windows of T, streamed in time order with the
 * user's state carried from window to window (user_stream batches: many users in lockstep). Per window n and
 * layer l = 1..L, with H̃⁰ = Ĥ⁰ = X_n (item plus position embeddings):
 *   eq. 1  H̃^l = H̃^{l−1} + softmax(Q̃ K̃ᵀ/√D + causal) Ṽ,  Q̃ = H̃^{l−1}_n W̃_Q,  K̃, Ṽ = [SG(H̃^{l−1}_{n−1}) ; H̃^{l−1}_n] W̃_K, W̃_V
 *   eq. 2  Ĥ^l = Ĥ^{l−1} + softmax(Q̂ K̂ᵀ/√D) V̂,  Q̂ = Ĥ^{l−1} Ŵ_Q,  K̂, V̂ = M^{l−1} Ŵ_K, Ŵ_V
 *   eq. 3  G = σ(H̃^L W_short + Ĥ^L W_long),  V = G ⊙ H̃^L + (1 − G) ⊙ Ĥ^L
 *   eq. 9  P(x_{n,t}) = softmax_j(x_jᵀ V_{n,t}), approximated by a loss on the target and train.num_negatives
 *          sampled items (default sampled_softmax: the softmax over the target and the samples)
 *   eq. 4  after the window, M^{l−1} ← f_abs(M^{l−1}, H̃^{l−1}_{n−1}), so the memory covers windows ≤ n − 1 when
 *          window n + 1 reads it, and H̃_n becomes the cached previous window
 *   eqs. 6-8  f_abs: dynamic routing from [M ; H̃_{n−1}] (m + T capsules) to m slots, 3 iterations (layers.ts)
 *   eq. 5  L_ae = Σ_l ‖atten_rec^l(H̃^{l−1}_n, [M^{l−1} ; H̃^{l−1}_{n−1}]) − atten_rec^l(H̃^{l−1}_n, M^{l−1}_new)‖²_F
 * Training alternates as the paper's last paragraph of "Model Optimization": per batch, one Adam step on the
 * likelihood (every weight but the routing ones), then one Adam step on L_ae for the routing weights alone
 * (the attention weights in it are frozen: they are not in that step's variables). The paper writes "Eqs. (9)
 * and (6)"; eq. 6 is not a loss, so it means eq. 5 (ambiguity 10). The L_ae step hands on the lanes' state.
 * At scoring, each user's history is cut into windows as in training (from the first item; the last window
 * left-padded) and streamed once (userStates): the state before the last window plus that window's items are
 * kept, and scoring runs that one window against the m slots and the cached previous window, so its cost does
 * not grow with the history. Items are ranked by V at the last position.
 *
 * Choices where the paper is vague (model-notes §2.4, ambiguities 1-14):
 * 1. Memory levels: layer l reads M^{l−1} (eq. 2), and M^{l−1} abstracts H̃^{l−1} of older windows, the same
 *    level whose previous window layer l's recurrent attention sees (eq. 1): eq. 4's M^l ← f(M^l, H̃^l) with the
 *    index shifted by one so that what a layer reads and what was written for it are the same kind of state.
 *    Eq. 5's term for layer l uses that layer's projections, its query H̃^{l−1}_n and memory M^{l−1}.
 * 2. Initial memory: a learned [L, m, D] matrix (Glorot uniform), read until a lane's first update and trained
 *    by the likelihood; with zeros every slot would route alike (see 4). A stream's first window has no
 *    previous window: its keys are masked, and the memory is not updated after it (no H̃_0 to abstract).
 * 3. W_ij: one D × D matrix per layer shared by every (i, j) pair, as MIND (Li et al. 2019, the paper's cited
 *    source for routing in recommendation) does; a matrix per pair is m(m + T) D² ≈ 13M weights per layer at
 *    the defaults, more than everything else together, and would tie each slot to a position in the window.
 * 4. Routing starts from x̄_j = the old slot M_j, so eq. 6 (b_ij = x̄_jᵀ W x_i) is defined from the first
 *    iteration and recomputed each time as printed (not accumulated as in CapsNet); with a shared W and
 *    CapsNet's b = 0 start every slot would be the same. The softmax runs over the m slots j (the printed
 *    Σ_{j'=1}^{m+T} is read as a typo: j ranges over the m interest capsules).
 * 5. Attention: single head, scaled by 1/√D (at D = 128 unscaled logits saturate the softmax), no biases, and
 *    a residual connection around each attention (H^l = H^{l−1} + Atten): the cited self-attention networks
 *    (SASRec) have it, and without it the item at a position reaches the output only through the attention
 *    weights. No feed-forward or layer norm: the paper prints none. Dropout (model.dropout, on the input
 *    embeddings and each attention's output, likelihood step only) is 0 by default, as the paper names none;
 *    the L_ae step runs without it (so DMAN's carried state has none; DMAN-FIFO and DMAN-XL carry the states
 *    of their likelihood pass, dropout included).
 * 6. Positions: learned embeddings of the position within the window (0..T−1), added to the item embeddings.
 *    Global positions would need a table as long as the longest history (10,000s) and would reach positions
 *    never trained; the cached previous-window states carry the positions they had in their own window. The
 *    causal mask over [previous ; current] lets query t see the whole previous window and current keys ≤ t.
 * 7. Targets: position t of window n predicts the item after its input (inputs are the items shifted by one),
 *    so a window's first position predicts from the previous window's last item onward (user_stream).
 * 8. Output embeddings are the input item embeddings (eq. 9 scores with x_j).
 * 9. Loss: train.loss auto is sampled_softmax over the target and train.num_negatives samples (the paper: 5);
 *    bce, bpr and the others apply too. The paper's "sampled softmax when data is large" is the same loss.
 * 10. "Eqs. (9) and (6) are separately updated": eqs. 9 and 5, as above.
 * 11, 13. K and the epochs are protocol settings (the presets, train.epochs, docs/dman.md): the paper's 8
 *    epochs in its settings, its 50 for MovieLens in its convergence remark.
 * 12. Batching: user_stream lanes, each a user's windows in time order, 128 lanes by train.batch_size; a
 *    user shorter than a window is one left-padded window (the padding is masked), never dropped.
 * 14. DMAN-FIFO keeps the last m rows of [M ; H̃_{n−1}]: the most recent states older than the previous window
 *    (with T ≥ m, the window before the previous one); it starts from the learned initial memory as DMAN does.
 * DMAN-XL (memory none) has no long-term attention and no gate: V = H̃^L. DMAN-NRAN (attention vanilla) drops
 * the previous window from eq. 1's keys and keeps everything else, the memory included.
 */
export class Dman extends NeuralModel<DmanParams> {
  readonly batchKind = 'user_stream';
  readonly defaultLoss = 'sampled_softmax' as const;

  get inputLength(): number {
    return this.params.window;
  }

  private get levels(): number {
    return this.params.num_blocks;
  }

  private get hasMemory(): boolean {
    return this.params.memory !== 'none';
  }

  protected build(train: TrainData): void {
    this.checkWindow(train);
    const { dim, window, slots } = this.params;
    const rng = this.initRng;
    // row 0 is padding (masked out); row i + 1 is item i, also the output embedding of item i (eq. 9)
    this.addWeight('item_embedding', glorotInit(rng, [train.numItems + 1, dim]));
    this.addWeight('position_embedding', glorotInit(rng, [window, dim]));
    for (let b = 0; b < this.levels; b++) {
      for (const part of ['query', 'key', 'value']) this.addWeight(`layer${b}_recurrent_${part}`, glorotInit(rng, [dim, dim]));
    }
    if (!this.hasMemory) return;
    for (let b = 0; b < this.levels; b++) {
      for (const part of ['query', 'key', 'value']) this.addWeight(`layer${b}_long_${part}`, glorotInit(rng, [dim, dim]));
    }
    this.addWeight('gate_short', glorotInit(rng, [dim, dim]));
    this.addWeight('gate_long', glorotInit(rng, [dim, dim]));
    this.addWeight('memory_init', glorotInit(rng, [this.levels, slots, dim]));
    if (this.params.memory === 'routing') {
      for (let b = 0; b < this.levels; b++) this.addWeight(`layer${b}_routing`, glorotInit(rng, [dim, dim]));
    }
  }

  /** A window longer than every user's training sequence is a config error: no window would be filled. */
  private checkWindow(train: TrainData): void {
    const { offsets } = train.sequences;
    let longest = 0;
    for (let u = 0; u < train.numUsers; u++) longest = Math.max(longest, offsets[u + 1] - offsets[u]);
    if (this.params.window > longest) {
      throw new ConfigError(
        `${this.context.source}: model.window: ${this.params.window} is longer than every user's training sequence (the longest has ${longest} items); use 1..${Math.max(1, longest)}`,
      );
    }
  }

  private projections(b: number, kind: 'recurrent' | 'long'): ProjectionWeights {
    const w = (part: string) => this.weight(`layer${b}_${kind}_${part}`) as tf.Tensor2D;
    return { query: w('query'), key: w('key'), value: w('value') };
  }

  initialState(rows: number): Record<string, tf.Tensor> {
    const { window, dim, slots } = this.params;
    const state: Record<string, tf.Tensor> = { previous_mask: tf.zeros([rows, window]) };
    for (let k = 0; k < this.levels; k++) state[`previous_${k}`] = tf.zeros([rows, window, dim]);
    if (this.hasMemory) {
      for (let k = 0; k < this.levels; k++) state[`memory_${k}`] = tf.zeros([rows, slots, dim]);
      state.memory_ready = tf.zeros([rows]);
    }
    return state;
  }

  /** The memory lanes read: the carried one where ready, the learned initial memory elsewhere. */
  private memoryOf(state: Carried, k: number): tf.Tensor3D {
    const { slots, dim } = this.params;
    const init = tf.reshape(tf.slice(this.weight('memory_init'), [k, 0, 0], [1, slots, dim]), [slots, dim]);
    return selectLanes(state.memory_ready as tf.Tensor1D, state[`memory_${k}`] as tf.Tensor3D, init);
  }

  /**
   * Eqs. 1-3 over one window: inputs [B, T] (shifted items, 0 = padding); `shortOnly`: eq. 1 alone (for L_ae);
   * `training`: with model.dropout.
   */
  private pass(inputs: tf.Tensor2D, state: Carried, shortOnly = false, training = false): WindowPass {
    const drop = <T extends tf.Tensor>(t: T) => this.dropout(t, this.params.dropout, training);
    const mask = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const embedded = tf.add(tf.gather(this.weight('item_embedding'), inputs), this.weight('position_embedding'));
    const x = drop(tf.mul(embedded, repeatLast(tf.expandDims(mask, 2), this.params.dim)) as tf.Tensor3D);
    const recurrent = this.params.attention === 'recurrent';
    const previousMask = state.previous_mask as tf.Tensor2D;
    const short = [x];
    const memory: tf.Tensor3D[] = [];
    let long = x;
    for (let b = 0; b < this.levels; b++) {
      const previous = recurrent ? (state[`previous_${b}`] as tf.Tensor3D) : null;
      const h = short[b];
      short.push(tf.add(h, drop(recurrentAttention(h, mask, previous, recurrent ? previousMask : null, this.projections(b, 'recurrent')))) as tf.Tensor3D);
      if (this.hasMemory) memory.push(this.memoryOf(state, b));
      if (this.hasMemory && !shortOnly) long = tf.add(long, drop(memoryAttention(long, memory[b], this.projections(b, 'long')))) as tf.Tensor3D;
    }
    const top = short[this.levels];
    const output = shortOnly || !this.hasMemory ? top : fusionGate(top, long, this.weight('gate_short') as tf.Tensor2D, this.weight('gate_long') as tf.Tensor2D);
    return { short, mask, memory, output };
  }

  /**
   * The lanes' state after a window: its states become the previous window, and each memory level abstracts
   * the window before it (eq. 4), for lanes that had one. `memory` gives the new memory per level.
   */
  private nextState(state: Carried, run: WindowPass, memory: (k: number) => tf.Tensor3D): Record<string, tf.Tensor> {
    const next: Record<string, tf.Tensor> = { previous_mask: run.mask };
    for (let k = 0; k < this.levels; k++) next[`previous_${k}`] = run.short[k];
    if (this.hasMemory) {
      const hadPrevious = tf.max(state.previous_mask, 1) as tf.Tensor1D;
      for (let k = 0; k < this.levels; k++) next[`memory_${k}`] = selectLanes(hadPrevious, memory(k), run.memory[k]);
      next.memory_ready = tf.maximum(state.memory_ready, hadPrevious);
    }
    return next;
  }

  private routed(state: Carried, run: WindowPass, k: number): tf.Tensor3D {
    const context = state[`previous_${k}`] as tf.Tensor3D;
    return routeMemory(run.memory[k], context, state.previous_mask as tf.Tensor2D, this.weight(`layer${k}_routing`) as tf.Tensor2D, ROUTING_ITERATIONS);
  }

  /** The state after a window with every update the variant makes (streaming at scoring). */
  private advance(state: Carried, run: WindowPass): Record<string, tf.Tensor> {
    if (this.params.memory === 'fifo') return this.nextState(state, run, (k) => fifoMemory(run.memory[k], state[`previous_${k}`] as tf.Tensor3D));
    return this.nextState(state, run, (k) => this.routed(state, run, k));
  }

  private stateOf(batch: BatchTensors): Carried {
    return batch.state ?? this.initialState(batch.size);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training = false): tf.Tensor2D {
    const run = this.pass(batch.inputs as tf.Tensor2D, this.stateOf(batch), false, training);
    return this.pointLogits(run, items);
  }

  /** [P, k] logits x_jᵀ V at every position of the window (P = B·T, row-major). */
  private pointLogits(run: WindowPass, items: tf.Tensor2D): tf.Tensor2D {
    const dim = this.params.dim;
    const points = tf.reshape(run.output, [-1, 1, dim]);
    const table = tf.gather(this.weight('item_embedding'), tf.add(items, tf.scalar(1, 'int32'))) as tf.Tensor3D;
    return tf.reshape(tf.matMul(points, table, false, true), items.shape) as tf.Tensor2D;
  }

  /** The likelihood step (eq. 9) on every weight but the routing ones; it hands on the state unless L_ae follows. */
  private likelihood(batch: BatchTensors, training: boolean): StepOutput {
    const state = this.stateOf(batch);
    const run = this.pass(batch.inputs as tf.Tensor2D, state, false, training);
    const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    const loss = lossOf(this.lossName as Parameters<typeof lossOf>[0], this.pointLogits(run, items), batch.mask);
    if (this.params.memory === 'routing') return loss;
    return { loss, state: this.advance(state, run) };
  }

  /**
   * Eq. 5 over the lanes that had a previous window to abstract: the sum over layers and real query rows,
   * divided by the number of those rows. Only the routing weights train on it.
   */
  private reconstruction(batch: BatchTensors): StepOutput {
    const state = this.stateOf(batch);
    const run = this.pass(batch.inputs as tf.Tensor2D, state, true);
    const hadPrevious = tf.max(state.previous_mask, 1);
    const rows = tf.sum(tf.mul(run.mask, tf.expandDims(hadPrevious, 1)));
    const updated = Array.from({ length: this.levels }, (_, k) => this.routed(state, run, k));
    const errors = updated.map((memory, k) =>
      reconstructionError(run.short[k], run.mask, run.memory[k], state[`previous_${k}`] as tf.Tensor3D, state.previous_mask as tf.Tensor2D, memory, this.projections(k, 'recurrent')),
    );
    const loss = tf.div(tf.sum(tf.mul(tf.addN(errors), hadPrevious)), tf.maximum(rows, 1)) as tf.Scalar;
    return { loss, state: this.nextState(state, run, (k) => updated[k]) };
  }

  override trainSteps(): readonly TrainStep[] {
    const likelihood: TrainStep = {
      name: 'likelihood',
      variables: () => this.variables().filter((v) => !this.routingVariables().includes(v)),
      loss: (batch, training) => this.likelihood(batch, training),
    };
    if (this.params.memory !== 'routing') return [likelihood];
    return [likelihood, { name: 'reconstruction', variables: () => this.routingVariables(), loss: (batch) => this.reconstruction(batch) }];
  }

  /** The weights of f_abs, the only ones L_ae trains. */
  routingVariables(): tf.Variable[] {
    if (this.params.memory !== 'routing') return [];
    return Array.from({ length: this.levels }, (_, k) => this.weight(`layer${k}_routing`));
  }

  /**
   * Streams each user's history once, window by window as in training (cut from the first item, the last
   * window left-padded), users grouped by their number of windows and aligned at their last window. Keeps the
   * state before the last window and that window's inputs (`inputs`).
   */
  userStates(history: History, users: Int32Array): UserStates {
    const T = this.params.window;
    const { offsets, items } = history.lists;
    const windowsOf = (u: number) => Math.ceil((offsets[u + 1] - offsets[u]) / T);
    const order = Int32Array.from(users).sort((a, b) => windowsOf(a) - windowsOf(b) || a - b);
    const parts: Record<string, tf.Tensor>[] = [];
    for (let start = 0; start < order.length; start += STREAM_LANES) {
      const chunk = order.subarray(start, Math.min(order.length, start + STREAM_LANES));
      const most = windowsOf(chunk[chunk.length - 1]);
      const inputsAt = (step: number) => {
        const out = new Int32Array(chunk.length * T);
        chunk.forEach((u, b) => {
          const w = step - (most - windowsOf(u));
          if (w < 0) return;
          const from = offsets[u] + w * T;
          putShifted(out.subarray(b * T, (b + 1) * T), items, from, Math.min(offsets[u + 1], from + T));
        });
        return out;
      };
      let state = this.initialState(chunk.length);
      for (let step = 0; step + 1 < most; step++) {
        const next = tf.tidy(() => this.advance(state, this.pass(tf.tensor2d(inputsAt(step), [chunk.length, T], 'int32'), state)));
        tf.dispose(Object.values(state));
        state = next;
      }
      state.inputs = tf.tensor2d(inputsAt(Math.max(0, most - 1)), [chunk.length, T], 'int32');
      parts.push(state);
    }
    return joinStates(order, parts, () => this.initialState(0));
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return withUserStates(query.states, query.users, () => this.userStates(query.history, query.users), (state) => {
      const run = this.pass(state.inputs as tf.Tensor2D, state);
      const { window, dim } = this.params;
      const last = tf.reshape(tf.slice(run.output, [0, window - 1, 0], [-1, 1, -1]), [-1, dim]) as tf.Tensor2D;
      const table = tf.slice(this.weight('item_embedding'), [1, 0], [-1, -1]) as tf.Tensor2D;
      return scoreItems(last, table, null, query.candidates);
    });
  }
}

export const dmanEntry = modelEntry({
  name: 'dman',
  title: 'DMAN: windows streamed per user, recurrent attention over the previous window, long-term attention over a memory abstracted by dynamic routing',
  paper: 'Tan, Zhang, Liu, Huang, Yang, Zhou, Hu. Dynamic Memory based Attention Network for Sequential Recommendation. AAAI 2021',
  keys: DMAN_KEYS,
  memory: (p, shape) => {
    const { dim: D, num_blocks: L, window: T, slots: m } = p;
    return {
      parameters: (shape.numItems + 1) * D + T * D + L * 7 * D * D + 2 * D * D + L * m * D,
      largestTensor: Math.max((shape.numItems + 1) * D, shape.evalBatchSize * shape.numItems, STREAM_LANES * L * T * D, shape.batchSize * T * 2 * T),
    };
  },
  create: (context) => new Dman(context),
});
