import { pointKind } from './point-batch';

/** Every training interaction after a user's first, with the inputLength items before it (Caser, RUM-I). */
export const windowsKind = pointKind(
  'windows',
  'every training interaction after a user\'s first, with the inputLength items before it as input (left-padded)',
  1,
  (inputLength) => inputLength,
);
