import { pointKind } from './point-batch';

/** (user, item) pairs: every training interaction, no inputs (BPR-MF). */
export const pairsKind = pointKind('pairs', 'every training interaction as a (user, item) example; no item inputs', 0, () => 0);
