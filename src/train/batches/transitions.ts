import { pointKind } from './point-batch';

/** (user, previous item, item) transitions: every training interaction but each user's first (FPMC). */
export const transitionsKind = pointKind('transitions', 'every training interaction after a user\'s first, with the one item before it as input', 1, () => 1);
