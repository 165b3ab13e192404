import * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from '../data/interactions';
import { lengthsOf, rowItemPairs } from '../data/user-lists';
import type { History, Model } from '../models/model';
import type { UserStates } from '../models/user-states';
import type { Progress } from '../util/progress';
import { mean, perUserMetrics, ranksFromRelevance, type MetricAt } from './metrics';
import { TIE_POLICY_TEXT, tiedRank, type TiePolicy } from './ties';

/** How a ranking is evaluated; saved beside every metric so that no number travels without it. */
export interface Protocol {
  candidates: 'full' | 'sampled';
  /** sampled only */
  numNegatives: number;
  sampler: 'uniform' | 'popularity';
  /** full only: the user's earlier (history) items are removed from the ranking */
  excludeHistory: boolean;
  /** with excludeHistory: a target the user had before stays in the ranking (absent: removed like the rest) */
  keepTargets?: true;
  cutoffs: number[];
  /** the tie policy in words (see eval/ties.ts) */
  tiePolicy: string;
}

export const tiePolicyText = (policy: TiePolicy): string => TIE_POLICY_TEXT[policy];

/** A one-line description, e.g. "full ranking over 800 items, history excluded". */
export function describeProtocol(p: Protocol, numItems: number): string {
  const ranking =
    p.candidates === 'full'
      ? `full ranking over ${numItems} items, history ${p.excludeHistory ? `excluded${p.keepTargets ? ' but the targets' : ''}` : 'kept'}`
      : `targets + ${p.numNegatives} ${p.sampler} negatives`;
  return `${ranking}, cut-offs ${p.cutoffs.join(',')}`;
}

export interface EvalRequest {
  model: Model;
  numItems: number;
  /** what the model may condition on, per user */
  history: History;
  /** the items to find, per user; users with none are not evaluated */
  targets: UserLists;
  /** per user (indexed by user): the time of the first target, NaN where unknown; null: no times */
  targetTimes: Float64Array | null;
  ties: TiePolicy;
  /** sampled protocol: each user's candidate items (sorted); null for full ranking */
  candidates: UserLists | null;
  excludeHistory: boolean;
  /** with excludeHistory: the user's targets stay candidates even where they are in the history */
  keepTargets?: boolean;
  metrics: readonly MetricAt[];
  batchSize: number;
  /** also return each user's ranked items and scores (for TREC rankings) */
  keepRankings: boolean;
  progress?: Progress;
}

export interface Rankings {
  /** [users, width] item indices; -1 past the end of a list */
  items: Int32Array;
  scores: Float32Array;
  width: number;
}

export interface EvalResult {
  /** the evaluated users: every user with at least one target, ascending */
  users: Int32Array;
  perUser: Record<string, Float64Array>;
  means: Record<string, number>;
  rankings: Rankings | null;
  /** full ranking with the history excluded (set by the run's evaluation): see targetsInHistory */
  targetsInHistory?: TargetsInHistory & { kept: boolean };
}

/** Of the users' distinct targets, how many were already in the user's history (`of`: all of them). */
export interface TargetsInHistory {
  count: number;
  of: number;
}

/**
 * Counts the distinct (user, target) pairs whose item is also in the user's history. Under full ranking with the
 * history excluded these decide much: kept (eval.keep_targets), each is the only history item left among the
 * candidates; removed, none can be hit. Runs once per evaluation, outside the ranking loop.
 */
export function targetsInHistory(history: UserLists, targets: UserLists): TargetsInHistory {
  const users = usersWithTargets(targets);
  const distinct = distinctTargets(targets, users);
  let count = 0;
  users.forEach((u, b) => {
    const seen = new Set(history.items.subarray(history.offsets[u], history.offsets[u + 1]));
    for (let k = distinct.offsets[b]; k < distinct.offsets[b + 1]; k++) if (seen.has(distinct.items[k])) count++;
  });
  return { count, of: distinct.offsets[users.length] };
}

/** The users that have at least one target. */
export function usersWithTargets(targets: UserLists): Int32Array {
  const numUsers = targets.offsets.length - 1;
  const out: number[] = [];
  for (let u = 0; u < numUsers; u++) if (targets.offsets[u + 1] > targets.offsets[u]) out.push(u);
  return Int32Array.from(out);
}

