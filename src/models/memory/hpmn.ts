import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import type { BatchTensors } from '../batch';
import { lossOf } from '../losses';
import { modelEntry, type History, type ScoreQuery, type StepOutput, type TrainData, type TrainStep } from '../model';
import { NeuralModel } from '../neural-model';
import { dense } from '../layers/attention';
import { addGruWeights, gruStates, gruWeightsOf, type GruWeights } from '../layers/gru';
import { glorotInit } from '../layers/init';
import { joinStates, withUserStates, type UserStates } from '../user-states';

export const HPMN_KEYS = {
  dim: int(64, 'D: width of the item embeddings and of every memory slot (each layer\'s GRU state)', { min: 1 }),
  num_layers: int(4, 'memory layers (slots); layer l is written every 2^(l−1) behaviours of the user', { min: 1, max: 24 }),
  window: int(20, 'T: training streams each user\'s sequence in windows of T behaviours, the memory carried from window to window (gradients stop at a window\'s start)', { min: 1 }),
  memory_reg: num(1e-3, 'λ: weight of the memory covariance regulariser L_c (mean over prediction points) added to the loss', { min: 0 }),
  dropout: num(0, 'dropout rate on the input item embeddings while training (the paper names none for the memory)', { min: 0, max: 0.9 }),
};

type HpmnParams = ParamsOf<typeof HPMN_KEYS>;

/** Users streamed together when their memories are built for scoring. */
const STREAM_LANES = 256;
/** Behaviours per stream step when memories are built for scoring (any width gives the same memory). */
const STREAM_STEPS = 64;

/** Layer l's (0-based) update period: 2^l behaviours. */
export const periodOf = (layer: number): number => 2 ** layer;

/**
 * The hierarchical periodic update over one stretch of behaviours. x [B, T, D] the behaviours' embeddings,
 * mask [B, T] (1 at a real behaviour; padding anywhere in a row is skipped), counts [B] the behaviours each
 * lane had before this stretch, memory[l] [B, D] layer l's slot before it. Behaviour i (counted from 1 over
 * the user's whole stream) writes layer l when i mod 2^l = 0, with the lower layer's new content as input:
 *   m_i^l = GRU_l(m_{i−1}^l, m_i^{l−1})  if i mod 2^l = 0,  else m_{i−1}^l;   m_i^{−1} = x_i
 * Returns every layer's content after each position [B, T, D] (the memory a prediction there reads) and the
 * counts after the stretch.
 */
export function periodicMemory(
  x: tf.Tensor3D,
  mask: tf.Tensor2D,
  counts: tf.Tensor1D,
  memory: readonly tf.Tensor2D[],
  weights: readonly GruWeights[],
): { states: tf.Tensor3D[]; counts: tf.Tensor1D } {
  const length = mask.shape[1];
  // i at each position: counts + the running sum of the mask (a matMul with an upper-triangular ones matrix,
  // which every backend has; i is exact in float32 up to 2^24 behaviours)
  const upper = tf.tensor2d(Float32Array.from({ length: length * length }, (_, k) => (Math.floor(k / length) <= k % length ? 1 : 0)), [length, length]);
  const index = tf.add(tf.matMul(mask, upper), tf.expandDims(counts, 1)) as tf.Tensor2D;
  const states: tf.Tensor3D[] = [];
  let below = x;
  for (let l = 0; l < weights.length; l++) {
    const period = periodOf(l);
    const due = tf.cast(tf.equal(tf.mul(tf.floor(tf.div(index, period)), period), index), 'float32');
    below = gruStates(below, tf.mul(mask, due) as tf.Tensor2D, weights[l], memory[l]);
    states.push(below);
  }
  return { states, counts: tf.add(counts, tf.sum(mask, 1)) as tf.Tensor1D };
}

/**
 * periodicMemory for lanes in step: behaviour i = first + t at position t of every lane (x [B, S, D], mask
 * [B, S] 1 at real behaviours; a lane that has ended is masked from there on). Layer l then runs its GRU only
 * at the positions it writes, on the lower layer's states there (a subset of the lower layer's positions), as
 * the authors' code does: about 2S GRU steps for all layers instead of L·S. Returns each slot after the stretch.
 */
