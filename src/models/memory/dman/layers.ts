import * as tf from '@tensorflow/tfjs-core';
import { dense, multiHeadAttention, repeatLast, type AttentionWeights } from '../../layers/attention';

/**
 * The pieces of DMAN (Tan et al., AAAI 2021), each one printed equation, with its weights passed in (the model,
 * memory/dman/dman.ts, owns them). Shapes: B lanes (users), T window length, m memory slots, D width. Every attention
 * here is single-head, scaled by 1/√D, with no biases (eqs. 1, 2 and 5 print none); see dman/dman.ts for why.
 */

/** Q, K and V projections [D, D] of one attention (the printed Wᵀ, stored transposed). */
export type ProjectionWeights = Pick<AttentionWeights, 'query' | 'key' | 'value'>;

/**
 * Eq. 1, one layer's attention: the window's states `current` [B, T, D] attend causally over
 * [SG(previous) ; current], the previous window's states (gradient stopped by the caller, who carries them
 * from the batch before) and the window itself. Query t sees every previous-window key and current keys ≤ t.
 * `previous` null: vanilla in-window attention (DMAN-NRAN). Masks [B, T]: 1 for a real position.
 * Returns softmax(Q Kᵀ / √D + masks) V, [B, T, D] (the caller adds the residual).
 */
export function recurrentAttention(
  current: tf.Tensor3D,
  currentMask: tf.Tensor2D,
  previous: tf.Tensor3D | null,
  previousMask: tf.Tensor2D | null,
  w: ProjectionWeights,
): tf.Tensor3D {
  if (!previous || !previousMask) return multiHeadAttention(current, current, w, { numHeads: 1, causal: true, keyMask: currentMask });
  const keys = tf.concat([previous, current], 1) as tf.Tensor3D;
  const keyMask = tf.concat([previousMask, currentMask], 1) as tf.Tensor2D;
  return multiHeadAttention(current, keys, w, { numHeads: 1, causal: true, keyMask });
}

/** Eq. 2, one layer: the long-term states `query` [B, T, D] attend over the memory slots [B, m, D] (all of them). */
export function memoryAttention(query: tf.Tensor3D, memory: tf.Tensor3D, w: ProjectionWeights): tf.Tensor3D {
  return multiHeadAttention(query, memory, w, { numHeads: 1 });
}

/** Eq. 3: G = σ(H̃ W_short + Ĥ W_long), V = G ⊙ H̃ + (1 − G) ⊙ Ĥ. short, long [B, T, D]; W [D, D]. */
export function fusionGate(short: tf.Tensor3D, long: tf.Tensor3D, wShort: tf.Tensor2D, wLong: tf.Tensor2D): tf.Tensor3D {
  const gate = tf.sigmoid(tf.add(dense(short, wShort), dense(long, wLong)));
  return tf.add(tf.mul(gate, short), tf.mul(tf.sub(1, gate), long)) as tf.Tensor3D;
}

/** Eq. 8: squash(s) = ‖s‖² / (1 + ‖s‖²) · s / ‖s‖ = s · ‖s‖ / (1 + ‖s‖²), over the last axis. */
export function squash(s: tf.Tensor3D): tf.Tensor3D {
  const squared = tf.sum(tf.square(s), -1, true);
  // the epsilon only keeps the gradient of ‖s‖ finite at s = 0; it is far below float32's resolution of ‖s‖² ~ 1
  const factor = tf.div(tf.sqrt(tf.add(squared, 1e-12)), tf.add(squared, 1));
  return tf.mul(s, repeatLast(factor, s.shape[2])) as tf.Tensor3D;
}

/**
 * f_abs by dynamic routing (eqs. 6-8). Primary capsules x_i are the rows of [memory ; context] (m + T rows;
 * `contextMask` [B, T] drops padded context rows), interest capsules x̄_j the m new slots. With one shared
 * W [D, D] (u_i = W x_i):
 *   b_ij = x̄_jᵀ u_i  (eq. 6),  α_ij = softmax over the m slots j of b_ij,  s_j = Σ_i α_ij u_i  (eq. 7),
 *   x̄_j = squash(s_j)  (eq. 8),
 * `iterations` times, starting from x̄_j = memory_j (the old slot j), so that eq. 6 is defined from the first
 * iteration and slot j continues slot j. Returns the new memory [B, m, D].
 */
export function routeMemory(memory: tf.Tensor3D, context: tf.Tensor3D, contextMask: tf.Tensor2D, w: tf.Tensor2D, iterations: number): tf.Tensor3D {
  const [batch, slots] = memory.shape;
  const u = dense(tf.concat([memory, context], 1), w) as tf.Tensor3D; // [B, m + T, D]
  const real = repeatLast(tf.expandDims(tf.concat([tf.ones([batch, slots]), contextMask], 1), 2), slots); // [B, m + T, m]
  let out = memory;
  for (let r = 0; r < iterations; r++) {
    const logits = tf.matMul(u, out, false, true); // [B, m + T, m]: b_ij
    const alpha = tf.mul(tf.softmax(logits), real);
    out = squash(tf.matMul(alpha, u, true, false) as tf.Tensor3D); // s_j = Σ_i α_ij u_i
  }
  return out;
}

/** DMAN-FIFO's memory: the last m rows of [memory ; context] (the oldest rows drop out). */
export function fifoMemory(memory: tf.Tensor3D, context: tf.Tensor3D): tf.Tensor3D {
  const slots = memory.shape[1];
  const joined = tf.concat([memory, context], 1);
  return tf.slice(joined, [0, joined.shape[1] - slots, 0], [-1, slots, -1]) as tf.Tensor3D;
}

/**
 * One layer's term of eq. 5 per lane: Σ over real query rows t of
 *   ‖atten_rec(H̃_t, K = V = [M_old ; H̃_{n−1}]) − atten_rec(H̃_t, K = V = M_new)‖²,
 * with the layer's recurrent-attention projections `w` (frozen by the caller: the step that minimises this
 * lists only the routing weights). Queries see every key (all of them precede the window). Returns [B].
 */
export function reconstructionError(
  query: tf.Tensor3D,
  queryMask: tf.Tensor2D,
  oldMemory: tf.Tensor3D,
  context: tf.Tensor3D,
  contextMask: tf.Tensor2D,
  newMemory: tf.Tensor3D,
  w: ProjectionWeights,
): tf.Tensor1D {
  const [batch, slots] = oldMemory.shape;
  const keys = tf.concat([oldMemory, context], 1) as tf.Tensor3D;
  const keyMask = tf.concat([tf.ones([batch, slots]), contextMask], 1) as tf.Tensor2D;
  const full = multiHeadAttention(query, keys, w, { numHeads: 1, keyMask });
  const abstracted = multiHeadAttention(query, newMemory, w, { numHeads: 1 });
  const perRow = tf.sum(tf.square(tf.sub(full, abstracted)), 2);
  return tf.sum(tf.mul(perRow, queryMask), 1) as tf.Tensor1D;
}

/**
 * Rows of `updated` [B, ...] where flag [B] is 1, of `old` where it is 0; `old` may lack the leading lane axis
 * (the same rows for every lane). The flag is spread to the full shape first (see repeatLast: a [B, 1, 1]
 * operand is a slow broadcast on the cpu backends).
 */
export function selectLanes<T extends tf.Tensor>(flag: tf.Tensor1D, updated: T, old: tf.Tensor): T {
  const f = tf.reshape(repeatLast(tf.reshape(flag, [-1, 1]), updated.size / flag.shape[0]), updated.shape);
  return tf.add(tf.mul(updated, f), tf.mul(old, tf.sub(1, f))) as T;
}
