import type * as tf from '@tensorflow/tfjs-core';
import type { KeySpec, ParamsOf } from '../config/spec';
import type { UserLists } from '../data/interactions';
import type { NamedArrays } from '../util/named-arrays';
import type { BatchTensors } from './batch';
import type { UserStates } from './user-states';

/**
 * What a model may learn from: the training part of the split and the items' side information, and nothing
 * else. The validation and test items are not reachable from here, so no model can train on them.
 */
export interface TrainData {
  readonly numUsers: number;
  readonly numItems: number;
  /** each user's training items in time order */
  readonly sequences: UserLists;
  /** timestamps aligned with sequences.items */
  readonly timestamps: Float64Array;
  readonly itemCategory: Int32Array;
  readonly numCategories: number;
  readonly itemTokenOffsets: Int32Array;
  readonly itemTokens: Int32Array;
  readonly numTokens: number;
}

/** What a model may condition on when it predicts: each user's earlier items, in time order, with their times. */
export interface History {
  readonly lists: UserLists;
  /** aligned with lists.items */
  readonly timestamps: Float64Array;
}

/**
 * One scoring request: rows of users, what each may condition on, and what to score.
 * - `targetTimes[b]`: the time of the interaction being predicted for users[b] (NaN where unknown). A time-aware
 *   model may condition on it, as MTAM does; it says when, never what.
 * - `candidates`: [B, C] item indices to score per row (the sampled protocol), or null for every item.
 * - `states`: per-user states built by the model's `userStates` for this history, or null.
 * The answer is [B, C] (or [B, numItems]) scores, higher is better; column j scores candidates[b][j].
 */
export interface ScoreQuery {
  readonly users: Int32Array;
  readonly history: History;
  readonly targetTimes: Float64Array | null;
  readonly candidates: tf.Tensor2D | null;
  readonly states: UserStates | null;
}

/**
 * A recommender. The run calls `init` once with the training data; a trainable model is then trained by the
 * trainer (see TrainableModel), and evaluation calls `score`. The trainer and the evaluator know nothing of
 * any particular model: they call these.
 */
export interface Model {
  /** Prepares the model for `train`: creates its weights, or computes what a fitted model counts. */
  init(train: TrainData): void;
  /** Scores for a query (see ScoreQuery); the caller disposes the result (e.g. inside tf.tidy). */
  score(query: ScoreQuery): tf.Tensor2D;
  /**
   * Models that carry memory along a user's sequence: each user's state after `history`, built once per
   * evaluation by streaming the history, then handed to every `score` call for those users.
   */
  userStates?(history: History, users: Int32Array): UserStates;
  /** Models that read a memory by attention (MARS): the weights of `user`'s memory items for candidate `item`. */
  explain?(history: History, user: number, item: number): Promise<MemoryWeights>;
  /** The learned state, for the checkpoint (read back asynchronously: a GPU backend has no synchronous read). */
  state(): Promise<NamedArrays>;
  /** Restores a state written by state(); `train` gives the shapes and side information. */
  restore(state: NamedArrays, train: TrainData): void;
  dispose(): void;
}

/** Memory items and their attention weights for one candidate, largest weight first. */
export interface MemoryWeights {
  readonly items: Int32Array;
  readonly weights: Float32Array;
}

/** A loss, and for models that carry state from batch to batch (user_stream batches) the state after it. */
export type StepOutput = tf.Scalar | { readonly loss: tf.Scalar; readonly state: Readonly<Record<string, tf.Tensor>> };

/**
 * One optimisation step of a training update: a loss and the variables it moves. Most models have one; a
 * model with alternating updates lists several (DMAN trains its memory-update network on a second loss in a
 * second step), each with its own optimizer state. An auxiliary loss is simply added inside `loss`.
 */
export interface TrainStep {
  readonly name: string;
  /**
   * Whether the step runs in a (1-based) epoch; omitted: in every epoch. A model trained in stages gives each
   * stage its step (NCF: GMF and MLP pre-trained on their own losses, then NeuMF with a fresh optimizer).
   */
  readonly runsIn?: (epoch: number) => boolean;
  variables(): tf.Variable[];
  loss(batch: BatchTensors, training: boolean): StepOutput;
}

