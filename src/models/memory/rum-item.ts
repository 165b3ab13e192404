import * as tf from '@tensorflow/tfjs-core';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { oneOf, type ParamsOf } from '../../config/spec';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { uniformInit } from '../layers/init';
import { RumModel, RUM_KEYS } from './rum-base';
import { readMemory, slotAttention } from './rum-memory';

/** Elements of the largest [N, users, K] attention tensor full scoring builds at once (users are taken in chunks). */
const SCORE_CHUNK_ELEMENTS = 1 << 22;

const KEYS = {
  ...RUM_KEYS,
  memory_embedding: oneOf(
    ['shared', 'separate'],
    'shared',
    "the memory's item vectors: shared = the item embeddings q (the paper), separate = a second item table r, so that the read scores q_iᵀr_j, which need not equal q_jᵀr_i (FPMC's asymmetric transition form; a one-directional chain needs it)",
  ),
};

/**
 * Item-level RUM (RUM-I, section 3.2): the memory M_u holds the embeddings of the user's K most recent items
 * before the prediction point (first in, first out). For a candidate i: w_k = q_iᵀ m_k, z = softmax(β w)
 * over the filled slots, p^m = Σ_k z_k m_k (eqs. 7–8), then the shared MERGE and σ(p_uᵀ q_i).
 *
 * FIFO memory of the last K items is exactly the trainer's `windows` batch with inputLength K: one prediction
 * point per training interaction (but each user's first), its K preceding items as the memory, left-padded
 * with 0 when fewer exist. Empty slots are masked out of the softmax; with no item at all p^m = 0.
 */
export class RumItem extends RumModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'windows';

  get inputLength(): number {
    return this.slots;
  }

  protected build(train: TrainData): void {
    this.buildEmbeddings(train);
    if (this.params.memory_embedding === 'separate') {
      this.addWeight('memory_item_embedding', uniformInit(this.initRng, [train.numItems, this.dim], this.params.init_range));
    }
  }

  /** The memory's item vectors: q itself, or with memory_embedding separate the table r (built after p* and q). */
  protected override inputEmbeddings(inputs: tf.Tensor): tf.Tensor {
    return super.inputEmbeddings(inputs, this.params.memory_embedding === 'separate' ? (this.weight('memory_item_embedding') as tf.Tensor2D) : this.items);
  }

  /**
   * The attention step of the read (eq. 7) for candidates `items` [B, C] over the memories of shifted inputs
   * [B, K] (window layout, most recent item last): the memory [B, K, D], the candidates' q [B, C, D] and the
   * weights z [B, C, K], 0 on empty slots. Public so that scripts/checks/rum-attention.ts plots the weights
   * the model trains with.
   */
  attention(inputs: tf.Tensor2D, items: tf.Tensor2D): { memory: tf.Tensor3D; q: tf.Tensor3D; z: tf.Tensor3D } {
    const memory = this.inputEmbeddings(inputs) as tf.Tensor3D;
    const filled = tf.expandDims(tf.cast(tf.greater(inputs, 0), 'float32'), 1); // [B, 1, K]
    const q = tf.gather(this.items as tf.Tensor, items) as tf.Tensor3D;
    const z = slotAttention(tf.matMul(q, memory, false, true) as tf.Tensor3D, this.beta, filled);
    return { memory, q, z };
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const { memory, q, z } = this.attention(batch.inputs as tf.Tensor2D, items);
    return this.mergedLogits(this.userEmbeddings(batch.users), readMemory(z, memory), q);
  }

  /**
   * Every item for each user, with the user's last K history items as the memory. p^mᵀq_i = Σ_k z_ik w_ik,
   * so the memory term needs only the [N, users, K] scores w (one matMul of all items against all memory
   * rows), never a [users, N, D] tensor. Users go in chunks that keep w under SCORE_CHUNK_ELEMENTS.
   */
  score(query: ScoreQuery): tf.Tensor2D {
    const { users, candidates } = query;
    const K = this.slots;
    const inputs = lastWindows(query.history.lists, users, K);
    if (candidates) {
      return tf.tidy(() => {
        const { memory, q, z } = this.attention(tf.tensor2d(inputs, [users.length, K], 'int32'), candidates);
        return this.mergedLogits(this.userEmbeddings(tf.tensor1d(users, 'int32')), readMemory(z, memory), q);
      });
    }
    const numItems = this.items.shape[0];
    const chunk = Math.max(1, Math.floor(SCORE_CHUNK_ELEMENTS / (numItems * K)));
    const terms: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < users.length; start += chunk) {
        const count = Math.min(chunk, users.length - start);
        terms.push(
          tf.tidy(() => {
            const slice = tf.tensor2d(inputs.subarray(start * K, (start + count) * K), [count, K], 'int32');
            const memory = tf.reshape(this.inputEmbeddings(slice), [count * K, this.dim]) as tf.Tensor2D;
            const w = tf.reshape(tf.matMul(this.items, memory, false, true), [numItems, count, K]); // w[i, u, k]
            const z = slotAttention(w, this.beta, tf.cast(tf.greater(slice, 0), 'float32'));
            return tf.transpose(tf.sum(tf.mul(z, w), 2)) as tf.Tensor2D; // [count, N]
          }),
        );
      }
      return tf.tidy(() => this.mergedScores(tf.tensor1d(users, 'int32'), tf.concat(terms, 0)));
    } finally {
      tf.dispose(terms);
    }
  }
}

/**
 * RUM-I's choices where the paper is silent (also in the README):
 * - the memory stores the live item embeddings q (gradients flow into q through the memory), as "the memory
 *   stores the item embeddings" and the K = 1, α = 1 reduction to FPMC (eq. 18) read;
 * - a history shorter than K leaves empty slots that are masked out of the softmax (zero vectors would take
 *   attention mass with w = 0); with no history p^m = 0 (plain MF);
 * - the first item of each user's training sequence is never a target (nothing precedes it), only memory;
 * - model.memory_embedding separate (not in the paper) gives the memory its own item table r: the read is then
 *   w_ik = q_iᵀr_k and p^mᵀq_i = Σ z_k r_kᵀq_i, asymmetric in the two items as FPMC's transition term is (with
 *   K = 1 and α = 1 it is FPMC's scorer p*ᵀq_i + r_lᵀq_i). With the shared q the memory term of a candidate i
 *   after item j equals that of j after i (up to the softmax), so a one-directional chain i → j cannot be told
 *   from j → i; the key tests whether that is what holds RUM-I at popularity level there (README, "What each
 *   model can represent").
 */
export const rumItemEntry = modelEntry({
  name: 'rum_item',
  title: 'RUM item-level: a FIFO memory of the last K items read by attention with the candidate item',
  paper: 'Chen, Xu, Zhang, Tang, Cao, Qin, Zha. Sequential Recommendation with User Memory Networks. WSDM 2018',
  keys: KEYS,
  // the paper's form (shared q, K = 20, α = 0.2) cannot tell the last item nor a transition's direction;
  // separate memory vectors with one slot and α = 1 are FPMC's form (README, "What each model can represent")
  searchSpace: { 'model.memory_embedding': ['separate', 'shared'], 'model.memory_slots': [1, 5, 20], 'model.alpha': [1, 0.2], 'train.lr': [0.01, 0.001] },
  memory: (p, s) => ({ parameters: (s.numUsers + s.numItems * (p.memory_embedding === 'separate' ? 2 : 1)) * p.dim, largestTensor: Math.max(s.numUsers, s.numItems, s.batchSize * p.memory_slots) * p.dim }),
  create: (context) => new RumItem(context),
});
