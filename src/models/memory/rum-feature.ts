import * as tf from '@tensorflow/tfjs-core';
import { int, type ParamsOf } from '../../config/spec';
import type { UserLists } from '../../data/interactions';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { dense, repeatLast } from '../layers/attention';
import { glorotInit, uniformInit, zerosInit } from '../layers/init';
import { RumModel, RUM_KEYS } from './rum-base';

const KEYS = {
  ...RUM_KEYS,
  max_length: int(50, 'training window per user (the last max_length + 1 items, backpropagated through) and history items the memory reads when scoring', { min: 1 }),
};
import { featureWriteTerms, readMemory, slotAttention } from './rum-memory';

/** What one write needs for each item written: attention over the keys, erase and add vectors. */
export interface WriteVectors {
  /** [R, K] z_k = softmax_k(β q_iᵀ f_k) */
  readonly z: tf.Tensor2D;
  /** [R, D] σ(Eᵀ q_i + b_e) */
  readonly erase: tf.Tensor2D;
  /** [R, D] tanh(Aᵀ q_i + b_a) */
  readonly add: tf.Tensor2D;
}

/**
 * Feature-level RUM (RUM-F, section 3.3): a key-value memory. K global feature keys F [K, D] (shared by all
 * users) and a per-user value memory M_u [K, D]. Read for a candidate i: z = softmax(β q_iᵀ f_k) over the
 * keys, p^m = Σ_k z_k m_k (eqs. 9–10). Write after each of the user's items (eqs. 11–13, NTM erase then add,
 * with the item's own z): erase = σ(Eᵀq + b_e), m_k ← m_k ⊙ (1 − z_k·erase); add = tanh(Aᵀq + b_a),
 * m_k ← m_k + z_k·add.
 *
 * The memory is a state carried along each user's sequence, so training uses the trainer's `sequences`
 * batch (each user's last max_length + 1 training items; inputs are all but the last, targets all but the
 * first, left-padded). All users' memories advance together, one batched write per time step; padding steps
 * have z = 0 and leave the memory exactly unchanged. At step t the memory has been written with inputs
 * 0..t, i.e. with every item before target t and not with target t itself: the paper's "read with v_j,
 * then write v_j" order. BCE at every real position with the positive and the sampled negative(s), and
 * backpropagation through the whole window (max_length steps: the truncation the paper leaves open).
 */
