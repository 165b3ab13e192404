import type { TrainData } from '../../models/model';
import type { Rng } from '../../random/streams';
import type { NegativeSampler } from '../negatives';

/** A numeric array a batch kind adds for its models; the trainer turns it into a tensor of the same name. */
export interface BatchField {
  readonly data: Int32Array | Float32Array;
  readonly shape: readonly number[];
}

/**
 * One mini-batch as typed arrays, built in one step from the training part (the trainer turns it into
 * BatchTensors). B examples and P prediction points (see models/batch.ts). Item inputs follow data/windows.ts
 * (item + 1, 0 = padding, left-padded); targets and negatives are plain item indices. An open record: a batch
 * kind may add `fields` (timestamps, gaps, categories, ...) without any change to the others or the trainer.
 */
export interface TrainBatch {
  readonly kind: string;
  readonly size: number;
  readonly users: Int32Array;
  /** [B, inputLength] shifted item inputs (empty for pairs) */
  readonly inputs: Int32Array;
  readonly inputLength: number;
  /** [P] the positive item of each prediction point */
  readonly positives: Int32Array;
  /** [P] 1 for a real prediction point, 0 for padding */
  readonly mask: Float32Array;
  /** [P, numNegatives] sampled negative items */
  readonly negatives: Int32Array;
  readonly numNegatives: number;
  readonly fields: Readonly<Record<string, BatchField>>;
  /** batches of per-user streams: [B] 1 where a lane starts a user's stream, whose state must start afresh */
  readonly resets: Uint8Array | null;
}

/** The batches of one epoch: their number is known before the first is built; build them in order. */
export interface EpochPlan {
  readonly batches: number;
  build(index: number): TrainBatch;
}

/** A batch kind bound to one training part: what it calls an example, how many there are, its epochs. */
export interface BatchSource {
  /** what one example is, for the log ("examples", "sequences", "windows") */
  readonly unit: string;
  readonly examples: number;
  /** a fresh epoch: the example order (and any schedule) drawn from `rng` now, batches built on demand */
  epoch(rng: Rng, batchSize: number): EpochPlan;
}

export interface BatchOptions {
  /** input width (max_length, the window T, ...); 0 for pairs */
  readonly inputLength: number;
  readonly numNegatives: number;
  readonly sampler: NegativeSampler;
  /** optional fields the model asked for (TrainableModel.batchFields), each among the kind's optionalFields */
  readonly fields?: readonly string[];
  /** user_stream: the order users take the lanes in (train.stream_order; absent: shuffled) */
  readonly streamOrder?: 'shuffled' | 'longest_first';
}

/** One registry line: a batch kind's name, what it delivers, and its factory. */
export interface BatchKindEntry {
  readonly name: string;
  readonly doc: string;
  /** fields the kind adds only when the model asks for them (BatchOptions.fields) */
  readonly optionalFields?: readonly string[];
  create(train: TrainData, options: BatchOptions): BatchSource;
}

/** Completes a batch: draws the negatives of every prediction point (for the user of that point). */
export function finishBatch(
  kind: string,
  options: BatchOptions,
  parts: Omit<TrainBatch, 'kind' | 'size' | 'negatives' | 'numNegatives' | 'fields' | 'resets'> & Partial<Pick<TrainBatch, 'fields' | 'resets'>>,
  pointUsers: Int32Array,
): TrainBatch {
  const { numNegatives, sampler } = options;
  const negatives = new Int32Array(parts.positives.length * numNegatives);
  if (numNegatives > 0) sampler.fill(negatives, pointUsers, numNegatives);
  return {
    kind,
    size: parts.users.length,
    users: parts.users,
    inputs: parts.inputs,
    inputLength: parts.inputLength,
    positives: parts.positives,
    mask: parts.mask,
    negatives,
    numNegatives,
    fields: parts.fields ?? {},
    resets: parts.resets ?? null,
  };
}

/** The epoch of a kind whose examples are shuffled and cut into consecutive batches. */
export function shuffledEpoch(examples: Int32Array, rng: Rng, batchSize: number, build: (slice: Int32Array) => TrainBatch): EpochPlan {
  const order = rng.shuffle(Int32Array.from(examples));
  return {
    batches: Math.ceil(order.length / batchSize),
    build: (index) => build(order.subarray(index * batchSize, Math.min(order.length, (index + 1) * batchSize))),
  };
}