/** Each user's distinct targets (repeated targets count once in |T_u|), in increasing item order. */
function distinctTargets(targets: UserLists, users: Int32Array): UserLists {
  const lists = Array.from(users, (u) => Int32Array.from(new Set(targets.items.subarray(targets.offsets[u], targets.offsets[u + 1]))).sort());
  const offsets = new Int32Array(users.length + 1);
  lists.forEach((list, b) => (offsets[b + 1] = offsets[b] + list.length));
  const items = new Int32Array(offsets[users.length]);
  lists.forEach((list, b) => items.set(list, offsets[b]));
  return { offsets, items };
}

/** The (row, item) pairs whose item is not among its row's `kept` items. */
function pairsNotKept(pairs: { rows: Int32Array; cols: Int32Array }, kept: UserLists): { rows: Int32Array; cols: Int32Array } {
  const keep = pairs.rows.map((b, k) => {
    const list = kept.items.subarray(kept.offsets[b], kept.offsets[b + 1]);
    return list.includes(pairs.cols[k]) ? 0 : 1;
  });
  return { rows: pairs.rows.filter((_, k) => keep[k] === 1), cols: pairs.cols.filter((_, k) => keep[k] === 1) };
}

/** A batch's lists padded into a [B, width] int32 matrix with `fill` past each list's end (width >= 1). */
function paddedLists(lists: UserLists, users: Int32Array, fill: number): { items: Int32Array; lengths: Int32Array; width: number } {
  const lengths = lengthsOf(lists, users);
  const width = Math.max(1, lengths.reduce((a, b) => Math.max(a, b), 0));
  const items = new Int32Array(users.length * width).fill(fill);
  users.forEach((u, b) => items.set(lists.items.subarray(lists.offsets[u], lists.offsets[u + 1]), b * width));
  return { items, lengths, width };
}

/** Marks padding in a [B, width] list matrix; never equal to an item index nor to the -1 of a cut entry. */
const NO_ITEM = -2;

/**
 * The scores with -Infinity written at every (row, item) of the batch users' lists, which removes those items
 * from the ranking, except row b's `kept` items (row b of `kept` is the batch's row b, not user b). One scatter
 * into a copy of the scores: no dense mask is built.
 */
function withoutListed(scores: tf.Tensor2D, lists: UserLists, users: Int32Array, kept: UserLists | null): tf.Tensor2D {
  const { rows, cols } = kept ? pairsNotKept(rowItemPairs(lists, users), kept) : rowItemPairs(lists, users);
  if (rows.length === 0) return scores;
  const indices = tf.stack([tf.tensor1d(rows, 'int32'), tf.tensor1d(cols, 'int32')], 1) as tf.Tensor2D;
  return tf.tensorScatterUpdate(scores, indices, tf.fill([rows.length], -Infinity));
}

/**
 * out[b][j] = values[b][indices[b][j]] for [B, n] values and [B, k] indices. Written as a flat gather
 * because tfjs-wasm 4.22's GatherV2 with batchDims reads out of bounds.
 */
function gatherRows(values: tf.Tensor2D, indices: tf.Tensor2D): tf.Tensor2D {
  const [rows, width] = values.shape;
  const rowStart = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(width, 'int32')), [rows, 1]);
  const flat = tf.reshape(tf.add(indices, rowStart), [-1]);
  return tf.reshape(tf.gather(tf.reshape(values, [-1]), flat), indices.shape);
}

interface BatchRanking {
  rel: Uint8Array;
  items: Int32Array;
  scores: Float32Array;
  /** ties other than index: per row and target column, the items scored above and equal, and the score */
  counts: { greater: Int32Array; equal: Int32Array; score: Float32Array; width: number } | null;
}

/**
 * For each row and each of its targets (targets [B, T], NO_ITEM padding) the number of ranked items scoring
 * above and equal to it, and its score (-Infinity: not ranked). scores [B, W] with itemOf [B, W] the item of
 * each column (null: column j is item j).
 */
