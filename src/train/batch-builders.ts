import type { TrainData } from '../models/model';
import type { Rng } from '../random/streams';
import type { BatchKind, TrainBatch } from './batch';
import type { NegativeSampler } from './negatives';

/**
 * Turns the training part into shuffled mini-batches of one kind. An "example" is what one batch row is
 * built from: a training interaction (pairs, transitions, windows) or a user (sequences).
 */
export class BatchBuilder {
  /** user of each training position */
  private readonly userOf: Int32Array;
  /** index of each training position within its user's sequence */
  private readonly indexInUser: Int32Array;
  readonly examples: Int32Array;

  constructor(
    private readonly train: TrainData,
    readonly kind: BatchKind,
    private readonly inputLength: number,
    private readonly numNegatives: number,
    private readonly sampler: NegativeSampler,
  ) {
    const { offsets } = train.sequences;
    const total = offsets[train.numUsers];
    this.userOf = new Int32Array(total);
    this.indexInUser = new Int32Array(total);
    for (let u = 0; u < train.numUsers; u++) {
      this.userOf.fill(u, offsets[u], offsets[u + 1]);
      for (let p = offsets[u]; p < offsets[u + 1]; p++) this.indexInUser[p] = p - offsets[u];
    }
    this.examples = this.listExamples();
  }

  private listExamples(): Int32Array {
    const { offsets } = this.train.sequences;
    const out: number[] = [];
    if (this.kind === 'sequences') {
      for (let u = 0; u < this.train.numUsers; u++) if (offsets[u + 1] - offsets[u] >= 2) out.push(u);
    } else {
      const minIndex = this.kind === 'pairs' ? 0 : 1;
      for (let p = 0; p < this.userOf.length; p++) if (this.indexInUser[p] >= minIndex) out.push(p);
    }
    return Int32Array.from(out);
  }

  /** The examples in a fresh random order for one epoch. */
  epochOrder(rng: Rng): Int32Array {
    return rng.shuffle(Int32Array.from(this.examples));
  }

  /** Builds the batch for `examples` (a slice of an epoch order). */
  build(examples: Int32Array): TrainBatch {
    return this.kind === 'sequences' ? this.sequenceBatch(examples) : this.pointBatch(examples);
  }

  /** One prediction per example: the interaction at the example's position, with what precedes it. */
  private pointBatch(positions: Int32Array): TrainBatch {
    const size = positions.length;
    const length = this.kind === 'pairs' ? 0 : this.kind === 'transitions' ? 1 : this.inputLength;
    const items = this.train.sequences.items;
    const users = new Int32Array(size);
    const positives = new Int32Array(size);
    const inputs = new Int32Array(size * length);
    for (let b = 0; b < size; b++) {
      const p = positions[b];
      users[b] = this.userOf[p];
      positives[b] = items[p];
      if (length > 0) {
        const available = Math.min(length, this.indexInUser[p]);
        const row = inputs.subarray(b * length, (b + 1) * length);
        row.set(items.subarray(p - available, p), length - available);
        for (let k = length - available; k < length; k++) row[k] += 1;
      }
    }
    return this.finish(users, inputs, length, positives, new Float32Array(size).fill(1), users);
  }

  /**
   * One example per user: the last inputLength + 1 training items; the inputs are all but the last and the
   * positives all but the first (next-item targets at every position), left-padded.
   */
  private sequenceBatch(users: Int32Array): TrainBatch {
    const size = users.length;
    const L = this.inputLength;
    const { offsets, items } = this.train.sequences;
    const inputs = new Int32Array(size * L);
    const positives = new Int32Array(size * L);
    const mask = new Float32Array(size * L);
    const pointUsers = new Int32Array(size * L);
    for (let b = 0; b < size; b++) {
      const u = users[b];
      const end = offsets[u + 1];
      const count = Math.min(L, end - offsets[u] - 1);
      const at = b * L + L - count;
      inputs.set(items.subarray(end - 1 - count, end - 1), at);
      positives.set(items.subarray(end - count, end), at);
      mask.fill(1, at, (b + 1) * L);
      pointUsers.fill(u, b * L, (b + 1) * L);
    }
    for (let k = 0; k < inputs.length; k++) if (mask[k]) inputs[k] += 1;
    return this.finish(users, inputs, L, positives, mask, pointUsers);
  }

  private finish(
    users: Int32Array,
    inputs: Int32Array,
    inputLength: number,
    positives: Int32Array,
    mask: Float32Array,
    pointUsers: Int32Array,
  ): TrainBatch {
    const negatives = new Int32Array(positives.length * this.numNegatives);
    if (this.numNegatives > 0) this.sampler.fill(negatives, pointUsers, this.numNegatives);
    return {
      kind: this.kind,
      size: users.length,
      users,
      inputs,
      inputLength,
      positives,
      mask,
      negatives,
      numNegatives: this.numNegatives,
    };
  }
}
