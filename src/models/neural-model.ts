import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../config/resolved';
import type { UserLists } from '../data/interactions';
import type { NamedArrays } from '../results/arrays-file';
import { stream, type Rng } from '../random/streams';
import type { BatchKind } from '../train/batch';
import type { LossName } from '../train/losses';
import { trainModel } from '../train/trainer';
import type { FitContext, Model, TrainData } from './model';

/** tfjs variable names must be unique in the process; a counter keeps them so. */
let nextVariableId = 0;

/** A training batch as tensors (see TrainBatch for the meaning of each field). */
export interface BatchTensors {
  readonly size: number;
  readonly users: tf.Tensor1D;
  /** [B, inputLength] shifted item inputs, 0 = padding; null for pairs */
  readonly inputs: tf.Tensor2D | null;
  readonly positives: tf.Tensor1D;
  readonly mask: tf.Tensor1D;
}

/**
 * The base of every model trained by the shared loop: it owns the named weights (created from the `init`
 * stream, saved and restored by name), dropout seeds from the `dropout` stream, and hands `fit` to the
 * trainer. A model says what it trains on (batchKind, inputLength), its paper's loss, how it builds its
 * weights, the logits of given items at each prediction point, and how it scores all items for users.
 */
export abstract class NeuralModel implements Model {
  private readonly weights = new Map<string, tf.Variable>();
  protected readonly initRng: Rng;
  private readonly dropoutRng: Rng;

  abstract readonly batchKind: BatchKind;
  abstract readonly defaultLoss: LossName;

  constructor(protected readonly config: ResolvedConfig) {
    this.initRng = stream(config.int('seed'), 'init');
    this.dropoutRng = stream(config.int('seed'), 'dropout');
  }

  /** Input sequence length of sequence and window batches (0 for pairs, 1 for transitions). */
  get inputLength(): number {
    return this.batchKind === 'pairs' ? 0 : this.batchKind === 'transitions' ? 1 : this.config.int('model.max_length');
  }

  /** Creates every weight with addWeight, from the training data's shapes. */
  protected abstract build(train: TrainData): void;

  /** [P, k] logits of `items` ([P, k] item indices) at each prediction point of the batch. */
  abstract logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D;

  /** [P, numItems] logits of every item (for full_softmax); models that cannot afford it leave it out. */
  fullLogits?(batch: BatchTensors, training: boolean): tf.Tensor2D;

  abstract scoreAll(users: Int32Array, history: UserLists): tf.Tensor2D;

  protected addWeight(name: string, initial: tf.Tensor): tf.Variable {
    if (this.weights.has(name)) throw new Error(`weight ${name} defined twice`);
    const variable = tf.variable(initial, true, `${name}_${nextVariableId++}`);
    initial.dispose();
    this.weights.set(name, variable);
    return variable;
  }

  protected weight(name: string): tf.Variable {
    const variable = this.weights.get(name);
    if (!variable) throw new Error(`weight ${name} is not built`);
    return variable;
  }

  /** Dropout with a seed from the dropout stream; the identity outside training or at rate 0. */
  protected dropout<T extends tf.Tensor>(x: T, rate: number, training: boolean): T {
    if (!training || rate <= 0) return x;
    return tf.dropout(x, rate, undefined, this.dropoutRng.uint32()) as T;
  }

  variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  async fit(ctx: FitContext): Promise<void> {
    this.initialize(ctx.train);
    await trainModel(this, ctx);
  }

  /** (Re)creates every weight with fresh initial values for `train`'s shapes. */
  initialize(train: TrainData): void {
    this.dispose();
    this.build(train);
  }

  state(): NamedArrays {
    const out: NamedArrays = {};
    for (const [name, variable] of this.weights) {
      out[name] = { data: Float32Array.from(variable.dataSync() as Float32Array), shape: variable.shape };
    }
    return out;
  }

  /** Assigns saved values to the weights (built first from `train` when `train` is given). */
  restore(state: NamedArrays, train?: TrainData): void {
    if (train) this.initialize(train);
    for (const [name, variable] of this.weights) {
      const saved = state[name];
      if (!saved || saved.data.length !== variable.size) throw new Error(`checkpoint has no weight ${name} of size ${variable.size}`);
      tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape)));
    }
  }

  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
    this.weights.clear();
  }
}
