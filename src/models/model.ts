import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../config/resolved';
import type { Schema } from '../config/spec';
import type { UserLists } from '../data/interactions';
import type { NamedArrays } from '../results/arrays-file';
import type { Reporter } from '../util/reporter';
import type { MetricAt } from '../eval/metrics';

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

export interface FitContext {
  readonly train: TrainData;
  readonly config: ResolvedConfig;
  readonly reporter: Reporter;
  /**
   * Evaluates the model as it stands on the validation part and returns the mean of `metric`; null when the
   * split has no validation targets. The model never sees the validation items themselves.
   */
  readonly validate: ((metric: MetricAt) => number) | null;
  /**
   * With `train.track_test`: the test part's means under the run's protocol and metrics, for the learning
   * curve in the log. Never used to choose anything.
   */
  readonly trackTest?: (() => Record<string, number>) | null;
}

/**
 * A recommender. The trainer and the evaluator know nothing of any particular model: they call these.
 * `history` is what the model may condition on when it predicts: each user's items known before the
 * targets (the training part for validation; training and validation parts for the test).
 */
export interface Model {
  fit(ctx: FitContext): Promise<void>;
  /** Scores of every item for each of `users`: a [users.length, numItems] tensor, higher is better. */
  scoreAll(users: Int32Array, history: UserLists): tf.Tensor2D;
  /** The learned state, for the checkpoint. */
  state(): NamedArrays;
  /** Restores a state written by state(); `train` gives the shapes and side information. */
  restore(state: NamedArrays, train: TrainData): void;
  dispose(): void;
}

/** One registry line: a model's name, its source, its own config keys (under `model.`), and a factory. */
export interface ModelEntry {
  readonly name: string;
  readonly title: string;
  readonly paper: string;
  /** keys under `model.` that this model reads, besides `model.name` */
  readonly keys: Schema;
  create(config: ResolvedConfig): Model;
}
