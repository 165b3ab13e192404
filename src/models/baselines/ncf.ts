import * as tf from '@tensorflow/tfjs-core';
import { int, ints, num, type ParamsOf } from '../../config/spec';
import type { BatchTensors } from '../batch';
import { lossOf, type LossName } from '../losses';
import { modelEntry, type ScoreQuery, type TrainData, type TrainStep } from '../model';
import { NeuralModel } from '../neural-model';
import { normalInit, uniformInit, zerosInit } from '../layers/init';
import { dense } from '../layers/attention';
import { addTower, kernelRows, pairChunkValues, scorePairs, tower } from '../layers/pair-network';

const KEYS = {
  dim: int(8, 'GMF factors of the user and of the item (the predictive factors; the paper tries 8 to 64)', { min: 1 }),
  mlp_dim: int(32, "MLP embedding width of the user and of the item, concatenated into the tower's 2 × mlp_dim input (the authors' code: layers[0] / 2)", { min: 1 }),
  layers: ints([32, 16, 8], 'widths of the MLP tower\'s ReLU layers (MARS: 32-16-8)', { min: 1 }),
  dropout: num(0.2, 'dropout on the output of every MLP layer (MARS uses dropout with NCF without giving the rate; the authors\' code has none)', { min: 0, below: 1 }),
  init_std: num(0.01, 'standard deviation of the normal initial embeddings (the authors\' code: 0.01)', { above: 0 }),
  alpha: num(0.5, 'NeuMF\'s mix of its two towers: logit = alpha · GMF + (1 − alpha) · MLP (the paper\'s α for pre-trained NeuMF)', { min: 0, max: 1 }),
  pretrain_epochs: int(0, 'the first pretrain_epochs of train.epochs train GMF and MLP each on its own loss; NeuMF is trained after them with a fresh optimizer; 0 = NeuMF from random weights', { min: 0 }),
};

type Params = ParamsOf<typeof KEYS>;

/**
 * NCF's NeuMF (He, Liao, Zhang, Nie, Hu, Chua. Neural Collaborative Filtering. WWW 2017), for implicit
 * feedback on (user, item) pairs:
 *   GMF      φ_G = p_u ⊙ q_i                                  (eq. 9)
 *   MLP      φ_M = a_L(W_Lᵀ(… a_1(W_1ᵀ [p'_u; q'_i] + b_1) …) + b_L), a = ReLU   (eq. 10)
 *   GMF      g = h_Gᵀ φ_G + b_G,    MLP  m = h_Mᵀ φ_M + b_M
 *   NeuMF    ŷ = σ(hᵀ [φ_G; φ_M] + b) with h = [α h_G; (1 − α) h_M], b = α b_G + (1 − α) b_M   (eq. 12)
 * trained with the log loss on each positive and train.num_negatives sampled items (the paper: 4), the
 * default loss `bce`. Pre-training (section 3.4.1): GMF and MLP trained to convergence alone, then NeuMF
 * starts from their weights with h = [α h_G; (1 − α) h_M], α = 0.5.
 *
 * Choices where the paper is vague or its code differs:
 * - The output weights are kept as the two towers' own h_G, b_G, h_M, b_M at every stage, and NeuMF's h and b
 *   are the α-mix above throughout (without pre-training too). The paper's NeuMF learns h directly; this is
 *   the same family of functions (only h's step size is scaled by α and 1 − α), and nothing is rewritten when
 *   pre-training ends, so a checkpoint of any epoch means the same network and early stopping may keep a
 *   pre-training epoch (whose score is then the α-mix of GMF and MLP). The biases are the code's
 *   (Dense(1, sigmoid)), which the paper's eq. 12 leaves out; b = α b_G + (1 − α) b_M as the code's 0.5 · (sum).
 * - Pre-training runs inside one training run: with `model.pretrain_epochs` E > 0, epochs 1..E take a step
 *   on L(g) + L(m) (each term moves only its tower, and Adam's update is per weight, so this is GMF and MLP
 *   trained separately on the same batches); epochs E+1.. take a step on L(ŷ) with a second optimizer of
 *   `train.optimizer`, fresh. The paper then switches to vanilla SGD because its Adam state was not saved;
 *   a fresh optimizer has no momentum either, which is the paper's reason. E ≥ train.epochs leaves only
 *   pre-training.
 * - Dropout after every MLP layer (MARS, which gives no rate; the authors' code has none).
 * - Init as the authors' Keras code: embeddings N(0, 0.01²), tower layers Glorot uniform with zero biases,
 *   h_G and h_M LeCun uniform (±√(3 / fan-in)), output biases 0.
 */
export class Ncf extends NeuralModel<Params> {
  readonly batchKind = 'pairs';
  readonly inputLength = 0;
  readonly defaultLoss = 'bce' as const;
  private numItems = 0;

