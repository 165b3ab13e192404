import * as tf from '@tensorflow/tfjs-core';
import { lastWindowAges } from '../data/windows';
import type { ScoreQuery } from './model';

/**
 * Each step's gap since the previous real step, [B, L], from the ages before the target `scaled` [B, L]
 * (already in the model's time unit) and the step mask `real` [B, L]: age_{s−1} − age_s where both steps are
 * real, 0 for the first real step (it has no previous behaviour) and on padding.
 */
export function stepGaps(scaled: tf.Tensor2D, real: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.relu(tf.sub(previousStep(scaled), scaled)), stepFollows(real)) as tf.Tensor2D);
}

/** 1 where a real step follows a real step, [B, L] (the steps whose gap stepGaps measures), else 0. */
export function stepFollows(real: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(previousStep(real), real) as tf.Tensor2D);
}

/** x shifted one step right along the sequence, a 0 entering first. */
function previousStep(x: tf.Tensor2D): tf.Tensor2D {
  const [batch, length] = x.shape;
  return tf.concat([tf.zeros([batch, 1]), tf.slice(x, [0, 0], [-1, length - 1])], 1);
}

/**
 * The ages [B, length] of each query row's last `length` history items before the time being predicted: the
 * query's target time, or where it has none the last history item's (so the last age is then 0).
 */
export function queryAges(query: ScoreQuery, length: number): tf.Tensor2D {
  const { users } = query;
  const { lists, timestamps } = query.history;
  const reference = Float64Array.from(users, (u, b) => {
    const given = query.targetTimes?.[b];
    if (given !== undefined && Number.isFinite(given)) return given;
    const end = lists.offsets[u + 1];
    return end > lists.offsets[u] ? timestamps[end - 1] : 0;
  });
  return tf.tensor2d(lastWindowAges(lists, timestamps, users, length, reference), [users.length, length]);
}