function tieCounts(scores: tf.Tensor2D, itemOf: tf.Tensor2D | null, targets: tf.Tensor2D) {
  const [rows, width] = targets.shape;
  let targetScores: tf.Tensor2D;
  if (itemOf) {
    const same = tf.equal(tf.expandDims(itemOf, 2), tf.expandDims(targets, 1)); // [B, W, T]
    targetScores = tf.max(tf.where(same, tf.tile(tf.expandDims(scores, 2), [1, 1, width]), tf.fill(same.shape, -Infinity)), 1) as tf.Tensor2D;
  } else {
    const valid = tf.notEqual(targets, NO_ITEM);
    const picked = gatherRows(scores, tf.where(valid, targets, tf.zerosLike(targets)) as tf.Tensor2D);
    targetScores = tf.where(valid, picked, tf.fill([rows, width], -Infinity)) as tf.Tensor2D;
  }
  const columns = tf.split(targetScores, width, 1) as tf.Tensor2D[];
  const count = (cmp: (s: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor) => tf.concat(columns.map((t) => tf.sum(tf.cast(cmp(scores, t), 'int32'), 1, true)), 1);
  return { greater: count((s, t) => tf.greater(s, t)), equal: count((s, t) => tf.equal(s, t)), score: targetScores };
}

/**
 * Ranks one batch in tensors: scores (of the candidates only, under the sampled protocol), exclusions, top-k,
 * and the relevance of each ranked item. Entries whose score is -Infinity (excluded, or padding) are cut from
 * the list: relevance 0 and item -1.
 */
/** `distinct`: the batch rows' distinct targets (row b for users[b]). */
async function rankBatch(req: EvalRequest, users: Int32Array, distinct: UserLists, width: number, states: UserStates | null): Promise<BatchRanking> {
  const batchTargets = paddedLists(distinct, Int32Array.from(users.keys()), NO_ITEM);
  const targetTimes = req.targetTimes ? Float64Array.from(users, (u) => (req.targetTimes as Float64Array)[u]) : null;
  const result = tf.tidy((): { rel: tf.Tensor; items: tf.Tensor; scores: tf.Tensor; counts?: ReturnType<typeof tieCounts> } => {
    let itemOf: tf.Tensor2D | null = null;
    let valid: tf.Tensor | null = null;
    if (req.candidates) {
      const padded = paddedLists(req.candidates, users, 0);
      itemOf = tf.tensor2d(padded.items, [users.length, padded.width], 'int32');
      const column = tf.reshape(tf.range(0, padded.width, 1, 'int32'), [1, padded.width]);
      valid = tf.less(column, tf.reshape(tf.tensor1d(padded.lengths, 'int32'), [users.length, 1]));
    }
    const query = { users, history: req.history, targetTimes, candidates: itemOf, states };
    let scores = req.model.score(query);
    if (valid) scores = tf.where(valid, scores, tf.fill(scores.shape, -Infinity));
    else if (req.excludeHistory) scores = withoutListed(scores, req.history.lists, users, req.keepTargets ? distinct : null);
    const k = Math.min(width, scores.shape[1]);
    const top = tf.topk(scores, k);
    const listed = tf.isFinite(top.values);
    const ranked = itemOf ? gatherRows(itemOf, top.indices as tf.Tensor2D) : top.indices;
    const items = tf.where(listed, ranked, tf.fill(ranked.shape, -1, 'int32'));
    // relevance: is the ranked item among the user's (padded) targets? [B, k, 1] == [B, 1, T]
    const targetItems = tf.tensor2d(batchTargets.items, [users.length, batchTargets.width], 'int32');
    const rel = tf.cast(tf.any(tf.equal(tf.expandDims(items, 2), tf.expandDims(targetItems, 1)), 2), 'int32');
    const pad = width - k;
    return {
      rel: pad > 0 ? tf.pad(rel, [[0, 0], [0, pad]]) : rel,
      items: pad > 0 ? tf.pad(items, [[0, 0], [0, pad]], -1) : items,
      scores: pad > 0 ? tf.pad(top.values, [[0, 0], [0, pad]], -Infinity) : top.values,
      ...(req.ties === 'index' ? {} : { counts: tieCounts(scores, itemOf, targetItems) }),
    };
  });
  const out: BatchRanking = {
    rel: Uint8Array.from(await result.rel.data()),
    items: await result.items.data() as Int32Array,
    scores: await result.scores.data() as Float32Array,
    counts: result.counts ? {
      greater: await result.counts.greater.data() as Int32Array,
      equal: await result.counts.equal.data() as Int32Array,
      score: await result.counts.score.data() as Float32Array,
      width: batchTargets.width,
    } : null,
  };
  tf.dispose([result.rel, result.items, result.scores]);
  if (result.counts) tf.dispose([result.counts.greater, result.counts.equal, result.counts.score]);
  return out;
}

/**
 * The rows of ranks (see metrics.ts) of one batch under a tie policy other than index: each target's rank
 * from the counts, sorted per row. `targets` are the batch rows' distinct targets in increasing item order.
 */
function tiedRanks(policy: Exclude<TiePolicy, 'index'>, counts: NonNullable<BatchRanking['counts']>, targets: UserLists, width: number): Float64Array {
  const rows = targets.offsets.length - 1;
  const out = new Float64Array(rows * width).fill(Infinity);
  for (let b = 0; b < rows; b++) {
    const n = targets.offsets[b + 1] - targets.offsets[b];
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      const at = b * counts.width + j;
      const score = counts.score[at];
      if (score === -Infinity || Number.isNaN(score)) continue;
      let tiedAfter = 0;
      for (let i = j + 1; i < n; i++) if (counts.score[b * counts.width + i] === score) tiedAfter++;
      row.push(tiedRank(policy, counts.greater[at], counts.equal[at], tiedAfter));
    }
    row.sort((x, y) => x - y).forEach((rank, j) => (out[b * width + j] = rank));
  }
  return out;
}

