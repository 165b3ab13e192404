import { bool, int, num, oneOf, str, type Schema } from '../config/spec';
import { LOSSES } from './losses';
import { OPTIMIZERS } from './optimizers';

/** The `train.*` keys, read by the shared training loop (models without training ignore them). */
export const TRAIN_SCHEMA: Schema = {
  'train.epochs': int(20, 'passes over the training data', { min: 1 }),
  'train.batch_size': int(128, 'examples per mini-batch (interactions, or users for sequence models)', { min: 1 }),
  'train.optimizer': oneOf(OPTIMIZERS, 'adam', 'the optimizer'),
  'train.lr': num(0.001, 'learning rate', { above: 0 }),
  'train.adam_beta1': num(0.9, 'adam: decay rate of the first-moment estimate', { min: 0, below: 1 }),
  'train.adam_beta2': num(0.999, 'adam: decay rate of the second-moment estimate (SASRec\'s and several memory models\' code use 0.98)', { min: 0, below: 1 }),
  'train.lr_decay': num(1, 'factor applied to the learning rate after every epoch (1 = constant)', { above: 0, max: 1 }),
  'train.l2': num(0, 'L2 penalty: l2 * (sum of squared weights) is added to the loss', { min: 0 }),
  'train.clip_norm': num(0, 'clip gradients to this global L2 norm (0 = no clipping)', { min: 0 }),
  'train.loss': oneOf(['auto', ...LOSSES], 'auto', 'auto = the model\'s paper loss; bce and bpr use num_negatives sampled negatives per positive'),
  'train.num_negatives': int(1, 'sampled negatives per positive (bpr, bce, sampled_softmax)', { min: 1 }),
  'train.negative_sampler': oneOf(['uniform', 'popularity'], 'uniform', 'how training negatives are drawn'),
  'train.exclude_seen_negatives': bool(true, 'never draw a training negative from the user\'s own training items'),
  'train.eval_every': int(1, 'evaluate on the validation part every k epochs (0 = never; then the last epoch is kept)', { min: 0 }),
  'train.early_stop_metric': str('ndcg@10', 'validation metric that selects the best epoch, as metric@N'),
  'train.track_test': bool(false, 'also evaluate the test part at every validation and log it (a learning curve; never used to select the epoch)'),
  'train.patience': int(0, 'stop after this many validations without improvement (0 = run every epoch)', { min: 0 }),
};
