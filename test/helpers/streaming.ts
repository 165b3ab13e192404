import * as tf from '@tensorflow/tfjs-core';
import type { History, TrainableModel, TrainData, TrainStep } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import { toTensors, type TrainingSession } from '../../src/train/trainer';

/**
 * A stateful model's logits of `candidates` ([1, C]) at the last position of each user's last training window,
 * with one lane streaming every user's windows in turn and the state carried by `step`'s output (the weights
 * are not updated): what scoring after streaming the same inputs must give. Keyed by user.
 */
export function carriedLastLogits(model: NeuralModel, session: TrainingSession, step: TrainStep, candidates: tf.Tensor2D): Map<number, Float32Array> {
  const plan = session.source.epoch(stream(1, 'shuffle'), 1);
  const lastLogits = new Map<number, Float32Array>();
  let state: Record<string, tf.Tensor> | null = null;
  for (let k = 0; k < plan.batches; k++) {
    const batch = plan.build(k);
    if (batch.resets?.[0] && state) {
      tf.dispose(Object.values(state));
      state = null;
    }
    const t = toTensors(batch, state ?? ((model as TrainableModel).initialState as NonNullable<TrainableModel['initialState']>).call(model, 1));
    const logits = tf.tidy(() => model.logits(t, tf.tile(candidates, [batch.positives.length, 1]) as tf.Tensor2D, false).arraySync());
    lastLogits.set(batch.users[0], Float32Array.from(logits[batch.positives.length - 1]));
    const next = tf.tidy(() => (step.loss(t, true) as { state: Record<string, tf.Tensor> }).state);
    if (state) tf.dispose(Object.values(state));
    state = next;
  }
  if (state) tf.dispose(Object.values(state));
  return lastLogits;
}

/** Each user's training items but the last: the inputs that user_stream training feeds, as a History. */
export function trainingInputs(train: TrainData): History {
  const { offsets, items } = train.sequences;
  const lengths = Array.from({ length: train.numUsers }, (_, u) => Math.max(0, offsets[u + 1] - offsets[u] - 1));
  const histOffsets = Int32Array.from({ length: lengths.length + 1 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const histItems = Int32Array.from(lengths.flatMap((n, u) => Array.from(items.subarray(offsets[u], offsets[u] + n))));
  return { lists: { offsets: histOffsets, items: histItems }, timestamps: new Float64Array(histItems.length) };
}
