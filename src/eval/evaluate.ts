import * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from '../data/interactions';
import { lengthsOf, rowItemPairs } from '../data/user-lists';
import type { Model } from '../models/model';
import type { Progress } from '../util/progress';
import { mean, perUserMetrics, type MetricAt } from './metrics';

/** How a ranking is evaluated; saved beside every metric so that no number travels without it. */
export interface Protocol {
  candidates: 'full' | 'sampled';
  /** sampled only */
  numNegatives: number;
  sampler: 'uniform' | 'popularity';
  /** full only: the user's earlier (history) items are removed from the ranking */
  excludeHistory: boolean;
  cutoffs: number[];
  tiePolicy: string;
}

export const TIE_POLICY = 'equal scores are ordered by item index, lower first (the order of tf.topk on every backend)';

/** A one-line description, e.g. "full ranking over 800 items, history excluded". */
export function describeProtocol(p: Protocol, numItems: number): string {
  const ranking =
    p.candidates === 'full'
      ? `full ranking over ${numItems} items, history ${p.excludeHistory ? 'excluded' : 'kept'}`
      : `targets + ${p.numNegatives} ${p.sampler} negatives`;
  return `${ranking}, cut-offs ${p.cutoffs.join(',')}`;
}

export interface EvalRequest {
  model: Model;
  numItems: number;
  /** what the model may condition on, per user */
  history: UserLists;
  /** the items to find, per user; users with none are not evaluated */
  targets: UserLists;
  /** sampled protocol: each user's candidate items (sorted); null for full ranking */
  candidates: UserLists | null;
  excludeHistory: boolean;
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
}

/** The users that have at least one target. */
export function usersWithTargets(targets: UserLists): Int32Array {
  const numUsers = targets.offsets.length - 1;
  const out: number[] = [];
  for (let u = 0; u < numUsers; u++) if (targets.offsets[u + 1] > targets.offsets[u]) out.push(u);
  return Int32Array.from(out);
}

/** Distinct targets per user (repeated targets count once in |T_u|). */
function distinctCounts(targets: UserLists, users: Int32Array): Int32Array {
  const out = new Int32Array(users.length);
  users.forEach((u, b) => {
    out[b] = new Set(targets.items.subarray(targets.offsets[u], targets.offsets[u + 1])).size;
  });
  return out;
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
 * from the ranking. One scatter into a copy of the scores: no dense mask is built.
 */
function withoutListed(scores: tf.Tensor2D, lists: UserLists, users: Int32Array): tf.Tensor2D {
  const { rows, cols } = rowItemPairs(lists, users);
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
}

/**
 * Ranks one batch in tensors: scores, exclusions, top-k, and the relevance of each ranked item. Entries
 * whose score is -Infinity (excluded, or padding) are cut from the list: relevance 0 and item -1.
 */
function rankBatch(req: EvalRequest, users: Int32Array, width: number): BatchRanking {
  const result = tf.tidy(() => {
    let scores = req.model.scoreAll(users, req.history);
    let itemOf: tf.Tensor2D | null = null;
    if (req.candidates) {
      const padded = paddedLists(req.candidates, users, 0);
      const candidateItems = tf.tensor2d(padded.items, [users.length, padded.width], 'int32');
      const column = tf.reshape(tf.range(0, padded.width, 1, 'int32'), [1, padded.width]);
      const valid = tf.less(column, tf.reshape(tf.tensor1d(padded.lengths, 'int32'), [users.length, 1]));
      scores = tf.where(valid, gatherRows(scores, candidateItems), tf.fill([users.length, padded.width], -Infinity));
      itemOf = candidateItems;
    } else if (req.excludeHistory) {
      scores = withoutListed(scores, req.history, users);
    }
    const k = Math.min(width, scores.shape[1]);
    const top = tf.topk(scores, k);
    const listed = tf.isFinite(top.values);
    const ranked = itemOf ? gatherRows(itemOf, top.indices as tf.Tensor2D) : top.indices;
    const items = tf.where(listed, ranked, tf.fill(ranked.shape, -1, 'int32'));
    // relevance: is the ranked item among the user's (padded) targets? [B, k, 1] == [B, 1, T]
    const targets = paddedLists(req.targets, users, NO_ITEM);
    const targetItems = tf.tensor3d(targets.items, [users.length, 1, targets.width], 'int32');
    const rel = tf.cast(tf.any(tf.equal(tf.expandDims(items, 2), targetItems), 2), 'int32');
    const pad = width - k;
    return {
      rel: pad > 0 ? tf.pad(rel, [[0, 0], [0, pad]]) : rel,
      items: pad > 0 ? tf.pad(items, [[0, 0], [0, pad]], -1) : items,
      scores: pad > 0 ? tf.pad(top.values, [[0, 0], [0, pad]], -Infinity) : top.values,
    };
  });
  const out = {
    rel: Uint8Array.from(result.rel.dataSync()),
    items: result.items.dataSync() as Int32Array,
    scores: result.scores.dataSync() as Float32Array,
  };
  tf.dispose([result.rel, result.items, result.scores]);
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
 * the batch order: each user's list is computed from that user's row alone.
 */
export function evaluate(req: EvalRequest): EvalResult {
  const users = usersWithTargets(req.targets);
  const width = req.metrics.reduce((w, m) => Math.max(w, m.cutoff), 1);
  const rel = new Uint8Array(users.length * width);
  const rankedItems = req.keepRankings ? new Int32Array(users.length * width) : null;
  const rankedScores = req.keepRankings ? new Float32Array(users.length * width) : null;
  const order = batchingOrder(users, req.history);
  for (let start = 0; start < users.length; start += req.batchSize) {
    const rows = order.subarray(start, Math.min(users.length, start + req.batchSize));
    const ranked = rankBatch(req, Int32Array.from(rows, (r) => users[r]), width);
    rows.forEach((row, b) => {
      const from = b * width;
      rel.set(ranked.rel.subarray(from, from + width), row * width);
      rankedItems?.set(ranked.items.subarray(from, from + width), row * width);
      rankedScores?.set(ranked.scores.subarray(from, from + width), row * width);
    });
    req.progress?.tick(rows.length);
  }
  const perUser = perUserMetrics(rel, width, distinctCounts(req.targets, users), req.metrics);
  const means = Object.fromEntries(Object.entries(perUser).map(([key, values]) => [key, mean(values)]));
  const rankings = rankedItems && rankedScores ? { items: rankedItems, scores: rankedScores, width } : null;
  return { users, perUser, means, rankings };
}
