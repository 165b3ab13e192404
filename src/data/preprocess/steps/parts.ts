import { ratioCounts } from '../../../split/methods';
import { keepPositions } from '../select';
import { numArg, type PreprocessStep } from '../step';

/**
 * Keeps each user's first `share` of interactions, counted exactly as a chronological ratio split with that
 * train_ratio counts its training part (ratioCounts: floor, at least one, and one left over for a user with
 * two or more). Appended after a ratio protocol's own steps, it leaves the protocol's training part only: what
 * `memrec reproduce --tune` tunes on where the protocol has no validation part, so tuning never sees a test item.
 */
export const head: PreprocessStep = {
  name: 'head',
  doc: "keep each user's first share of interactions, as many as ratio splits train on with train_ratio=share (reproduce --tune: a ratio protocol's training part)",
  params: { share: { type: 'number', min: 0, max: 1, doc: 'train_ratio whose training part is kept' } },
  apply(data, args) {
    const share = numArg(args, 'share');
    const keep = new Uint8Array(data.items.length);
    for (let u = 0; u < data.numUsers; u++) {
      const start = data.offsets[u];
      keep.fill(1, start, start + ratioCounts(data.offsets[u + 1] - start, share, 0).train);
    }
    return keepPositions(data, keep);
  },
};