export function alignedPeriodicMemory(x: tf.Tensor3D, mask: tf.Tensor2D, first: number, memory: readonly tf.Tensor2D[], weights: readonly GruWeights[]): tf.Tensor2D[] {
  let positions = Array.from({ length: mask.shape[1] }, (_, t) => t);
  let below = x;
  let belowMask = mask;
  return weights.map((w, l) => {
    const period = periodOf(l);
    const kept = positions.flatMap((t, k) => ((first + t) % period === 0 ? [k] : []));
    if (kept.length === 0) {
      positions = [];
      return memory[l];
    }
    const index = tf.tensor1d(kept, 'int32');
    belowMask = tf.gather(belowMask, index, 1);
    below = gruStates(tf.gather(below, index, 1), belowMask, w, memory[l]);
    positions = kept.map((k) => positions[k]);
    return tf.reshape(tf.slice(below, [0, kept.length - 1, 0], [-1, 1, -1]), [x.shape[0], x.shape[2]]) as tf.Tensor2D;
  });
}

/**
 * The target's attentional read of the memory and its score, for each row's own items: items [P, k, D] (their
 * embeddings v), memory [P, L, D]:
 *   e_j = vᵀ W_a m^j,  w_j = softmax_j(e_j),  r = Σ_j w_j m^j,  score = vᵀ W_o r = Σ_j w_j vᵀ W_o m^j
 * Returns [P, k].
 */
export function readScores(items: tf.Tensor3D, memory: tf.Tensor3D, wAttention: tf.Tensor2D, wOutput: tf.Tensor2D): tf.Tensor2D {
  const weights = tf.softmax(tf.matMul(items, dense(memory, wAttention) as tf.Tensor3D, false, true)); // [P, k, L]
  const values = tf.matMul(items, dense(memory, wOutput) as tf.Tensor3D, false, true); // [P, k, L]
  return tf.sum(tf.mul(weights, values), 2) as tf.Tensor2D;
}

/**
 * As readScores for every item of `table` [N, D] against each row's memory [B, L, D]: the memory is projected
 * once per row, then one matMul per projection scores every item against every slot. Returns [B, N].
 */
export function readScoresAll(table: tf.Tensor2D, memory: tf.Tensor3D, wAttention: tf.Tensor2D, wOutput: tf.Tensor2D): tf.Tensor2D {
  const [batch, layers, dim] = memory.shape;
  const perSlot = (w: tf.Tensor2D) => {
    const projected = tf.reshape(dense(memory, w), [batch * layers, dim]) as tf.Tensor2D;
    const scores = tf.reshape(tf.matMul(projected, table, false, true), [batch, layers, table.shape[0]]);
    return tf.transpose(scores, [0, 2, 1]) as tf.Tensor3D; // [B, N, L]
  };
  return tf.sum(tf.mul(tf.softmax(perSlot(wAttention)), perSlot(wOutput)), 2) as tf.Tensor2D;
}

/**
 * The memory covariance regulariser per row, memory [P, L, D]: with each slot centred over its D entries,
 *   C = (1/D) (M − M̄)(M − M̄)ᵀ  [L, L],   L_c = ½ (‖C‖²_F − ‖diag C‖²₂)
 * (the squared off-diagonal covariances: slots pushed to hold different things). Returns [P].
 */
export function memoryCovariance(memory: tf.Tensor3D): tf.Tensor1D {
  const dim = memory.shape[2];
  const centered = tf.sub(memory, tf.mean(memory, 2, true));
  const covariance = tf.div(tf.matMul(centered, centered, false, true), dim); // [P, L, L]
  const variances = tf.mean(tf.square(centered), 2); // the diagonal
  return tf.mul(0.5, tf.sub(tf.sum(tf.square(covariance), [1, 2]), tf.sum(tf.square(variances), 1))) as tf.Tensor1D;
}

