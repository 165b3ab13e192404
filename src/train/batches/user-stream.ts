import { putShifted } from '../../data/windows';
import type { Rng } from '../../random/streams';
import type { BatchKindEntry, EpochPlan } from './batch';
import { finishBatch } from './batch';

/**
 * Each user's whole training sequence, cut into consecutive windows of T = inputLength next-item predictions
 * (inputs items[i−1], targets items[i]; the last window left-padded), delivered in time order. A batch has
 * batchSize lanes advancing in lockstep: a lane streams one user's windows, then takes the next user of the
 * epoch's order (shuffled, or longest first: `streamOrder`). `resets[lane]` is 1 at a user's first window (and on idle lanes), where the model's
 * carried state must start afresh; at the start of an epoch every lane resets. This is how DMAN carries its
 * memory from window to window (and RUM-F could, without its truncation).
 */
export const userStreamKind: BatchKindEntry = {
  name: 'user_stream',
  doc: 'each user\'s training sequence as consecutive windows of inputLength predictions in time order, batchSize users advancing in lockstep, with `resets` where a lane starts a new user (state carried between windows)',
  create(train, options) {
    const { offsets, items } = train.sequences;
    const T = options.inputLength;
    const streamed: number[] = [];
    let windowsTotal = 0;
    const windowsOf = (u: number) => Math.ceil((offsets[u + 1] - offsets[u] - 1) / T);
    for (let u = 0; u < train.numUsers; u++) {
      if (offsets[u + 1] - offsets[u] < 2) continue;
      streamed.push(u);
      windowsTotal += windowsOf(u);
    }
    const users = Int32Array.from(streamed);

    /** A lane's window `w` of user `u` written at lane `b` of the arrays. */
    const putWindow = (u: number, w: number, b: number, parts: { inputs: Int32Array; positives: Int32Array; mask: Float32Array; pointUsers: Int32Array }) => {
      const first = offsets[u] + 1 + w * T; // position of the window's first target
      const end = Math.min(offsets[u + 1], first + T);
      const count = end - first;
      putShifted(parts.inputs.subarray(b * T, (b + 1) * T), items, first - 1, end - 1);
      parts.positives.set(items.subarray(first, end), (b + 1) * T - count);
      parts.mask.fill(1, (b + 1) * T - count, (b + 1) * T);
      parts.pointUsers.fill(u, b * T, (b + 1) * T);
    };

    const epoch = (rng: Rng, lanes: number): EpochPlan => {
      const shuffled = rng.shuffle(Int32Array.from(users));
      // longest first (a stable sort keeps the shuffled order among equals): the greedy lanes below then end
      // within a window or so of each other, instead of with a few long users running alone
      const order = options.streamOrder === 'longest_first' ? Int32Array.from(Array.from(shuffled).sort((a, b) => windowsOf(b) - windowsOf(a))) : shuffled;
      // schedule: each user goes to the lane that frees first (lowest lane on a tie)
      const free = new Int32Array(lanes);
      const starts = new Int32Array(order.length);
      const laneOf = new Int32Array(order.length);
      for (let k = 0; k < order.length; k++) {
        let lane = 0;
        for (let l = 1; l < lanes; l++) if (free[l] < free[lane]) lane = l;
        laneOf[k] = lane;
        starts[k] = free[lane];
        free[lane] += windowsOf(order[k]);
      }
      const batches = free.reduce((a, b) => Math.max(a, b), 0);
      const active = new Int32Array(batches * lanes).fill(-1); // [batch, lane] → index into order
      for (let k = 0; k < order.length; k++) {
        for (let w = 0; w < windowsOf(order[k]); w++) active[(starts[k] + w) * lanes + laneOf[k]] = k;
      }
      return {
        batches,
        build(index) {
          const parts = {
            users: new Int32Array(lanes),
            inputs: new Int32Array(lanes * T),
            positives: new Int32Array(lanes * T),
            mask: new Float32Array(lanes * T),
            pointUsers: new Int32Array(lanes * T),
          };
          const resets = new Uint8Array(lanes);
          for (let b = 0; b < lanes; b++) {
            const k = active[index * lanes + b];
            if (k < 0) {
              resets[b] = 1;
              continue;
            }
            const w = index - starts[k];
            parts.users[b] = order[k];
            resets[b] = w === 0 ? 1 : 0;
            putWindow(order[k], w, b, parts);
          }
          return finishBatch('user_stream', options, { ...parts, inputLength: T, resets }, parts.pointUsers);
        },
      };
    };
    return { unit: 'windows', examples: windowsTotal, epoch };
  },
};
