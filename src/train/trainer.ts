import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient with tfjs-core (tfjs-core's own registration is ESM-only).
import '@tensorflow/tfjs';
import type { ResolvedConfig } from '../config/resolved';
import { parseMetricAt, type MetricAt } from '../eval/metrics';
import type { FitContext, TrainData } from '../models/model';
import type { BatchTensors, NeuralModel } from '../models/neural-model';
import type { NamedArrays } from '../results/arrays-file';
import { stream } from '../random/streams';
import { ConfigError } from '../util/errors';
import { Progress } from '../util/progress';
import type { TrainBatch } from './batch';
import { BatchBuilder } from './batch-builders';
import { lossOf, type LossName } from './losses';
import { NegativeSampler, type TrainSampler } from './negatives';
import { clipByGlobalNorm, createOptimizer, type Optimizer, type OptimizerName } from './optimizers';

/** The early-stopping metric, checked when the config is loaded. */
export function earlyStopMetric(config: ResolvedConfig): MetricAt {
  const text = config.str('train.early_stop_metric');
  const metric = parseMetricAt(text);
  if (!metric) {
    throw new ConfigError(`${config.source}: train.early_stop_metric: ${JSON.stringify(text)} is not metric@N (e.g. ndcg@10)`);
  }
  return metric;
}

/** The loss the config asks for, resolved against the model's own (auto). */
export function lossFor(model: NeuralModel, config: ResolvedConfig): LossName {
  const chosen = config.str('train.loss');
  const loss = chosen === 'auto' ? model.defaultLoss : (chosen as LossName);
  if (loss === 'full_softmax' && !model.fullLogits) {
    throw new ConfigError(`${config.source}: train.loss: full_softmax is not available for model ${config.str('model.name')}`);
  }
  return loss;
}

/** A batch's typed arrays as the tensors a model's logits take (the caller disposes them, e.g. in tf.tidy). */
export function toTensors(batch: TrainBatch): BatchTensors {
  return {
    size: batch.size,
    users: tf.tensor1d(batch.users, 'int32'),
    inputs: batch.inputLength > 0 ? tf.tensor2d(batch.inputs, [batch.size, batch.inputLength], 'int32') : null,
    positives: tf.tensor1d(batch.positives, 'int32'),
    mask: tf.tensor1d(batch.mask),
  };
}

/** One optimisation step on one batch; returns the batch's loss. Every intermediate tensor is freed. */
/**
 * The model's loss on one batch, before any L2 penalty: the logits of the positive (column 0) and the batch's
 * negatives, or of every item for full_softmax. Call inside tf.tidy (or a gradient function).
 */
export function batchLoss(model: NeuralModel, batch: TrainBatch, t: BatchTensors, loss: LossName, training: boolean): tf.Scalar {
  if (loss === 'full_softmax') {
    return lossOf(loss, (model.fullLogits as NonNullable<NeuralModel['fullLogits']>)(t, training), t.mask, t.positives);
  }
  const negatives = tf.tensor2d(batch.negatives, [batch.positives.length, batch.numNegatives], 'int32');
  const items = tf.concat([tf.expandDims(t.positives, 1), negatives], 1) as tf.Tensor2D;
  return lossOf(loss, model.logits(t, items, training), t.mask);
}

function step(model: NeuralModel, batch: TrainBatch, loss: LossName, optimizer: Optimizer, config: ResolvedConfig): number {
  const l2 = config.num('train.l2');
  const variables = model.variables();
  const value = tf.tidy(() => {
    const t = toTensors(batch);
    const objective = (): tf.Scalar => {
      const value = batchLoss(model, batch, t, loss, true);
      if (l2 <= 0) return value;
      return tf.add(value, tf.mul(l2, tf.addN(variables.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar;
    };
    const { value: lossValue, grads } = optimizer.computeGradients(objective, variables);
    optimizer.applyGradients(clipByGlobalNorm(grads, config.num('train.clip_norm')));
    return lossValue;
  });
  const out = value.dataSync()[0];
  value.dispose();
  return out;
}

/**
 * What one training run needs besides the model: the batch builder (with its negative sampler), the
 * optimizer and the loss. `step` runs one optimisation step on one batch.
 */
export class TrainingSession {
  readonly builder: BatchBuilder;
  readonly loss: LossName;
  readonly optimizer: Optimizer;

  constructor(
    private readonly model: NeuralModel,
    private readonly config: ResolvedConfig,
    train: TrainData,
  ) {
    const seed = config.int('seed');
    this.loss = lossFor(model, config);
    const numNegatives = this.loss === 'full_softmax' ? 0 : config.int('train.num_negatives');
    const sampler = new NegativeSampler(
      train.sequences,
      train.numItems,
      config.str('train.negative_sampler') as TrainSampler,
      config.bool('train.exclude_seen_negatives'),
      stream(seed, 'sampling', 'train'),
    );
    this.builder = new BatchBuilder(train, model.batchKind, model.inputLength, numNegatives, sampler);
    this.optimizer = createOptimizer(config.str('train.optimizer') as OptimizerName, config.num('train.lr'), {
      beta1: config.num('train.adam_beta1'),
      beta2: config.num('train.adam_beta2'),
    });
  }

  /** One optimisation step on one batch; returns the batch's loss. Every intermediate tensor is freed. */
  step(batch: TrainBatch): number {
    return step(this.model, batch, this.loss, this.optimizer, this.config);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * The one training loop: epochs of shuffled mini-batches, an optimizer step per batch, a learning-rate decay
 * per epoch, validation every `train.eval_every` epochs with early stopping on `train.early_stop_metric`, and
 * the best epoch's weights restored at the end (the last epoch's when nothing was validated).
 */
export async function trainModel(model: NeuralModel, ctx: FitContext): Promise<void> {
  const { config, train, reporter } = ctx;
  const metric = earlyStopMetric(config);
  const session = new TrainingSession(model, config, train);
  const { builder, loss, optimizer } = session;
  const shuffle = stream(config.int('seed'), 'shuffle');
  const epochs = config.int('train.epochs');
  const batchSize = config.int('train.batch_size');
  const evalEvery = config.int('train.eval_every');
  const patience = config.int('train.patience');
  let best: { epoch: number; value: number; state: NamedArrays } | null = null;
  let sinceBest = 0;
  reporter.info(`training ${config.str('model.name')}: ${builder.examples.length} ${builder.kind === 'sequences' ? 'sequences' : 'examples'} per epoch, loss ${loss}, ${config.str('train.optimizer')} lr ${config.num('train.lr')}`);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = builder.epochOrder(shuffle);
      const batches = Math.ceil(order.length / batchSize);
      const progress = new Progress(reporter, `epoch ${epoch}/${epochs}`, batches, 'batches');
      let lossSum = 0;
      let weightSum = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = builder.build(order.subarray(start, Math.min(order.length, start + batchSize)));
        const value = session.step(batch);
        lossSum += value * batch.size;
        weightSum += batch.size;
        progress.tick(1, `loss ${(lossSum / weightSum).toFixed(4)}`);
      }
      const seconds = progress.finish(true);
      optimizer.learningRate *= config.num('train.lr_decay');
      let line = `epoch ${epoch}/${epochs}: loss ${(lossSum / Math.max(1, weightSum)).toFixed(4)}, ${seconds.toFixed(1)} s, ${Math.round(order.length / Math.max(seconds, 1e-9))} examples/s`;
      if (ctx.validate && evalEvery > 0 && (epoch % evalEvery === 0 || epoch === epochs)) {
        const value = ctx.validate(metric);
        const improved = best === null || value > best.value;
        if (improved) {
          best = { epoch, value, state: model.state() };
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        line += `, valid ${metric.key} ${value.toFixed(4)}${improved ? ' (best)' : ''}`;
        if (ctx.trackTest) {
          const means = Object.entries(ctx.trackTest()).map(([key, mean]) => `${key} ${mean.toFixed(4)}`);
          line += `; test ${means.join(' ')}`;
        }
        reporter.info(line);
        if (patience > 0 && sinceBest >= patience) {
          reporter.info(`early stop: no improvement of valid ${metric.key} in ${patience} validations`);
          break;
        }
      } else {
        reporter.info(line);
      }
    }
  } finally {
    session.dispose();
  }
  if (best) {
    model.restore(best.state);
    reporter.info(`kept epoch ${best.epoch} (valid ${metric.key} ${best.value.toFixed(4)})`);
  }
}