  protected build(train: TrainData): void {
    const { dim: gmf, mlp_dim: mlp, layers, init_std: std } = this.params;
    const add = (name: string, initial: tf.Tensor) => void this.addWeight(name, initial);
    this.numItems = train.numItems;
    add('gmf_user', normalInit(this.initRng, [train.numUsers, gmf], std));
    add('gmf_item', normalInit(this.initRng, [train.numItems, gmf], std));
    add('mlp_user', normalInit(this.initRng, [train.numUsers, mlp], std));
    add('mlp_item', normalInit(this.initRng, [train.numItems, mlp], std));
    addTower(add, this.initRng, 'mlp', 2 * mlp, layers);
    add('gmf_out', uniformInit(this.initRng, [gmf, 1], Math.sqrt(3 / gmf)));
    add('mlp_out', uniformInit(this.initRng, [layers[layers.length - 1], 1], Math.sqrt(3 / layers[layers.length - 1])));
    add('gmf_bias', zerosInit([1]));
    add('mlp_bias', zerosInit([1]));
  }

  /** The GMF and MLP logits g and m of users [B] with items [B, C] (or [1, C], the same items for every row). */
  towers(users: tf.Tensor1D, items: tf.Tensor2D, training: boolean): { gmf: tf.Tensor2D; mlp: tf.Tensor2D } {
    const read = (name: string) => this.weight(name);
    const { mlp_dim: mlp, layers, dropout } = this.params;
    const rows = users.shape[0];
    const width = items.shape[1];
    const byRow = (x: tf.Tensor) => tf.expandDims(x, 1);
    const hGmf = tf.reshape(this.weight('gmf_out'), [-1]);
    const gmf = tf.add(
      tf.sum(tf.mul(byRow(tf.mul(tf.gather(this.weight('gmf_user'), users), hGmf)), tf.gather(this.weight('gmf_item'), items)), 2),
      this.weight('gmf_bias'),
    ) as tf.Tensor2D;
    const userHalf = tf.matMul(tf.gather(this.weight('mlp_user'), users) as tf.Tensor2D, kernelRows(read, 'mlp', 0, mlp));
    const itemHalf = dense(tf.gather(this.weight('mlp_item'), items), kernelRows(read, 'mlp', mlp, mlp));
    const first = tf.reshape(tf.add(byRow(userHalf), itemHalf), [rows * width, layers[0]]) as tf.Tensor2D;
    const top = tower(read, 'mlp', layers.length, first, (x) => this.dropout(x, dropout, training), true);
    const m = tf.add(tf.matMul(top, this.weight('mlp_out') as tf.Tensor2D), this.weight('mlp_bias'));
    return { gmf, mlp: tf.reshape(m, [rows, width]) };
  }

  private neumf(users: tf.Tensor1D, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const { gmf, mlp } = this.towers(users, items, training);
    const { alpha } = this.params;
    return tf.add(tf.mul(gmf, alpha), tf.mul(mlp, 1 - alpha));
  }

  logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.neumf(batch.users, items, training);
  }

  /** Pre-training's loss: each tower's own loss, L(g) + L(m). */
  private pretrainLoss(batch: BatchTensors, training: boolean): tf.Scalar {
    const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    const { gmf, mlp } = this.towers(batch.users, items, training);
    const name = this.lossName as LossName;
    return tf.add(lossOf(name, gmf, batch.mask), lossOf(name, mlp, batch.mask));
  }

  override trainSteps(): readonly TrainStep[] {
    const stages = this.params.pretrain_epochs;
    if (stages === 0) return super.trainSteps();
    return [
      { name: 'pretrain', runsIn: (epoch) => epoch <= stages, variables: () => this.variables(), loss: (batch, training) => this.pretrainLoss(batch, training) },
      { name: 'neumf', runsIn: (epoch) => epoch > stages, variables: () => this.variables(), loss: (batch, training) => this.loss(batch, training) },
    ];
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const users = tf.tensor1d(query.users, 'int32');
      const widest = Math.max(this.params.dim, this.params.mlp_dim, ...this.params.layers);
      return scorePairs(query.users.length, this.numItems, widest, query.candidates, (items) => this.neumf(users, items, false));
    });
  }
}

export const ncfEntry = modelEntry({
  name: 'ncf',
  title: 'NCF (NeuMF): GMF and an MLP tower on user and item embeddings, optionally pre-trained',
  paper: 'He, Liao, Zhang, Nie, Hu, Chua. Neural Collaborative Filtering. WWW 2017',
  keys: KEYS,
  memory: (p, s) => {
    const widest = Math.max(p.dim, p.mlp_dim, ...p.layers);
    return {
      parameters: (s.numUsers + s.numItems) * (p.dim + p.mlp_dim),
      largestTensor: Math.max(Math.max(s.numUsers, s.numItems) * Math.max(p.dim, p.mlp_dim), pairChunkValues(s.evalBatchSize, s.numItems, widest)),
    };
  },
  create: (context) => new Ncf(context),
});
