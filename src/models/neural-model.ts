import * as tf from '@tensorflow/tfjs-core';
import type { NamedArrays } from '../util/named-arrays';
import { Rng, stream, type RngState } from '../random/streams';
import { ConfigError } from '../util/errors';
import type { BatchTensors } from './batch';
import { LOSSES, lossOf, type LossName } from './losses';
import type { ModelContext, ScoreQuery, TrainableModel, TrainData, TrainStep } from './model';

/** tfjs variable names must be unique in the process; a counter keeps them so. */
let nextVariableId = 0;

/**
 * The base of every model trained by the shared loop: it owns the named weights (created from the `init`
 * stream, saved and restored by name) and dropout seeds from the `dropout` stream. A model says what it
 * trains on (batchKind, inputLength), its paper's loss, how it builds its weights, the logits of given items
 * at each prediction point, and how it scores a query. The default loss is the config's named loss on those
 * logits; a model may override `loss`, or `trainSteps` for auxiliary losses and alternating updates.
 */
export abstract class NeuralModel<P = unknown> implements TrainableModel {
  private readonly weights = new Map<string, tf.Variable>();
  protected readonly initRng: Rng;
  private dropoutRng: Rng;
  protected readonly params: P;

  abstract readonly batchKind: string;
  abstract readonly inputLength: number;
  abstract readonly defaultLoss: LossName;
  /** losses this model writes itself, besides the shared ones (see models/losses.ts) */
  readonly ownLosses: readonly string[] = [];

  constructor(protected readonly context: ModelContext<P>) {
    this.params = context.params;
    this.initRng = stream(context.seed, 'init');
    this.dropoutRng = stream(context.seed, 'dropout');
  }

  /** train.loss, with 'auto' resolved to the model's own. */
  get lossName(): string {
    return this.context.loss === 'auto' ? this.defaultLoss : this.context.loss;
  }

  get negativesPerPoint(): number {
    return this.lossName === 'full_softmax' ? 0 : this.context.numNegatives;
  }

  checkTraining(): void {
    const loss = this.lossName;
    const shared = (LOSSES as readonly string[]).includes(loss);
    if (!shared && !this.ownLosses.includes(loss)) {
      throw new ConfigError(`${this.context.source}: train.loss: ${loss} is not available for this model (shared losses: ${LOSSES.join(', ')}${this.ownLosses.length > 0 ? `; its own: ${this.ownLosses.join(', ')}` : ''})`);
    }
    if (loss === 'full_softmax' && !this.fullLogits) {
      throw new ConfigError(`${this.context.source}: train.loss: full_softmax is not available for this model (it has no full logits)`);
    }
  }

  /** Creates every weight with addWeight, from the training data's shapes. */
  protected abstract build(train: TrainData): void;

  /** [P, k] logits of `items` ([P, k] item indices) at each prediction point of the batch. */
  abstract logits(batch: BatchTensors, items: tf.Tensor2D, training: boolean): tf.Tensor2D;

  /** [P, numItems] logits of every item (for full_softmax); models that cannot afford it leave it out. */
  fullLogits?(batch: BatchTensors, training: boolean): tf.Tensor2D;

  abstract score(query: ScoreQuery): tf.Tensor2D;

  /**
   * The model's loss on one batch, before any L2 penalty: the shared loss `lossName` on the logits of the
   * positive (column 0) and the batch's negatives, or of every item for full_softmax.
   */
  loss(batch: BatchTensors, training: boolean): tf.Scalar {
    const name = this.lossName as LossName;
    if (name === 'full_softmax') {
      return lossOf(name, (this.fullLogits as NonNullable<this['fullLogits']>)(batch, training), batch.mask, batch.positives);
    }
    const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    return lossOf(name, this.logits(batch, items, training), batch.mask);
  }

  trainSteps(): readonly TrainStep[] {
    return [{ name: 'main', variables: () => this.variables(), loss: (batch, training) => this.loss(batch, training) }];
  }

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

  randomState(): RngState {
    return this.dropoutRng.state();
  }

  resumeRandom(state: RngState): void {
    this.dropoutRng = Rng.resume(state);
  }

  variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  /** (Re)creates every weight with fresh initial values for `train`'s shapes. */
  init(train: TrainData): void {
    this.dispose();
    this.build(train);
  }

  async state(): Promise<NamedArrays> {
    const out: NamedArrays = {};
    for (const [name, variable] of this.weights) {
      out[name] = { data: Float32Array.from(await variable.data() as Float32Array), shape: variable.shape };
    }
    return out;
  }

  /** Assigns saved values to the weights (built first from `train` when `train` is given). */
  restore(state: NamedArrays, train?: TrainData): void {
    if (train) this.init(train);
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
