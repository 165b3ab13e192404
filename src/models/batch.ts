import type * as tf from '@tensorflow/tfjs-core';

/**
 * A training batch as tensors, as a model's loss receives it (the trainer builds it from a TrainBatch of
 * typed arrays). B examples (lanes, for user_stream batches) and P prediction points: P = B for pairs,
 * transitions, windows and prefixes, P = B * inputLength for sequences and user_stream.
 */
export interface BatchTensors {
  readonly size: number;
  /** [B] the user of each example */
  readonly users: tf.Tensor1D;
  /** [B, inputLength] shifted item inputs (item + 1, 0 = padding, see data/windows.ts); null for pairs */
  readonly inputs: tf.Tensor2D | null;
  /** [P] the positive item of each prediction point */
  readonly positives: tf.Tensor1D;
  /** [P] 1 at a real prediction point, 0 at padding */
  readonly mask: tf.Tensor1D;
  /** [P, n] sampled negative items; null when the model asked for none */
  readonly negatives: tf.Tensor2D | null;
  /** whatever else the batch kind adds (e.g. `input_ages` of prefixes), under the builder's names */
  readonly fields: Readonly<Record<string, tf.Tensor>>;
  /** user_stream batches: each lane's state carried from the window before (fresh where a stream starts) */
  readonly state: Readonly<Record<string, tf.Tensor>> | null;
}
