import * as tf from '@tensorflow/tfjs-core';
import { int, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { normalInit, zerosInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';

/** The paper's initialisation (§4.3): embeddings from N(0, 0.002²), every other weight from N(0, 0.05²). */
const EMBEDDING_STD = 0.002;
const WEIGHT_STD = 0.05;

const KEYS = {
  dim: int(100, 'd: item embedding size, of the attention and of both MLP cells (paper: 100; MTAM\'s comparison: 128)', { min: 1 }),
  max_length: int(50, 'the last max_length items of a prefix are the session (the paper reads the whole session)', { min: 1 }),
};

/**
 * STAMP (Liu, Zeng, Mokhosi, Zhang; Short-Term Attention/Memory Priority Model for Session-based
 * Recommendation, KDD 2018), over the last max_length items x_1..x_t before the target, embeddings E [N, d]:
 *   m_s = (1/t) Σ_i x_i,   m_t = x_t                                  the session's mean and its last item
 *   α_i = w₀ᵀ σ(W₁ x_i + W₂ x_t + W₃ m_s + b_a)                        attention (eq. 7; α not normalised)
 *   m_a = Σ_i α_i x_i + m_s                                           (eq. 8, plus m_s: see below)
 *   h_s = tanh(W_s m_a + b_s),   h_t = tanh(W_t m_t + b_t)             the two MLP cells (eqs. 9, 10)
 *   score_i = ⟨h_s, h_t, E_i⟩ = Σ_k h_s,k h_t,k E_i,k                   the trilinear composition (eq. 11)
 * trained with full-softmax cross-entropy over every item (eq. 13) on every prefix (`prefixes` batches).
 *
 * Choices where the paper is open or its code differs, each also in the README:
 * - The score is the trilinear product itself, without the paper's σ before the softmax (eq. 12): the
 *   authors' code (uestcnlp/STAMP) and RecBole feed the raw product to the softmax cross-entropy; σ does not
 *   change the ranking, and a softmax over values in (0, 1) could hardly tell the target from the rest.
 * - m_a adds the mean m_s to the attended sum, as the authors' code and RecBole do (eq. 8 prints Σ α_i x_i).
 * - No max-norm on the embeddings (the authors' code looks them up with max_norm 1) and no dropout (the paper
 *   names none); the paper's initialisation, N(0, 0.002²) embeddings and N(0, 0.05²) weights, zero biases.
 * - Left padding: padded slots are out of the mean and get α = 0. The session is the user's last max_length
 *   items (memrec's sequences are users' histories, not sessions).
 */
export class Stamp extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'prefixes';
  readonly defaultLoss = 'full_softmax' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  protected build(train: TrainData): void {
    const { dim } = this.params;
    this.addWeight('item_embedding', normalInit(this.initRng, [train.numItems, dim], EMBEDDING_STD));
    for (const name of ['w1', 'w2', 'w3']) this.addWeight(`attention_${name}`, normalInit(this.initRng, [dim, dim], WEIGHT_STD));
    this.addWeight('attention_w0', normalInit(this.initRng, [dim, 1], WEIGHT_STD));
    this.addWeight('attention_bias', zerosInit([dim]));
    for (const cell of ['mlp_s', 'mlp_t']) {
      this.addWeight(`${cell}_kernel`, normalInit(this.initRng, [dim, dim], WEIGHT_STD));
      this.addWeight(`${cell}_bias`, zerosInit([dim]));
    }
  }

  /** h_s ⊙ h_t [B, d], the query that scores item i as its dot product with E_i, of shifted inputs [B, L]. */
  private userVector(inputs: tf.Tensor2D): tf.Tensor2D {
    const [batch, length] = inputs.shape;
    const { dim } = this.params;
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const items = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32'))));
    const x = tf.mul(items, tf.expandDims(real, 2)) as tf.Tensor3D;
    const mean = tf.div(tf.sum(x, 1), tf.maximum(tf.sum(real, 1, true), 1)) as tf.Tensor2D;
    const last = tf.reshape(tf.slice(x, [0, length - 1, 0], [-1, 1, -1]), [batch, dim]) as tf.Tensor2D;
    const w = (name: string) => this.weight(`attention_${name}`) as tf.Tensor2D;
    const perItem = tf.reshape(tf.matMul(tf.reshape(x, [batch * length, dim]), w('w1')), [batch, length, dim]);
    const shared = tf.add(tf.add(tf.matMul(last, w('w2')), tf.matMul(mean, w('w3'))), this.weight('attention_bias'));
    const hidden = tf.sigmoid(tf.add(perItem, tf.expandDims(shared, 1)));
    const alpha = tf.mul(tf.reshape(tf.matMul(tf.reshape(hidden, [batch * length, dim]), w('w0')), [batch, length]), real);
    const attended = tf.add(tf.sum(tf.mul(x, tf.expandDims(alpha, 2)), 1), mean) as tf.Tensor2D;
    const cell = (name: string, input: tf.Tensor2D) => tf.tanh(tf.add(tf.matMul(input, this.weight(`${name}_kernel`)), this.weight(`${name}_bias`)));
    return tf.mul(cell('mlp_s', attended), cell('mlp_t', last)) as tf.Tensor2D;
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const user = tf.expandDims(this.userVector(batch.inputs as tf.Tensor2D), 1);
    return tf.sum(tf.mul(user, tf.gather(this.weight('item_embedding'), items)), 2) as tf.Tensor2D;
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    return scoreItems(this.userVector(batch.inputs as tf.Tensor2D), this.weight('item_embedding') as tf.Tensor2D, null, null);
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const length = this.params.max_length;
    return tf.tidy(() => {
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return scoreItems(this.userVector(inputs), this.weight('item_embedding') as tf.Tensor2D, null, query.candidates);
    });
  }
}

export const stampEntry = modelEntry({
  name: 'stamp',
  title: 'STAMP: attention over the session given its last item and mean, two MLP cells and a trilinear score',
  paper: 'Liu, Zeng, Mokhosi, Zhang. STAMP: Short-Term Attention/Memory Priority Model for Session-based Recommendation. KDD 2018',
  keys: KEYS,
  searchSpace: { 'train.lr': [0.001, 0.005, 0.02] },
  memory: (p, s) => ({
    parameters: s.numItems * p.dim + 5 * p.dim * p.dim,
    largestTensor: Math.max(s.numItems * p.dim, s.batchSize * s.numItems, s.evalBatchSize * s.numItems, s.batchSize * p.max_length * p.dim),
  }),
  create: (context) => new Stamp(context),
});