/** A model trained by the shared loop: it names its batch kind and what a batch must hold, and its steps. */
export interface TrainableModel extends Model {
  /** A name in the batch-kind registry (train/batches). */
  readonly batchKind: string;
  /** Input width of sequence, window and stream batches (0 for pairs, 1 for transitions). */
  readonly inputLength: number;
  /** Optional fields the batch kind adds only on request (its `optionalFields`), e.g. `input_times`. */
  readonly batchFields?: readonly string[];
  /** Sampled negatives per prediction point (0 when the loss needs none). */
  readonly negativesPerPoint: number;
  /** The loss it trains with (train.loss, 'auto' resolved), for the log. */
  readonly lossName: string;
  variables(): tf.Variable[];
  trainSteps(): readonly TrainStep[];
  /** Models trained on user_stream batches: the state of `rows` fresh lanes (a user's stream starts). */
  initialState?(rows: number): Record<string, tf.Tensor>;
  /** Checks before any training that the config's training choices fit the model (e.g. the loss). */
  checkTraining?(): void;
  /** The state of the model's own random streams during training (dropout), for a resumed run. */
  randomState?(): object;
  resumeRandom?(state: object): void;
  /** Restores saved weights; without `train`, into the weights as they are built (the trainer's best epoch). */
  restore(state: NamedArrays, train?: TrainData): void;
}

export function isTrainable(model: Model): model is TrainableModel {
  return typeof (model as Partial<TrainableModel>).trainSteps === 'function';
}

/** What a model's factory gets: the seed, its typed `model.*` values, and the training choices it owns. */
export interface ModelContext<P> {
  readonly seed: number;
  readonly params: P;
  /** train.loss: 'auto' means the model's own */
  readonly loss: string;
  readonly numNegatives: number;
  /** where the config came from, for error messages */
  readonly source: string;
}

/** The sizes a memory estimate depends on besides the model's own keys (see ModelEntry.memory). */
export interface MemoryShape {
  readonly numUsers: number;
  readonly numItems: number;
  /** train.batch_size: examples (or users, or lanes) per training batch */
  readonly batchSize: number;
  /** eval.batch_size: users scored per batch */
  readonly evalBatchSize: number;
}

/**
 * A model's memory, in float32 values (not bytes): all its weights, and the largest single tensor it makes
 * while training or scoring (a weight matrix, or an activation such as attention [batch, length, length]).
 * The dominant terms are enough: the estimate only has to tell a run that fits from one that cannot.
 */
export interface MemoryNeed {
  readonly parameters: number;
  readonly largestTensor: number;
}

/** One registry line: a model's name, its source, its own config keys (under `model.`), and a factory. */
export interface ModelEntry<K extends Readonly<Record<string, KeySpec>> = Readonly<Record<string, KeySpec>>> {
  readonly name: string;
  readonly title: string;
  readonly paper: string;
  /** keys under `model.` that this model reads, besides `model.name` */
  readonly keys: K;
  /**
   * The model reads the behaviours' times, so a data source whose timestamps are stand-ins is refused: true,
   * or for a model that reads them only under some settings, a function of its keys giving the key (under
   * `model.`) whose value makes it read them, or false where it does not.
   */
  readonly readsTime?: boolean | ((params: ParamsOf<K>) => string | false);
  /**
   * Its recommended search space: config keys (train.* or model.*) with the values to try around its defaults,
   * what `memrec reproduce --tune` searches where the paper states no grid (README, "Tuning").
   */
  readonly searchSpace?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * The model reads the items' text (the token CSR), so a data source without text is refused: true, or a
   * function of its keys giving the key whose value makes it read text (a variant), or false where it does not.
   */
  readonly readsText?: boolean | ((params: ParamsOf<K>) => string | false);
  /** losses the model writes itself, besides the shared ones (offered as train.loss values) */
  readonly ownLosses?: readonly string[];
  /** rules across its keys, checked when the config is resolved; throws a ConfigError naming the key and where(key) */
  check?(params: ParamsOf<K>, where: (key: string) => string): void;
  /** its memory for these keys and data sizes, checked before anything is allocated (without it: a generic guess) */
  memory?(params: ParamsOf<K>, shape: MemoryShape): MemoryNeed;
  create(context: ModelContext<ParamsOf<K>>): Model;
}

/** A registry entry with its keys' types checked against its factory. */
export function modelEntry<K extends Readonly<Record<string, KeySpec>>>(entry: ModelEntry<K>): ModelEntry {
  return entry as unknown as ModelEntry;
}
