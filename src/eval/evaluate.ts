import * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from '../data/interactions';
import { countMatrix, lengthsOf } from '../data/user-lists';
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

/** A batch's candidate lists padded into a [B, width] matrix, with a 0/1 mask of real entries. */
function paddedCandidates(candidates: UserLists, users: Int32Array): { items: Int32Array; valid: Float32Array; width: number } {
  const lengths = lengthsOf(candidates, users);
  const width = Math.max(1, lengths.reduce((a, b) => Math.max(a, b), 0));
  const items = new Int32Array(users.length * width);
  const valid = new Float32Array(users.length * width);
  users.forEach((u, b) => {
    items.set(candidates.items.subarray(candidates.offsets[u], candidates.offsets[u + 1]), b * width);
    valid.fill(1, b * width, b * width + lengths[b]);
  });
  return { items, valid, width };
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
    const isTarget = tf.greater(countMatrix(req.targets, users, req.numItems), 0);
    let itemOf: tf.Tensor2D | null = null;
    let targetOf: tf.Tensor2D;
    if (req.candidates) {
      const padded = paddedCandidates(req.candidates, users);
      const candidateItems = tf.tensor2d(padded.items, [users.length, padded.width], 'int32');
      const valid = tf.tensor2d(padded.valid, [users.length, padded.width]);
      scores = tf.where(tf.greater(valid, 0), gatherRows(scores, candidateItems), -Infinity) as tf.Tensor2D;
      itemOf = candidateItems;
      targetOf = gatherRows(tf.cast(isTarget, 'int32') as tf.Tensor2D, candidateItems);
    } else {
      if (req.excludeHistory) {
        const seen = tf.greater(countMatrix(req.history, users, req.numItems), 0);
        scores = tf.where(seen, -Infinity, scores) as tf.Tensor2D;
      }
      targetOf = tf.cast(isTarget, 'int32') as tf.Tensor2D;
    }
    const k = Math.min(width, scores.shape[1]);
    const top = tf.topk(scores, k);
    const listed = tf.isFinite(top.values);
    const rel = tf.mul(gatherRows(targetOf, top.indices as tf.Tensor2D), tf.cast(listed, 'int32'));
    const ranked = itemOf ? gatherRows(itemOf, top.indices as tf.Tensor2D) : top.indices;
    const items = tf.where(listed, ranked, -1);
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
 * Evaluates every user with a target, in batches of users. Metrics do not depend on the batch size: each
 * user's list is computed from that user's row alone.
 */
export function evaluate(req: EvalRequest): EvalResult {
  const users = usersWithTargets(req.targets);
  const width = req.metrics.reduce((w, m) => Math.max(w, m.cutoff), 1);
  const rel = new Uint8Array(users.length * width);
  const rankedItems = req.keepRankings ? new Int32Array(users.length * width) : null;
  const rankedScores = req.keepRankings ? new Float32Array(users.length * width) : null;
  for (let start = 0; start < users.length; start += req.batchSize) {
    const batch = users.subarray(start, Math.min(users.length, start + req.batchSize));
    const ranked = rankBatch(req, batch, width);
    rel.set(ranked.rel, start * width);
    rankedItems?.set(ranked.items, start * width);
    rankedScores?.set(ranked.scores, start * width);
    req.progress?.tick(batch.length);
  }
  const perUser = perUserMetrics(rel, width, distinctCounts(req.targets, users), req.metrics);
  const means = Object.fromEntries(Object.entries(perUser).map(([key, values]) => [key, mean(values)]));
  const rankings = rankedItems && rankedScores ? { items: rankedItems, scores: rankedScores, width } : null;
  return { users, perUser, means, rankings };
}