/**
 * The order in which users are batched: by history length, ties by user index, so that sequence models can
 * trim the left padding of a batch (SASRec on Amazon Games: most batches become a few positions wide).
 */
function batchingOrder(users: Int32Array, history: UserLists): Int32Array {
  const lengths = lengthsOf(history, users);
  return Int32Array.from(users.keys()).sort((a, b) => lengths[a] - lengths[b] || a - b);
}

/**
 * Evaluates every user with a target, in batches of users. Metrics depend neither on the batch size nor on
 * the batch order: each user's list is computed from that user's row alone. A model with per-user state
 * builds it once here, for every evaluated user, before the first batch.
 */
export async function evaluate(req: EvalRequest): Promise<EvalResult> {
  const users = usersWithTargets(req.targets);
  const width = req.metrics.reduce((w, m) => Math.max(w, m.cutoff), 1);
  const distinct = distinctTargets(req.targets, users);
  const numRelevant = Int32Array.from(users.keys(), (b) => distinct.offsets[b + 1] - distinct.offsets[b]);
  const rankWidth = Math.max(1, numRelevant.reduce((a, b) => Math.max(a, b), 0));
  const ranks = new Float64Array(users.length * rankWidth).fill(Infinity);
  const rankedItems = req.keepRankings ? new Int32Array(users.length * width) : null;
  const rankedScores = req.keepRankings ? new Float32Array(users.length * width) : null;
  const order = batchingOrder(users, req.history.lists);
  const states = req.model.userStates ? req.model.userStates(req.history, users) : null;
  try {
    for (let start = 0; start < users.length; start += req.batchSize) {
      const rows = order.subarray(start, Math.min(users.length, start + req.batchSize));
      const batchUsers = Int32Array.from(rows, (r) => users[r]);
      const batchTargets = distinctTargets(req.targets, batchUsers);
      const ranked = await rankBatch(req, batchUsers, batchTargets, width, states);
      const batchRanks =
        req.ties === 'index' || !ranked.counts
          ? ranksFromRelevance(ranked.rel, width, rankWidth)
          : tiedRanks(req.ties, ranked.counts, batchTargets, rankWidth);
      rows.forEach((row, b) => {
        ranks.set(batchRanks.subarray(b * rankWidth, (b + 1) * rankWidth), row * rankWidth);
        rankedItems?.set(ranked.items.subarray(b * width, (b + 1) * width), row * width);
        rankedScores?.set(ranked.scores.subarray(b * width, (b + 1) * width), row * width);
      });
      req.progress?.tick(rows.length);
    }
  } finally {
    states?.dispose();
  }
  const perUser = perUserMetrics(ranks, rankWidth, numRelevant, req.metrics);
  const means = Object.fromEntries(Object.entries(perUser).map(([key, values]) => [key, mean(values)]));
  const rankings = rankedItems && rankedScores ? { items: rankedItems, scores: rankedScores, width } : null;
  return { users, perUser, means, rankings };
}
