import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient with tfjs-core (tfjs-core's own registration is ESM-only).
import '@tensorflow/tfjs';
import type { MetricAt } from '../eval/metrics';
import type { BatchTensors } from '../models/batch';
import type { StepOutput, TrainableModel, TrainData, TrainStep } from '../models/model';
import type { NamedArrays } from '../util/named-arrays';
import { Rng, stream, type RngState } from '../random/streams';
import { InterruptedError, RunError } from '../util/errors';
import { Progress } from '../util/progress';
import type { Reporter } from '../util/reporter';
import type { BatchSource, TrainBatch } from './batches/batch';
import { BATCH_KINDS } from './batches/registry';
import { NegativeSampler, type TrainSampler } from './negatives';
import { clipByGlobalNorm, createOptimizer, optimizerState, restoreOptimizer, type Optimizer, type OptimizerName } from './optimizers';
import { earlyStopMetric, type TrainSettings } from './schema';

/** How often (ms) the loop lets the event loop run, so that Ctrl-C is seen within a batch or so. */
const YIELD_EVERY_MS = 100;

/** Everything one training run needs besides the model. */
export interface TrainContext {
  readonly train: TrainData;
  readonly settings: TrainSettings;
  readonly seed: number;
  readonly reporter: Reporter;
  /** for the log: the model's name */
  readonly label: string;
  /** where the config came from, for error messages */
  readonly source: string;
  /**
   * Evaluates the model as it stands on the validation part and returns the mean of `metric`; null when the
   * split has no validation targets. The model never sees the validation items themselves.
   */
  readonly validate: ((metric: MetricAt) => Promise<number>) | null;
  /** With `train.track_test`: the test part's means, for the learning curve in the log. Never used to choose. */
  readonly trackTest?: (() => Promise<Record<string, number>>) | null;
  /** Receives the whole training state after every epoch (the run keeps the latest, for --resume). */
  readonly onEpoch?: (checkpoint: TrainingCheckpoint) => void;
  /** A state from onEpoch to continue from: training goes on with the next epoch, as if never stopped. */
  readonly resumeFrom?: TrainingCheckpoint | null;
  /** Asked between batches: a signal's name when the user asked to stop (Ctrl-C, SIGTERM), else null. */
  readonly stopRequested?: () => string | null;
}

/**
 * Everything training needs to go on after `epoch` exactly as an uninterrupted run would: the weights, each
 * optimizer's slots, the learning rate, early stopping's record, and the state of every random stream that
 * training draws from (the epoch shuffle, the negatives, the model's dropout).
 */
export interface TrainingCheckpoint {
  readonly epoch: number;
  readonly learningRate: number;
  /** optimizer steps (mini-batches) taken so far, which a per-step learning-rate decay counts from */
  readonly steps: number;
  readonly sinceBest: number;
  readonly best: { readonly epoch: number; readonly value: number; readonly weights: NamedArrays } | null;
  readonly weights: NamedArrays;
  readonly optimizers: readonly NamedArrays[];
  readonly random: { readonly shuffle: RngState; readonly sampling: RngState; readonly model: RngState | null };
}

/** A batch's typed arrays as the tensors a model's loss takes (the caller disposes them, e.g. in tf.tidy). */
export function toTensors(batch: TrainBatch, state: Readonly<Record<string, tf.Tensor>> | null = null): BatchTensors {
  const points = batch.positives.length;
  return {
    size: batch.size,
    users: tf.tensor1d(batch.users, 'int32'),
    inputs: batch.inputLength > 0 ? tf.tensor2d(batch.inputs, [batch.size, batch.inputLength], 'int32') : null,
    positives: tf.tensor1d(batch.positives, 'int32'),
    mask: tf.tensor1d(batch.mask),
    negatives: batch.numNegatives > 0 ? tf.tensor2d(batch.negatives, [points, batch.numNegatives], 'int32') : null,
    fields: Object.fromEntries(
      Object.entries(batch.fields).map(([name, field]) => [name, tf.tensor(field.data, [...field.shape], field.data instanceof Int32Array ? 'int32' : 'float32')]),
    ),
    state,
  };
}

/** The loss of a step's output, and the state it carries on (kept outside every tidy), if any. */
function splitOutput(out: StepOutput): { loss: tf.Scalar; state: Record<string, tf.Tensor> | null } {
  if (out instanceof tf.Tensor) return { loss: out, state: null };
  return { loss: out.loss, state: Object.fromEntries(Object.entries(out.state).map(([name, t]) => [name, tf.keep(t.clone())])) };
}

/**
 * One optimisation step: the step's loss plus the L2 penalty on its variables, its gradients, clipping, the
 * update. Returns that objective's value and the state the loss carries on (for stream batches).
 */
function optimise(
  step: TrainStep,
  optimizer: Optimizer,
  t: BatchTensors,
  settings: TrainSettings,
): { value: tf.Scalar; state: Record<string, tf.Tensor> | null } {
  const variables = step.variables();
  let state: Record<string, tf.Tensor> | null = null;
  const objective = (): tf.Scalar => {
    const out = splitOutput(step.loss(t, true));
    state = out.state;
    if (settings.l2 <= 0) return out.loss;
    return tf.add(out.loss, tf.mul(settings.l2, tf.addN(variables.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar;
  };
  const { value, grads } = optimizer.computeGradients(objective, variables);
  optimizer.applyGradients(clipByGlobalNorm(grads, settings.clip_norm));
  return { value, state };
}

/** The per-lane state of user_stream training: fresh rows where `resets` is 1. */
function resetLanes(model: TrainableModel, state: Record<string, tf.Tensor> | null, resets: Uint8Array): Record<string, tf.Tensor> {
  const fresh = (model.initialState as NonNullable<TrainableModel['initialState']>)(resets.length);
  if (!state) return fresh;
  const out = tf.tidy(() =>
    Object.fromEntries(
      Object.entries(state).map(([name, old]) => {
        const shape = [resets.length, ...new Array<number>(old.rank - 1).fill(1)];
        const mask = tf.reshape(tf.greater(tf.tensor1d(Int32Array.from(resets), 'int32'), 0), shape);
        return [name, tf.where(tf.broadcastTo(mask, old.shape), fresh[name], old)];
      }),
    ),
  );
  tf.dispose([...Object.values(state), ...Object.values(fresh)]);
  return out;
}

/**
 * What one training run holds besides the model: the batch source, one optimizer per training step, and the
 * state carried between batches of a stream. `run(batch)` makes one update; it returns the batch's loss
 * (the first step's, which is the model's main loss).
 */
export class TrainingSession {
  readonly source: BatchSource;
  readonly optimizers: Optimizer[];
  readonly sampler: NegativeSampler;
  private readonly steps: readonly TrainStep[];
  private state: Record<string, tf.Tensor> | null = null;

  constructor(
    private readonly model: TrainableModel,
    private readonly settings: TrainSettings,
    train: TrainData,
    seed: number,
  ) {
    model.checkTraining?.();
    const kind = BATCH_KINDS[model.batchKind];
    if (!kind) throw new Error(`model asks for batch kind ${model.batchKind}, which is not registered`);
    const fields = model.batchFields ?? [];
    for (const field of fields) {
      if (!kind.optionalFields?.includes(field)) throw new Error(`model asks for field ${field}, which batch kind ${kind.name} does not offer`);
    }
    const sampler = (this.sampler = new NegativeSampler(
      train.sequences,
      train.numItems,
      settings.negative_sampler as TrainSampler,
      settings.exclude_seen_negatives,
      stream(seed, 'sampling', 'train'),
    ));
    this.source = kind.create(train, {
      inputLength: model.inputLength,
      numNegatives: model.negativesPerPoint,
      sampler,
      fields,
      streamOrder: settings.stream_order as 'shuffled' | 'longest_first',
    });
    this.steps = model.trainSteps();
    this.optimizers = this.steps.map(() =>
      createOptimizer(settings.optimizer as OptimizerName, settings.lr, { beta1: settings.adam_beta1, beta2: settings.adam_beta2 }),
    );
  }

  /**
   * One update on one batch: every training step that runs in `epoch`, in order; every intermediate tensor is
   * freed. Returns the loss of the first step that ran.
   */
  async run(batch: TrainBatch, epoch = 1): Promise<number> {
    if (batch.resets && this.model.initialState) this.state = resetLanes(this.model, this.state, batch.resets);
    const carried = this.state;
    let next: Record<string, tf.Tensor> | null = null;
    const losses = tf.tidy(() => {
      const t = toTensors(batch, carried);
      const running = this.steps.flatMap((step, k) => (!step.runsIn || step.runsIn(epoch) ? [k] : []));
      if (running.length === 0) throw new Error(`no training step of the model runs in epoch ${epoch}`);
      return running.map((k) => {
        const out = optimise(this.steps[k], this.optimizers[k], t, this.settings);
        if (out.state) {
          if (next) tf.dispose(Object.values(next));
          next = out.state;
        }
        return out.value;
      });
    });
    if (next) {
      if (carried) tf.dispose(Object.values(carried));
      this.state = next;
    }
    const value = (await losses[0].data())[0];
    tf.dispose(losses);
    return value;
  }

  /** Forgets the carried state (a new epoch starts every stream afresh). */
  resetState(): void {
    if (this.state) tf.dispose(Object.values(this.state));
    this.state = null;
  }

  scaleLearningRate(factor: number): void {
    for (const optimizer of this.optimizers) optimizer.learningRate *= factor;
  }

  setLearningRate(rate: number): void {
    for (const optimizer of this.optimizers) optimizer.learningRate = rate;
  }

  dispose(): void {
    this.resetState();
    for (const optimizer of this.optimizers) optimizer.dispose();
  }
}

/**
 * The one training loop: epochs of mini-batches from the model's batch kind, an update per batch, a
 * learning-rate decay per epoch (or every `train.lr_decay_steps` updates), validation every `train.eval_every` epochs with early stopping on
 * `train.early_stop_metric`, and the best epoch's weights restored at the end (the last epoch's when nothing
 * was validated). A non-finite loss stops the run.
 */
export async function trainModel(model: TrainableModel, ctx: TrainContext): Promise<void> {
  const { settings, reporter } = ctx;
  const metric = earlyStopMetric(settings.early_stop_metric, ctx.source);
  const session = new TrainingSession(model, settings, ctx.train, ctx.seed);
  let shuffle = stream(ctx.seed, 'shuffle');
  const { epochs, batch_size: batchSize, eval_every: evalEvery, patience, lr_decay_steps: decaySteps } = settings;
  let best: { epoch: number; value: number; state: NamedArrays } | null = null;
  let sinceBest = 0;
  let firstEpoch = 1;
  let steps = 0;
  reporter.info(`training ${ctx.label}: ${session.source.examples} ${session.source.unit} per epoch, loss ${model.lossName}, ${settings.optimizer} lr ${settings.lr}`);
  const resume = ctx.resumeFrom;
  if (resume) {
    model.restore(resume.weights);
    for (const [k, optimizer] of session.optimizers.entries()) await restoreOptimizer(optimizer, resume.optimizers[k]);
    session.setLearningRate(resume.learningRate);
    steps = resume.steps;
    shuffle = Rng.resume(resume.random.shuffle);
    session.sampler.resumeRandom(resume.random.sampling);
    if (resume.random.model) model.resumeRandom?.(resume.random.model);
    best = resume.best && { epoch: resume.best.epoch, value: resume.best.value, state: resume.best.weights };
    sinceBest = resume.sinceBest;
    // a run stopped early by patience has nothing left to train
    firstEpoch = patience > 0 && sinceBest >= patience ? epochs + 1 : resume.epoch + 1;
    reporter.info(`resumed after epoch ${resume.epoch}`);
  }
  let lastYield = Date.now();
  try {
    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const plan = session.source.epoch(shuffle, batchSize);
      const progress = new Progress(reporter, `epoch ${epoch}/${epochs}`, plan.batches, 'batches');
      let lossSum = 0;
      let weightSum = 0;
      session.resetState();
      for (let index = 0; index < plan.batches; index++) {
        if (ctx.stopRequested && Date.now() - lastYield > YIELD_EVERY_MS) {
          // let the event loop run, so that a signal handler can set its flag
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
        const signal = ctx.stopRequested?.();
        if (signal) throw new InterruptedError(signal, `epoch ${epoch}, batch ${index + 1} of ${plan.batches}`);
        const batch = plan.build(index);
        const value = await session.run(batch, epoch);
        steps++;
        // closed form rather than repeated products, so the rate depends on the step count alone
        if (decaySteps > 0 && steps % decaySteps === 0) session.setLearningRate(settings.lr * settings.lr_decay ** (steps / decaySteps));
        if (!Number.isFinite(value)) {
          throw new RunError(
            `epoch ${epoch}, batch ${index + 1}: the loss is ${value}; training stopped (lower train.lr, or check the model's init keys)`,
          );
        }
        lossSum += value * batch.size;
        weightSum += batch.size;
        progress.tick(1, `loss ${(lossSum / weightSum).toFixed(4)}`);
      }
      const seconds = progress.finish(true);
      if (decaySteps === 0) session.scaleLearningRate(settings.lr_decay);
      let stop = false;
      let line = `epoch ${epoch}/${epochs}: loss ${(lossSum / Math.max(1, weightSum)).toFixed(4)}, ${seconds.toFixed(1)} s, ${Math.round(session.source.examples / Math.max(seconds, 1e-9))} ${session.source.unit}/s`;
      if (ctx.validate && evalEvery > 0 && (epoch % evalEvery === 0 || epoch === epochs)) {
        const value = await ctx.validate(metric);
        const improved = best === null || value > best.value;
        if (improved) {
          best = { epoch, value, state: await model.state() };
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        line += `, valid ${metric.key} ${value.toFixed(4)}${improved ? ' (best)' : ''}`;
        if (ctx.trackTest) {
          const means = Object.entries(await ctx.trackTest()).map(([key, mean]) => `${key} ${mean.toFixed(4)}`);
          line += `; test ${means.join(' ')}`;
        }
        reporter.info(line);
        stop = patience > 0 && sinceBest >= patience;
      } else {
        reporter.info(line);
      }
      if (ctx.onEpoch) {
        ctx.onEpoch({
          epoch,
          learningRate: session.optimizers[0].learningRate,
          steps,
          sinceBest,
          best: best && { epoch: best.epoch, value: best.value, weights: best.state },
          weights: await model.state(),
          optimizers: await Promise.all(session.optimizers.map(optimizerState)),
          random: { shuffle: shuffle.state(), sampling: session.sampler.randomState(), model: model.randomState?.() ?? null },
        });
      }
      if (stop) {
        reporter.info(`early stop: no improvement of valid ${metric.key} in ${patience} validations`);
        break;
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