/**
 * HPMN (Ren, Qin, Fang, Zhang, Zheng, Bian, Zhou, Xu, Yu, Zhu, Gai: Lifelong Sequential Modeling with
 * Personalized Memorization for User Response Prediction, SIGIR 2019; the authors' TensorFlow code is
 * github.com/alimamarankgroup/HPMN, code/hpmn.py). Each user has a memory of L slots m^1..m^L, one per layer,
 * kept for the user's whole stream of behaviours v_1, v_2, ... (user_stream batches: windows of T in time order,
 * the memory carried from window to window):
 *   hierarchical periodic update: behaviour i writes slot l when i mod t^l = 0, t^l = 2^(l−1):
 *     m_i^l = GRU_l(m_{i−1}^l, m_i^{l−1}) if i mod t^l = 0, else m_{i−1}^l;  m_i^0 = v_i (the item embedding)
 *   attentional read by the target v (the paper's E(m^j, v), softmax over slots, r = Σ_j w_j m^j):
 *     e_j = vᵀ W_a m^j,  w_j = exp(e_j) / Σ_k exp(e_k),  r = Σ_j w_j m^j
 *   prediction (the paper's f(r, v), here a score for ranking): s(v) = vᵀ W_o r
 *   memory covariance regulariser: C = (1/D)(M − M̄)(M − M̄)ᵀ, L_c = ½(‖C‖²_F − ‖diag C‖²₂), loss += λ L_c
 * The paper predicts a click (CTR, log loss on one target); memrec ranks the next item: position t of a window
 * predicts the item after its input from the memory after that input, with train.loss over the target and
 * the sampled negatives (auto: sampled_softmax), λ L_c averaged over the same prediction points.
 *
 * Full ranking stays batched: the memory is built once per user (userStates streams the whole history), and
 * a request reads it once per user: W_a M and W_o M ([L, D] each) are multiplied with the whole item table in
 * one matMul each, the softmax runs over the L slots of every (user, item) pair, so the cost is L·N·D per user
 * whatever the history's length.
 *
 * Choices where the paper is vague, and where memrec differs from the authors' code:
 * 1. Periods: t^l = 2^(l−1), counted from the user's first behaviour (i = 1, 2, ...). The code sets the
 *    ratio between layers per dataset (periods 1, 2, 4 on Amazon; 1, 2, 4, 12 on Taobao; 1, 3, 6, 12, ... on
 *    XLong) and runs each layer's GRU on the lower layer's outputs at every k-th position of a front-padded
 *    sequence of fixed length, so its phase counts from the padding; memrec's is the same for every history
 *    length. Layer l's input at a write is the lower layer's content just written (t^(l−1) divides t^l).
 * 2. Padding: skipped (the slot is carried), where the code runs its GRUs over zero embeddings of the padding.
 * 3. Initial memory: zeros, as the code's GRUs start.
 * 4. E(m, v): bilinear, vᵀ W_a m, one D × D matrix. The code's E is a small MLP over [v, m, v − m, v ⊙ m]
 *    (80-40-1) with 3 hops (query ← query H + r); for ranking it would run N·L times per user (some 10⁸
 *    activations per evaluation batch), and a second hop would make the query depend on the candidate's own
 *    read. The bilinear form keeps the read a matMul over the item table; one hop.
 * 5. f(r, v): the code's MLP over [r, v] (200-80-1, batch norm, dropout) with a sigmoid for CTR; memrec
 *    scores vᵀ W_o r, linear in r so that the score is Σ_j w_j vᵀ W_o m^j (two [L, N] products per user). The
 *    item embeddings are shared by the inputs, the query v and the output, as the code shares its table.
 * 6. Targets and history: the code appends the target to the sequence it writes to the memory; memrec's
 *    memory holds only the behaviours before the prediction point, so it is the same for every candidate.
 * 7. L_c as printed (½ of the squared off-diagonal covariances); the code uses the unsquared Frobenius norm of
 *    the off-diagonal part summed over the batch with λ = 1e-5 on a batch-mean log loss (λ_eff ≈ 1e-3 per
 *    example at batch 128): memrec's default λ = 1e-3 on the mean over prediction points.
 * 8. Training stream: windows of T behaviours per lane (user_stream batches), back-propagation through the
 *    window only (the carried memory is a constant to the next window, as DMAN's previous window is); the code
 *    back-propagates through its whole fixed-length sequence, which memrec cannot hold for lifelong streams.
 * 9. Dropout (model.dropout, default 0) on the input embeddings only; the code's dropout sits in the MLP.
 * 10. Layers: num_layers (default 4; the code uses 3 to 8 per dataset) slots; D (default 64) is
 *    both the embedding and the GRU width, where the code maps a 16-wide embedding to 32-wide states.
 */
