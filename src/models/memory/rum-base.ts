import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import type { TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { uniformInit } from '../layers/init';

/**
 * What RUM's two variants share (Chen et al., WSDM 2018, section 3.1): an intrinsic user embedding p*_u and
 * an item embedding q_i (both uniform in ±model.init_range), MERGE p_u = p*_u + α·p^m_u (eq. 3) with the
 * memory embedding p^m_u read for the candidate item, and ŷ = σ(p_uᵀ q_i) (eq. 4), trained with binary
 * cross-entropy against sampled negatives (eq. 5: the trainer's `bce` on these logits). Each variant adds
 * its memory: what it stores, how it is written and how it is read.
 */
export abstract class RumModel<P extends ParamsOf<typeof RUM_KEYS> = ParamsOf<typeof RUM_KEYS>> extends NeuralModel<P> {
  readonly defaultLoss = 'bce' as const;

  protected get dim(): number {
    return this.params.dim;
  }

  protected get slots(): number {
    return this.params.memory_slots;
  }

  protected get alpha(): number {
    return this.params.alpha;
  }

  protected get beta(): number {
    return this.params.beta;
  }

  /** p* and q; built first by both variants, so the same seed gives both the same p* and q. */
  protected buildEmbeddings(train: TrainData): void {
    const range = this.params.init_range;
    this.addWeight('user_embedding', uniformInit(this.initRng, [train.numUsers, this.dim], range));
    this.addWeight('item_embedding', uniformInit(this.initRng, [train.numItems, this.dim], range));
  }

  protected get items(): tf.Tensor2D {
    return this.weight('item_embedding') as tf.Tensor2D;
  }

  protected userEmbeddings(users: tf.Tensor1D): tf.Tensor2D {
    return tf.gather(this.weight('user_embedding'), users) as tf.Tensor2D;
  }

  /**
   * Embeddings of shifted item inputs (v + 1; 0 = padding) from `table` (q by default). Padding gathers item 0,
   * which every caller masks out. The gathered rows are the live embeddings, so gradients reach them through
   * the memory too.
   */
  protected inputEmbeddings(inputs: tf.Tensor, table: tf.Tensor2D = this.items): tf.Tensor {
    return tf.gather(table, tf.relu(tf.sub(inputs, tf.scalar(1, 'int32'))));
  }

  /**
   * Logits (p*_u + α·p^m)ᵀ q_c of C candidates per row: pStar [R, D], memory embeddings pm [R, C, D],
   * candidates q [R, C, D] → [R, C]. Computed as p*ᵀq + α·p^mᵀq (the same number): p*ᵀq is one batched
   * matMul, which avoids broadcasting [R, 1, D] against [R, C, D] element by element on the cpu backend.
   */
  protected mergedLogits(pStar: tf.Tensor2D, pm: tf.Tensor3D, q: tf.Tensor3D): tf.Tensor2D {
    const [rows, candidates] = q.shape;
    const intrinsic = tf.reshape(tf.matMul(q, tf.expandDims(pStar, 2) as tf.Tensor3D), [rows, candidates]);
    return tf.add(intrinsic, tf.mul(tf.sum(tf.mul(pm, q), 2), this.alpha)) as tf.Tensor2D;
  }

  /** [U, N] scores of every item: p*_uᵀ q_i + α·memoryTerm[u, i], where memoryTerm = p^m_{u,i}ᵀ q_i. */
  protected mergedScores(users: tf.Tensor1D, memoryTerm: tf.Tensor2D): tf.Tensor2D {
    const intrinsic = tf.matMul(this.userEmbeddings(users), this.items, false, true);
    return tf.add(intrinsic, tf.mul(memoryTerm, this.alpha)) as tf.Tensor2D;
  }
}

/** The keys both variants read (see the README's RUM section for the reasons behind each default). */
export const RUM_KEYS = {
  dim: int(20, 'D: size of the user, item (and feature-key) embeddings; the paper searches 10..50', { min: 1 }),
  memory_slots: int(20, 'K: memory slots (item-level: the K most recent items; feature-level: K latent features); paper 20', { min: 1 }),
  alpha: num(0.2, 'α in MERGE p_u = p*_u + α·p^m_u (0 makes both variants plain MF); paper 0.2', { min: 0 }),
  beta: num(1, 'β, the attention strength of the memory read softmax(β·w) (the paper gives no value)', { above: 0 }),
  init_range: num(0.1, 'embeddings and feature keys start uniform in ±init_range (the paper says only "uniform")', { above: 0 }),
};