export class RumFeature extends RumModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'sequences';

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    this.buildEmbeddings(train);
    const dim = this.dim;
    this.addWeight('feature_keys', uniformInit(this.initRng, [this.slots, dim], this.params.init_range));
    this.addWeight('erase_kernel', glorotInit(this.initRng, [dim, dim]));
    this.addWeight('erase_bias', zerosInit([dim]));
    this.addWeight('add_kernel', glorotInit(this.initRng, [dim, dim]));
    this.addWeight('add_bias', zerosInit([dim]));
  }

  /** [R, K] attention of items q [R, D] over the feature keys (eq. 9). */
  featureAttention(q: tf.Tensor2D): tf.Tensor2D {
    return slotAttention(tf.matMul(q, this.weight('feature_keys') as tf.Tensor2D, false, true), this.beta);
  }

  /** The write vectors of items q [R, D] (eqs. 11 and 13); dense(q, E) = qE is the row form of Eᵀq. */
  writeVectors(q: tf.Tensor2D): WriteVectors {
    return {
      z: this.featureAttention(q),
      erase: tf.sigmoid(dense(q, this.weight('erase_kernel') as tf.Tensor2D, this.weight('erase_bias') as tf.Tensor1D)) as tf.Tensor2D,
      add: tf.tanh(dense(q, this.weight('add_kernel') as tf.Tensor2D, this.weight('add_bias') as tf.Tensor1D)) as tf.Tensor2D,
    };
  }

  /**
   * Runs the memory over shifted inputs [B, L] (0 = padding) from zeros, calling onStep with the [B, K, D]
   * state after each step, and returns the final state. The write terms of all B·L inputs come from one
   * batch of matMuls before the loop (see featureWriteTerms); only the recurrence m ← m ⊙ keep + write is
   * per step. Laid out time-major so that each step's slice is contiguous (the cpu backend cuts other slices
   * element by element).
   */
  runMemory(inputs: tf.Tensor2D, onStep?: (memory: tf.Tensor3D) => void): tf.Tensor3D {
    const [batch, length] = inputs.shape;
    const K = this.slots;
    const timeMajor = tf.reshape(tf.transpose(inputs), [length * batch]);
    const real = tf.cast(tf.greater(timeMajor, 0), 'float32');
    const w = this.writeVectors(this.inputEmbeddings(timeMajor) as tf.Tensor2D);
    // z = 0 on padding steps: keep = 1 and write = 0 there
    const { keep, write } = featureWriteTerms(tf.mul(w.z, repeatLast(tf.expandDims(real, 1), K)) as tf.Tensor2D, w.erase, w.add);
    const perStep = (x: tf.Tensor) => tf.unstack(tf.reshape(x, [length, batch, K, this.dim])) as tf.Tensor3D[];
    const [keeps, writes] = [perStep(keep), perStep(write)];
    // from zeros, the first write leaves exactly writes[0]
    let memory = writes[0];
    onStep?.(memory);
    for (let t = 1; t < length; t++) {
      memory = tf.add(tf.mul(memory, keeps[t]), writes[t]) as tf.Tensor3D;
      onStep?.(memory);
    }
    return memory;
  }

  /**
   * [P, C] logits at every position of a sequence batch (P = B·L in batch order b·L + t). Computed
   * time-major (row t·B + b) and put back in batch order at the end.
   */
  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const inputs = batch.inputs as tf.Tensor2D;
    const [size, length] = inputs.shape;
    const candidates = items.shape[1];
    const states: tf.Tensor3D[] = [];
    this.runMemory(inputs, (memory) => states.push(memory));
    const memory = tf.reshape(tf.stack(states), [length * size, this.slots, this.dim]) as tf.Tensor3D;
    const toTimeMajor = (x: tf.Tensor, width: number) => tf.reshape(tf.transpose(tf.reshape(x, [size, length, width]), [1, 0, 2]), [length * size, width]);
    const q = tf.gather(this.items as tf.Tensor, toTimeMajor(items, candidates)) as tf.Tensor3D; // [LB, C, D]
    const z = tf.reshape(this.featureAttention(tf.reshape(q, [-1, this.dim]) as tf.Tensor2D), [length * size, candidates, this.slots]);
    const pStar = tf.tile(this.userEmbeddings(batch.users), [length, 1]) as tf.Tensor2D; // row t·B + b is user b
    const logits = this.mergedLogits(pStar, readMemory(z as tf.Tensor3D, memory), q);
    return tf.reshape(tf.transpose(tf.reshape(logits, [length, size, candidates]), [1, 0, 2]), [size * length, candidates]) as tf.Tensor2D;
  }

  /** [U, K, D] each user's memory after the last max_length items of `history` (zeros with no history). */
  memoryOf(users: Int32Array, history: UserLists): tf.Tensor3D {
    const length = this.params.max_length;
    return tf.tidy(() => this.runMemory(tf.tensor2d(lastWindows(history, users, length), [users.length, length], 'int32')));
  }

  /**
   * Every item for each user: p^m_{u,i}ᵀ q_i = Σ_k z_ik m_ukᵀ q_i = vec(M_u) · vec(z_i ⊗ q_i), so with
   * H [N, K·D] the per-item outer products z_i ⊗ q_i (user-independent), the memory term for all users and
   * items is one matMul of the flattened memories [U, K·D] with Hᵀ.
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    return tf.tidy(() => {
      const memory = this.memoryOf(users, query.history.lists);
      if (candidates) {
        const [rows, width] = candidates.shape;
        const q = tf.gather(this.items, candidates) as tf.Tensor as tf.Tensor3D; // [U, C, D]
        const z = tf.reshape(this.featureAttention(tf.reshape(q, [-1, this.dim]) as tf.Tensor2D), [rows, width, this.slots]) as tf.Tensor3D;
        return this.mergedLogits(this.userEmbeddings(tf.tensor1d(users, 'int32')), readMemory(z, memory), q);
      }
      const z = this.featureAttention(this.items); // [N, K]
      const outer = tf.matMul(tf.expandDims(z, 2) as tf.Tensor3D, tf.expandDims(this.items, 1) as tf.Tensor3D); // [N, K, D]
      const flat = (x: tf.Tensor) => tf.reshape(x, [x.shape[0], this.slots * this.dim]) as tf.Tensor2D;
      return this.mergedScores(tf.tensor1d(users, 'int32'), tf.matMul(flat(memory), flat(outer), false, true));
    });
  }
}

/**
 * RUM-F's choices where the paper is silent (also in the README): the memory starts at zeros for every user;
 * training backpropagates through each user's last max_length + 1 training items (the sequence batch), and
 * scoring runs the memory over the last max_length history items, the same window, so a user's memory at
 * test time is built the way it was in training; E and A start Glorot-uniform, the biases at zero, and the
 * keys F uniform in ±init_range like the embeddings.
 */
export const rumFeatureEntry = modelEntry({
  name: 'rum_feature',
  title: 'RUM feature-level: a key-value memory of K latent features, written NTM-style after each item',
  paper: 'Chen, Xu, Zhang, Tang, Cao, Qin, Zha. Sequential Recommendation with User Memory Networks. WSDM 2018',
  keys: KEYS,
  searchSpace: { 'model.alpha': [1, 0.2], 'train.lr': [0.03, 0.01, 0.003], 'model.memory_slots': [5, 20] },
  memory: (p, s) => ({ parameters: (s.numUsers + s.numItems + p.memory_slots + 2 * p.dim) * p.dim, largestTensor: Math.max(s.numUsers, s.numItems, s.batchSize * p.max_length * p.memory_slots) * p.dim }),
  create: (context) => new RumFeature(context),
});
