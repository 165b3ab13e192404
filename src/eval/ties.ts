/**
 * How a target tied with other items (equal scores) is ranked; saved with the protocol as a sentence.
 *   index         equal scores are ordered by item index, lower first (tf.topk's order on every backend)
 *   conservative  the target ranks below every item with an equal score (GRU4Rec's official default)
 *   expected      the target gets the mean rank of the tied block (fractional; GRU4Rec's "median" mode)
 * Under `conservative`, targets tied with each other keep the index order among themselves, after the tied
 * non-targets; under `expected` each gets the block's mean rank.
 */
export const TIE_POLICIES = ['index', 'conservative', 'expected'] as const;
export type TiePolicy = (typeof TIE_POLICIES)[number];

export const TIE_POLICY_TEXT: Readonly<Record<TiePolicy, string>> = {
  index: 'equal scores are ordered by item index, lower first (the order of tf.topk on every backend)',
  conservative: 'a target ranks below every item with an equal score (GRU4Rec\'s conservative mode)',
  expected: 'a target tied with other items gets the mean rank of the tied block (fractional ranks; GRU4Rec\'s median mode)',
};

/**
 * The 1-based rank of one target under `policy` from counts over the ranked items (exclusions applied):
 * `greater` items score above it, `equal` items (itself included) score the same, and `tiedTargetsAfter` of
 * those are the user's other targets with a higher item index. Not for `index`, whose ranks come from the
 * top-k lists themselves.
 */
export function tiedRank(policy: Exclude<TiePolicy, 'index'>, greater: number, equal: number, tiedTargetsAfter: number): number {
  return policy === 'conservative' ? greater + equal - tiedTargetsAfter : greater + (equal + 1) / 2;
}
