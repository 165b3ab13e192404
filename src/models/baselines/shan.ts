import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { dense } from '../layers/attention';
import { normalInit, uniformInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';
import { attendMasked, lastSession } from '../layers/sessions';
import { queryAges } from '../time-inputs';

/** RecBole's initialisation (the paper gives none): N(0, 0.01²) embeddings, U(±√(3/d)) attention weights and biases. */
const EMBEDDING_STD = 0.01;

const KEYS = {
  dim: int(100, 'K: width of the user and item embeddings and of both attention layers', { min: 1 }),
  max_length: int(50, 'the last max_length items before the target are read: the last session is the short term, the rest the long term', { min: 1 }),
  session_gap: num(86_400, 'seconds: an item joins the session of the item before it when the gap between them is shorter (default one day: a day\'s activity is one session)', { min: 0 }),
};

/**
 * SHAN (Ying, Zhuang, Zhang, Liu, Xu, Xie, Xiong, Wu; Sequential Recommender System based on Hierarchical
 * Attention Network, IJCAI 2018). For user u with embedding u, item embeddings v_j = E[j] (one table, [N, K]),
 * the long-term set L (items of the sessions before the last) and the short-term set S (the last session),
 * of the last max_length items before the target:
 *   h1_j = ReLU(W1 v_j + b1),  α_j = softmax_{j∈L}(uᵀ h1_j),  u_long = Σ_{j∈L} α_j v_j        (eqs. 1-3)
 *   x_0 = u_long, x_j = v_j for j ∈ S
 *   h2_j = ReLU(W2 x_j + b2),  β_j = softmax_{j∈S∪{0}}(uᵀ h2_j),  u_hybrid = Σ_{j∈S∪{0}} β_j x_j  (eqs. 4-6)
 *   R_uk = u_hybridᵀ v_k                                                                        (eq. 7)
 * trained with BPR on each prefix (`prefixes` batches) against train.num_negatives sampled items (eq. 8).
 *
 * Choices where the paper is open, each also in the README:
 * - Sessions: the paper's short term is the current session, taken as its data give them (transactions,
 *   check-ins); memrec's data have no session ids, so it cuts sessions by a time gap, model.session_gap (one
 *   day by default): an item starts a new session when it comes at least session_gap seconds after the item
 *   before it. A gap rule needs no calendar or time zone and reads the data's own timestamps, and unlike the
 *   last k items it follows the user's pauses; the last session is the one before the target (the target's
 *   own time is not read). RecBole's SHAN instead takes the last k items (short_item_length) as the short
 *   term and attends over all items, those k included, in the first layer; memrec keeps the paper's split,
 *   the two sets disjoint. When the whole window is one session the long-term set is empty and u_long = 0.
 * - The long term is bounded by the window (max_length), not the whole history.
 * - The paper's λ regularisers on the embeddings and attention weights are train.l2 (on every weight).
 * - Init: RecBole's, N(0, 0.01²) embeddings and U(±√(3/K)) for W1, W2, b1, b2.
 */
export class Shan extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'prefixes';
  readonly defaultLoss = 'bpr' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim } = this.params;
    const limit = Math.sqrt(3 / dim);
    this.addWeight('item_embedding', normalInit(this.initRng, [train.numItems, dim], EMBEDDING_STD));
    this.addWeight('user_embedding', normalInit(this.initRng, [train.numUsers, dim], EMBEDDING_STD));
    for (const layer of ['long', 'hybrid']) {
      this.addWeight(`${layer}_kernel`, uniformInit(this.initRng, [dim, dim], limit));
      this.addWeight(`${layer}_bias`, uniformInit(this.initRng, [dim], limit));
    }
  }

  /** u_hybrid [B, K] of users [B] with shifted inputs [B, L] at ages [B, L] (seconds before the target). */
  private userVector(users: tf.Tensor1D, inputs: tf.Tensor2D, ages: tf.Tensor2D): tf.Tensor2D {
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const { session, earlier } = lastSession(ages, real, this.params.session_gap, this.params.max_length);
    const user = tf.gather(this.weight('user_embedding'), users) as tf.Tensor2D;
    const items = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    const hidden = (layer: string, x: tf.Tensor3D) => tf.relu(dense(x, this.weight(`${layer}_kernel`) as tf.Tensor2D, this.weight(`${layer}_bias`) as tf.Tensor1D)) as tf.Tensor3D;
    const long = attendMasked(user, hidden('long', items), items, earlier);
    const x = tf.concat([tf.expandDims(long, 1), items], 1) as tf.Tensor3D;
    const mask = tf.concat([tf.ones([users.shape[0], 1]), session], 1) as tf.Tensor2D;
    return attendMasked(user, hidden('hybrid', x), x, mask);
  }

  private batchVector(batch: BatchTensors): tf.Tensor2D {
    return this.userVector(batch.users, batch.inputs as tf.Tensor2D, batch.fields.input_ages as tf.Tensor2D);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const user = tf.expandDims(this.batchVector(batch), 1);
    return tf.sum(tf.mul(user, tf.gather(this.weight('item_embedding'), items)), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    return scoreItems(this.batchVector(batch), this.weight('item_embedding') as tf.Tensor2D, null, null);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const length = this.params.max_length;
    return tf.tidy(() => {
      const users = tf.tensor1d(query.users, 'int32');
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return scoreItems(this.userVector(users, inputs, queryAges(query, length)), this.weight('item_embedding') as tf.Tensor2D, null, query.candidates);
    });
  }
}

export const shanEntry = modelEntry({
  name: 'shan',
  title: 'SHAN: two-layer hierarchical attention, the user attending over the long-term items, then over the last session and the long-term vector',
  paper: 'Ying, Zhuang, Zhang, Liu, Xu, Xie, Xiong, Wu. Sequential Recommender System based on Hierarchical Attention Network. IJCAI 2018',
  keys: KEYS,
  readsTime: true,
  memory: (p, s) => ({
    parameters: (s.numItems + s.numUsers) * p.dim + 2 * p.dim * (p.dim + 1),
    largestTensor: Math.max(s.numItems * p.dim, s.batchSize * s.numItems, s.evalBatchSize * s.numItems, s.batchSize * p.max_length * p.dim),
  }),
  create: (context) => new Shan(context),
});
