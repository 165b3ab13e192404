import { bool, int, num, oneOf, prefixed, str, type ParamsOf } from '../config/spec';
import { parseMetricAt, type MetricAt } from '../eval/metrics';
import { ConfigError } from '../util/errors';
import { OPTIMIZERS } from './optimizers';

/**
 * The `train.*` keys, read by the shared training loop (models without training ignore them). train.loss is
 * declared where the whole schema is assembled (src/schema/schema.ts): its values include the models' own
 * losses, and the model reads it, not the loop.
 */
export const TRAIN_KEYS = {
  epochs: int(20, 'passes over the training data', { min: 1 }),
  batch_size: int(128, 'examples per mini-batch (interactions, or users for sequence models, or lanes for stream models)', { min: 1 }),
  optimizer: oneOf(OPTIMIZERS, 'adam', 'the optimizer'),
  lr: num(0.001, 'learning rate', { above: 0 }),
  adam_beta1: num(0.9, 'adam: decay rate of the first-moment estimate', { min: 0, below: 1 }),
  adam_beta2: num(0.999, 'adam: decay rate of the second-moment estimate (SASRec\'s and several memory models\' code use 0.98)', { min: 0, below: 1 }),
  lr_decay: num(1, 'factor applied to the learning rate after every epoch, or every lr_decay_steps steps (1 = constant)', { above: 0, max: 1 }),
  lr_decay_steps: int(0, 'apply lr_decay every this many optimizer steps (mini-batches), the lr after s steps being lr · lr_decay^⌊s/N⌋ (MTAM: 100); 0 = after every epoch', { min: 0 }),
  l2: num(0, 'L2 penalty: l2 * (sum of squared weights) is added to the loss', { min: 0 }),
  clip_norm: num(0, 'clip gradients to this global L2 norm (0 = no clipping)', { min: 0 }),
  num_negatives: int(1, 'sampled negatives per positive (bpr, bce, sampled_softmax, bpr_max)', { min: 1 }),
  negative_sampler: oneOf(['uniform', 'popularity'], 'uniform', 'how training negatives are drawn'),
  exclude_seen_negatives: bool(true, 'never draw a training negative from the user\'s own training items'),
  eval_every: int(1, 'evaluate on the validation part every k epochs (0 = never; then the last epoch is kept)', { min: 0 }),
  early_stop_metric: str('ndcg@10', 'validation metric that selects the best epoch, as metric@N'),
  track_test: bool(false, 'also evaluate the test part at every validation and log it (a learning curve; never used to select the epoch)'),
  patience: int(0, 'stop after this many validations without improvement (0 = run every epoch)', { min: 0 }),
  stream_order: oneOf(
    ['longest_first', 'shuffled'],
    'longest_first',
    "user_stream models (DMAN, HPMN): the order users take the lanes in each epoch. longest_first: by number of windows, longest first (ties in a random order), which keeps every lane busy to the end; shuffled: a random order, so an epoch ends with the few longest users' lanes running alone (near single-user steps; on ML-1M's half it cost DMAN 14 and HPMN 21 HR@50 points, docs/dman-table.md)",
  ),
  latest_window: int(
    0,
    "train on each user's latest window only, the last T interactions of the training part, whatever the model and batch kind (DMAN's '*' baselines; 1 is refused: it leaves no next-item step); scoring is unchanged, the model's usual input from the whole history; 0 = the whole training part",
    { min: 0 },
  ),
};

export type TrainSettings = ParamsOf<typeof TRAIN_KEYS>;

export const TRAIN_SCHEMA = prefixed('train', TRAIN_KEYS);

/** The early-stopping metric of `train.early_stop_metric`. */
export function earlyStopMetric(text: string, source: string): MetricAt {
  const metric = parseMetricAt(text);
  if (!metric) throw new ConfigError(`${source}: train.early_stop_metric: ${JSON.stringify(text)} is not metric@N (e.g. ndcg@10)`);
  return metric;
}
