import * as tf from '@tensorflow/tfjs-core';
import { int, oneOf, type ParamsOf } from '../../config/spec';
import { lastWindows } from '../../data/windows';
import type { BatchTensors } from '../batch';
import { modelEntry, type ScoreQuery, type TrainData } from '../model';
import { NeuralModel } from '../neural-model';
import { addGruWeights, gruLastState, gruStates, gruWeightsOf } from '../layers/gru';
import { uniformInit } from '../layers/init';
import { scoreItems } from '../layers/item-scores';
import { addRnnWeights, rnnLastState, rnnStates, rnnWeightsOf, type RnnActivation } from '../layers/rnn';

export const DREAM_CELLS = ['rnn', 'rnn_tanh', 'gru'] as const;
export type DreamCell = (typeof DREAM_CELLS)[number];

const KEYS = {
  dim: int(50, 'd: size of the item representations and of the hidden state', { min: 1 }),
  max_length: int(50, 'training items per user (the last max_length + 1, BPTT length) and history items read when scoring', { min: 1 }),
  cell: oneOf(DREAM_CELLS, 'rnn', 'rnn: the paper\'s h_t = sigmoid(X b_t + R h_{t-1}), no bias; rnn_tanh: the same with tanh; gru: a GRU cell (with biases)'),
};

/** Half-width of the uniform initial item representations (a public DREAM port's init_weight uses 0.1). */
export const DREAM_ITEM_INIT_RANGE = 0.1;

/**
 * DREAM (Yu, Liu, Wu, Wang, Tan, SIGIR 2016) with every basket a single item, as RUM's paper (Chen et al.,
 * WSDM 2018) runs it:
 *   b_t = n_{i_t}                        the basket's pooled representation: max or average pooling over a
 *                                        basket of one item is that item's column of N
 *   h_t = σ(X b_t + R h_{t−1}),  h_0 = 0  (model.cell=rnn, the paper's; rnn_tanh: tanh for σ; gru: a GRU)
 *   o_{t,i} = h_tᵀ n_i                   the same item representation matrix N scores the next item
 *   loss = −Σ_t log σ(o_{t,pos} − o_{t,neg})   BPR with sampled negatives, at every step (BPTT)
 * The user's recommendation is o from the final hidden state after the last max_length history items.
 */
export class Dream extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'sequences';
  readonly defaultLoss = 'bpr' as const;

  get inputLength(): number {
    return this.params.max_length;
  }

  private get cell(): DreamCell {
    return this.params.cell;
  }

  /** f of the plain RNN cells: the paper's sigmoid, or tanh for rnn_tanh. */
  private get activation(): RnnActivation {
    return this.cell === 'rnn_tanh' ? 'tanh' : 'sigmoid';
  }

  protected build(train: TrainData): void {
    const { dim } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    // N: one d-vector per item, shared by the input (basket) and the output (scores) as in the paper
    this.addWeight('item_embedding', uniformInit(this.initRng, [train.numItems, dim], DREAM_ITEM_INIT_RANGE));
    if (this.cell === 'gru') addGruWeights(add, 'gru', this.initRng, dim, dim);
    else addRnnWeights(add, 'rnn', this.initRng, dim, dim, false);
  }

  /**
   * The embedded baskets [B, L, d] of shifted inputs [B, L] (0 = padding) and the step mask [B, L]; padding
   * gathers item 0, which the mask keeps from touching the state.
   */
  private embed(inputs: tf.Tensor2D): { x: tf.Tensor3D; mask: tf.Tensor2D } {
    const mask = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const x = tf.gather(this.weight('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))) as tf.Tensor3D;
    return { x, mask };
  }

  /** [B, L, d] hidden state after every step. */
  private states(inputs: tf.Tensor2D): tf.Tensor3D {
    const { x, mask } = this.embed(inputs);
    const read = (name: string) => this.weight(name);
    if (this.cell === 'gru') return gruStates(x, mask, gruWeightsOf(read, 'gru'));
    return rnnStates(x, mask, rnnWeightsOf(read, 'rnn', false), this.activation);
  }

  /** [B, d] hidden state after the last step: the user's dynamic representation. */
  private lastState(inputs: tf.Tensor2D): tf.Tensor2D {
    const { x, mask } = this.embed(inputs);
    const read = (name: string) => this.weight(name);
    if (this.cell === 'gru') return gruLastState(x, mask, gruWeightsOf(read, 'gru'));
    return rnnLastState(x, mask, rnnWeightsOf(read, 'rnn', false), this.activation);
  }

  /** [B * L, d] state at every prediction point of a sequence batch. */
  private pointStates(batch: BatchTensors): tf.Tensor2D {
    return tf.reshape(this.states(batch.inputs as tf.Tensor2D), [-1, this.params.dim]);
  }

  /** [rows, numItems] o = H Nᵀ: every item's score from states [rows, d], one matMul (or [rows, C] of candidates). */
  private scoreEveryItem(states: tf.Tensor2D, candidates: tf.Tensor2D | null = null): tf.Tensor2D {
    return scoreItems(states, this.weight('item_embedding') as tf.Tensor2D, null, candidates);
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const states = tf.expandDims(this.pointStates(batch), 1);
    // a product and a sum, not a batched matmul: the cpu backend's matmul is slow on P tiny [1, d] × [d, k]
    return tf.sum(tf.mul(states, tf.gather(this.weight('item_embedding'), items)), 2);
  }

  override fullLogits(batch: BatchTensors): tf.Tensor2D {
    return this.scoreEveryItem(this.pointStates(batch));
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const length = this.params.max_length;
      const inputs = tf.tensor2d(lastWindows(query.history.lists, query.users, length), [query.users.length, length], 'int32');
      return this.scoreEveryItem(this.lastState(inputs), query.candidates);
    });
  }
}