export class Hpmn extends NeuralModel<HpmnParams> {
  readonly batchKind = 'user_stream';
  readonly defaultLoss = 'sampled_softmax' as const;

  get inputLength(): number {
    return this.params.window;
  }

  protected build(train: TrainData): void {
    const { dim, num_layers: layers } = this.params;
    const rng = this.initRng;
    // row 0 is padding; row i + 1 is item i: input, query and output embedding
    this.addWeight('item_embedding', glorotInit(rng, [train.numItems + 1, dim]));
    for (let l = 0; l < layers; l++) addGruWeights((name, initial) => this.addWeight(name, initial), `layer${l}_gru`, rng, dim, dim);
    this.addWeight('read_attention', glorotInit(rng, [dim, dim]));
    this.addWeight('read_output', glorotInit(rng, [dim, dim]));
  }

  private get grus(): GruWeights[] {
    return Array.from({ length: this.params.num_layers }, (_, l) => gruWeightsOf((name) => this.weight(name), `layer${l}_gru`));
  }

  /** Fresh lanes: every slot zero, no behaviour seen. */
  initialState(rows: number): Record<string, tf.Tensor> {
    const state: Record<string, tf.Tensor> = { count: tf.zeros([rows]) };
    for (let l = 0; l < this.params.num_layers; l++) state[`memory_${l}`] = tf.zeros([rows, this.params.dim]);
    return state;
  }

  private memoryOf(state: Readonly<Record<string, tf.Tensor>>): tf.Tensor2D[] {
    return Array.from({ length: this.params.num_layers }, (_, l) => state[`memory_${l}`] as tf.Tensor2D);
  }

  /** The memory after each position of a window of shifted inputs [B, T] (0 = padding), and the lanes' next state. */
  private stream(inputs: tf.Tensor2D, state: Readonly<Record<string, tf.Tensor>>, training: boolean) {
    const mask = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const embedded = this.dropout(tf.gather(this.weight('item_embedding'), inputs) as tf.Tensor3D, this.params.dropout, training);
    const run = periodicMemory(embedded, mask, state.count as tf.Tensor1D, this.memoryOf(state), this.grus);
    const last = inputs.shape[1] - 1;
    const next: Record<string, tf.Tensor> = { count: run.counts };
    run.states.forEach((s, l) => (next[`memory_${l}`] = tf.reshape(tf.slice(s, [0, last, 0], [-1, 1, -1]), [s.shape[0], s.shape[2]])));
    // [B·T, L, D]: the memory each prediction point reads
    const points = tf.reshape(tf.stack(run.states, 2), [-1, run.states.length, this.params.dim]) as tf.Tensor3D;
    return { points, next };
  }

  private pointLogits(points: tf.Tensor3D, items: tf.Tensor2D): tf.Tensor2D {
    const embedded = tf.gather(this.weight('item_embedding'), tf.add(items, tf.scalar(1, 'int32'))) as tf.Tensor3D;
    return readScores(embedded, points, this.weight('read_attention') as tf.Tensor2D, this.weight('read_output') as tf.Tensor2D);
  }

  private stateOf(batch: BatchTensors): Readonly<Record<string, tf.Tensor>> {
    return batch.state ?? this.initialState(batch.size);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training = false): tf.Tensor2D {
    return this.pointLogits(this.stream(batch.inputs as tf.Tensor2D, this.stateOf(batch), training).points, items);
  }

  /** The ranking loss plus λ L_c, both over the batch's real prediction points; hands on the lanes' state. */
  private objective(batch: BatchTensors, training: boolean): StepOutput {
    const { points, next } = this.stream(batch.inputs as tf.Tensor2D, this.stateOf(batch), training);
    const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    let loss = lossOf(this.lossName as Parameters<typeof lossOf>[0], this.pointLogits(points, items), batch.mask);
    if (this.params.memory_reg > 0) {
      const penalty = tf.div(tf.sum(tf.mul(memoryCovariance(points), batch.mask)), tf.maximum(tf.sum(batch.mask), 1));
      loss = tf.add(loss, tf.mul(this.params.memory_reg, penalty)) as tf.Scalar;
    }
    return { loss, state: next };
  }

