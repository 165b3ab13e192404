/**
 * What a trainable model learns from, one mini-batch at a time. Every field is built from the training
 * part's typed arrays in one step per batch (see batch-builders.ts); the trainer turns them into tensors.
 *
 * A batch has B examples and P prediction points: P = B for `pairs`, `transitions` and `windows`, and
 * P = B * inputLength for `sequences` (a prediction at every position of each input sequence).
 * Item inputs are shifted by one so that 0 can mean "padding": input value v stands for item v - 1.
 * Targets and negatives are plain item indices.
 */
export type BatchKind = 'pairs' | 'transitions' | 'windows' | 'sequences';

export interface TrainBatch {
  readonly kind: BatchKind;
  readonly size: number;
  readonly users: Int32Array;
  /** [B, inputLength] shifted item inputs, left-padded with 0 (empty for pairs) */
  readonly inputs: Int32Array;
  readonly inputLength: number;
  /** [P] the positive item of each prediction point */
  readonly positives: Int32Array;
  /** [P] 1 for a real prediction point, 0 for padding */
  readonly mask: Float32Array;
  /** [P, numNegatives] sampled negative items */
  readonly negatives: Int32Array;
  readonly numNegatives: number;
}

export const BATCH_KINDS: readonly BatchKind[] = ['pairs', 'transitions', 'windows', 'sequences'];
