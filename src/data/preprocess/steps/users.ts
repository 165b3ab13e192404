import { stream } from '../../../random/streams';
import type { Interactions } from '../../interactions';
import { keepPositions, positionMaskByUser } from '../select';
import { numArg, type PreprocessStep } from '../step';

/** A uniform random subset of round(fraction × users) users, drawn from the seed's split stream. */
export const keepUsers: PreprocessStep = {
  name: 'keep_users',
  doc: "keep a random fraction of the users (or sessions), drawn from the seed's split stream (MTAM's Yoochoose 1/4: fraction=0.25)",
  params: { fraction: { type: 'number', min: 0, max: 1, doc: 'share of users kept' } },
  random: true,
  apply(data, args, { seed, index }) {
    const wanted = Math.round(numArg(args, 'fraction') * data.numUsers);
    const order = stream(seed, 'split', 'keep_users', index).shuffle(Int32Array.from({ length: data.numUsers }, (_, u) => u));
    const chosen = new Uint8Array(data.numUsers);
    for (let k = 0; k < wanted; k++) chosen[order[k]] = 1;
    return keepPositions(data, positionMaskByUser(data, (u) => chosen[u] === 1));
  },
};

/**
 * Cuts each user's sequence into sessions where more than gap_minutes pass between two interactions; each
 * session becomes a user named `<raw user id>#<k>` (k from 1), for session-based protocols on data with users.
 */
export const sessionsAsUsers: PreprocessStep = {
  name: 'sessions_as_users',
  doc: 'cut each user\'s sequence where more than gap_minutes pass between interactions and make every session a user ("<user>#<k>")',
  params: { gap_minutes: { type: 'number', default: 30, min: 0, doc: 'the largest gap inside one session' } },
  apply(data, args): Interactions {
    const gap = numArg(args, 'gap_minutes') * 60;
    const offsets: number[] = [0];
    const userIds: string[] = [];
    for (let u = 0; u < data.numUsers; u++) {
      let session = 1;
      for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
        if (data.timestamps[p] - data.timestamps[p - 1] <= gap) continue;
        offsets.push(p);
        userIds.push(`${data.userIds[u]}#${session++}`);
      }
      if (data.offsets[u + 1] > data.offsets[u]) {
        offsets.push(data.offsets[u + 1]);
        userIds.push(`${data.userIds[u]}#${session}`);
      }
    }
    return { ...data, numUsers: userIds.length, offsets: Int32Array.from(offsets), userIds };
  },
};
