import type { ResolvedConfig } from '../../src/config/resolved';
import { DATA_SOURCES } from '../../src/data/sources';
import type { Interactions, UserLists } from '../../src/data/interactions';
import { isTrainable, type History, type Model, type TrainData } from '../../src/models/model';
import { createModel, MODELS } from '../../src/models/registry';
import { evaluateParts } from '../../src/run/evaluate-parts';
import { prepareExperiment, type Experiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { TRAIN_KEYS } from '../../src/train/schema';
import { trainModel, type TrainContext } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';
import * as tf from '@tensorflow/tfjs-core';

/** The registered models trained by the shared loop. */
export function neuralModelNames(): string[] {
  return Object.keys(MODELS).filter((name) => isTrainable(createModel(tinyConfig(name))));
}

/** Small sizes for any model's keys that exist, so that generic tests stay fast. */
const SMALL: Record<string, number | string> = {
  dim: 8,
  embedding_dim: 8,
  max_length: 5,
  num_blocks: 1,
  num_h_filters: 2,
  num_v_filters: 2,
  window: 4,
  slots: 3,
  layers: '[16,8]',
};

/** A config for `name` on tiny synthetic data, with small model sizes and `sets` on top. */
export function tinyConfig(name: string, sets: string[] = []): ResolvedConfig {
  const keys = Object.keys(MODELS[name].keys);
  const small = Object.entries(SMALL)
    .filter(([key]) => keys.includes(key))
    .map(([key, value]) => `model.${key}=${value}`);
  return loadConfig(null, [
    `model.name=${name}`,
    'data.synthetic.num_users=40',
    'data.synthetic.num_items=50',
    'data.synthetic.min_length=6',
    'data.synthetic.max_length=12',
    'train.batch_size=32',
    ...small,
    ...sets,
  ]);
}

/** A History from lists alone (timestamps 0), for models that do not read time. */
export function historyOf(lists: UserLists | History): History {
  return 'lists' in lists ? lists : { lists, timestamps: new Float64Array(lists.items.length) };
}

/** Every item's scores for `users` (a tensor the caller disposes). */
export function scoreAll(model: Model, users: Int32Array, history: UserLists | History): tf.Tensor2D {
  return model.score({ users, history: historyOf(history), targetTimes: null, candidates: null, states: null });
}

/** Scores of each row's candidates ([users.length, C] item indices). */
export function scoreCandidates(model: Model, users: Int32Array, history: UserLists | History, candidates: Int32Array, width: number): tf.Tensor2D {
  return tf.tidy(() => {
    const items = tf.tensor2d(candidates, [users.length, width], 'int32');
    return model.score({ users, history: historyOf(history), targetTimes: null, candidates: items, states: null });
  });
}

/** The run's path for one model: init on the training part, then the training loop when it is trainable. */
export async function fitModel(
  model: Model,
  train: TrainData,
  config: ResolvedConfig,
  options: { reporter?: Reporter; validate?: TrainContext['validate'] } = {},
): Promise<void> {
  model.init(train);
  if (!isTrainable(model)) return;
  await trainModel(model, {
    train,
    settings: config.params('train', TRAIN_KEYS),
    seed: config.int('seed'),
    reporter: options.reporter ?? new Reporter(true),
    label: config.str('model.name'),
    source: config.source,
    validate: options.validate ?? null,
  });
}

/** The config's synthetic data, split, and the config's model trained on it. */
export async function trainedOn(config: ResolvedConfig, options: { validate?: TrainContext['validate'] } = {}): Promise<{ model: Model; exp: Experiment; reporter: Reporter }> {
  const reporter = new Reporter(true);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config);
  await fitModel(model, exp.train, config, { reporter, validate: options.validate });
  return { model, exp, reporter };
}

/** The config's model trained on `data` (split by the config) and its test part's means, as a run evaluates them. */
export async function testMeans(data: Interactions, config: ResolvedConfig, reporter: Reporter): Promise<Record<string, number>> {
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config);
  await fitModel(model, exp.train, config, { reporter });
  const results = await evaluateParts(model, exp, config, reporter, () => null, false);
  model.dispose();
  return results.test!.means;
}
