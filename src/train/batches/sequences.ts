import { putShifted } from '../../data/windows';
import type { BatchField, BatchKindEntry } from './batch';
import { finishBatch, shuffledEpoch } from './batch';

/**
 * One example per user with at least two training items: the last inputLength + 1 items; the inputs are all
 * but the last and the positives all but the first (a next-item target at every position), left-padded.
 * On request (BatchOptions.fields) it adds `input_times` [B, inputLength]: each input's timestamp minus the
 * example's last input's (≤ 0; 0 on padding), so that a time-aware model reads the gaps between inputs as
 * differences in float32 without losing Unix-second precision.
 */
export const sequencesKind: BatchKindEntry = {
  name: 'sequences',
  doc: 'one example per user: the last inputLength + 1 training items, with a next-item target at every position; on request `input_times`: each input\'s time minus the last input\'s',
  optionalFields: ['input_times'],
  create(train, options) {
    const { offsets, items } = train.sequences;
    const examples: number[] = [];
    for (let u = 0; u < train.numUsers; u++) if (offsets[u + 1] - offsets[u] >= 2) examples.push(u);
    const L = options.inputLength;
    const withTimes = options.fields?.includes('input_times') ?? false;
    const build = (users: Int32Array) => {
      const size = users.length;
      const inputs = new Int32Array(size * L);
      const positives = new Int32Array(size * L);
      const mask = new Float32Array(size * L);
      const pointUsers = new Int32Array(size * L);
      const times = new Float32Array(withTimes ? size * L : 0);
      for (let b = 0; b < size; b++) {
        const u = users[b];
        const end = offsets[u + 1];
        const count = Math.min(L, end - offsets[u] - 1);
        const at = b * L + L - count;
        putShifted(inputs.subarray(b * L, (b + 1) * L), items, end - 1 - count, end - 1);
        positives.set(items.subarray(end - count, end), at);
        mask.fill(1, at, (b + 1) * L);
        pointUsers.fill(u, b * L, (b + 1) * L);
        if (withTimes) for (let k = 0; k < count; k++) times[at + k] = train.timestamps[end - 1 - count + k] - train.timestamps[end - 2];
      }
      const fields: Record<string, BatchField> = withTimes ? { input_times: { data: times, shape: [size, L] } } : {};
      return finishBatch('sequences', options, { users, inputs, inputLength: L, positives, mask, fields }, pointUsers);
    };
    const list = Int32Array.from(examples);
    return { unit: 'sequences', examples: list.length, epoch: (rng, batchSize) => shuffledEpoch(list, rng, batchSize, build) };
  },
};