  override trainSteps(): readonly TrainStep[] {
    return [{ name: 'main', variables: () => this.variables(), loss: (batch, training) => this.objective(batch, training) }];
  }

  /**
   * Streams each user's whole history once through the periodic update (users of similar length together,
   * all starting at their first behaviour, so that every lane writes the same layers at the same position:
   * alignedPeriodicMemory) and keeps the memory and the count: what every later request reads.
   */
  userStates(history: History, users: Int32Array): UserStates {
    const { offsets, items } = history.lists;
    const lengthOf = (u: number) => offsets[u + 1] - offsets[u];
    const order = Int32Array.from(users).sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
    const parts: Record<string, tf.Tensor>[] = [];
    for (let start = 0; start < order.length; start += STREAM_LANES) {
      const chunk = order.subarray(start, Math.min(order.length, start + STREAM_LANES));
      const longest = lengthOf(chunk[chunk.length - 1]);
      let state = this.initialState(chunk.length);
      for (let from = 0; from < longest; from += STREAM_STEPS) {
        const inputs = new Int32Array(chunk.length * STREAM_STEPS);
        chunk.forEach((u, b) => {
          const end = Math.min(lengthOf(u), from + STREAM_STEPS);
          for (let k = from; k < end; k++) inputs[b * STREAM_STEPS + k - from] = items[offsets[u] + k] + 1;
        });
        const next = tf.tidy(() => {
          const input = tf.tensor2d(inputs, [chunk.length, STREAM_STEPS], 'int32');
          const mask = tf.cast(tf.greater(input, 0), 'float32') as tf.Tensor2D;
          const embedded = tf.gather(this.weight('item_embedding'), input) as tf.Tensor3D;
          const memory = alignedPeriodicMemory(embedded, mask, from + 1, this.memoryOf(state), this.grus);
          const out: Record<string, tf.Tensor> = { count: tf.add(state.count, tf.sum(mask, 1)) };
          memory.forEach((m, l) => (out[`memory_${l}`] = tf.clone(m)));
          return out;
        });
        tf.dispose(Object.values(state));
        state = next;
      }
      parts.push(state);
    }
    return joinStates(order, parts, () => this.initialState(0));
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return withUserStates(query.states, query.users, () => this.userStates(query.history, query.users), (state) => {
      const memory = tf.stack(this.memoryOf(state), 1) as tf.Tensor3D; // [B, L, D], read once per user
      const [wa, wo] = [this.weight('read_attention') as tf.Tensor2D, this.weight('read_output') as tf.Tensor2D];
      if (query.candidates) return readScores(tf.gather(this.weight('item_embedding'), tf.add(query.candidates, tf.scalar(1, 'int32'))) as tf.Tensor3D, memory, wa, wo);
      return readScoresAll(tf.slice(this.weight('item_embedding'), [1, 0], [-1, -1]) as tf.Tensor2D, memory, wa, wo);
    });
  }
}

export const hpmnEntry = modelEntry({
  name: 'hpmn',
  title: 'HPMN: a per-user memory of GRU layers written every 2^(l−1) behaviours, read by the target item\'s attention over the slots',
  paper: 'Ren, Qin, Fang, Zhang, Zheng, Bian, Zhou, Xu, Yu, Zhu, Gai. Lifelong Sequential Modeling with Personalized Memorization for User Response Prediction. SIGIR 2019',
  keys: HPMN_KEYS,
  memory: (p, shape) => {
    const { dim: D, num_layers: L, window: T } = p;
    return {
      parameters: (shape.numItems + 1) * D + L * 3 * (2 * D * D + D) + 2 * D * D,
      largestTensor: Math.max((shape.numItems + 1) * D, 2 * shape.evalBatchSize * shape.numItems * L, shape.batchSize * T * L * D),
    };
  },
  create: (context) => new Hpmn(context),
});