/**
 * DREAM's choices and deviations (RUM's paper gives no DREAM settings beyond "each item a basket"):
 * - Baskets of one item: the paper's max or average pooling of a basket's item vectors both return the one
 *   item's vector, so there is no pooling key.
 * - N is shared: the paper's input basket vectors are columns of the item representation matrix N and the
 *   output is o = Nᵀ h, so one [numItems, d] matrix serves both; X and R are d × d, so the hidden size is d.
 * - No biases and a sigmoid f, as the paper's h_t = f(X b_t + R h_{t−1}); h_0 = 0 (unstated). The sigmoid
 *   cell sits on a plateau near MostPop for a while at small learning rates (on the default synthetic data,
 *   lr 0.005 for 8 epochs stays at MostPop's NDCG@10; lr 0.05 for 20 epochs reaches 0.185), so two
 *   non-paper cells are offered: model.cell=rnn_tanh (the same cell with tanh, no bias) and model.cell=gru
 *   (the shared GRU layer, with biases), as later DREAM ports use.
 * - Loss: BPR with train.num_negatives sampled negatives at every step; the paper's λ‖Θ‖² is train.l2.
 * - Training: one example per user, the last max_length + 1 training items with a next-item target at every
 *   step (batch kind 'sequences'): BPTT truncated to max_length steps for longer users.
 * - Init: N uniform in ±0.1 (unstated in the paper; RUM says only "uniform"), X and R Glorot uniform.
 */
export const dreamEntry = modelEntry({
  name: 'dream',
  title: 'DREAM: an RNN over one-item baskets, the hidden state scoring the next item through the shared item matrix',
  paper: 'Yu, Liu, Wu, Wang, Tan. A Dynamic Recurrent Model for Next Basket Recommendation. SIGIR 2016 (as a baseline of Chen et al., WSDM 2018)',
  keys: KEYS,
  // at the shared default lr 1e-3 DREAM barely moves; 1e-2 and more with smaller batches learn a chain
  searchSpace: { 'train.lr': [0.03, 0.01, 0.001], 'train.batch_size': [32, 128], 'model.cell': ['rnn', 'gru'] },
  memory: (p, s) => ({ parameters: s.numItems * p.dim + 6 * p.dim * p.dim, largestTensor: Math.max(s.numItems, s.batchSize * p.max_length, s.evalBatchSize * p.max_length) * p.dim }),
  create: (context) => new Dream(context),
});
