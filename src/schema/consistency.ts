import type { ResolvedConfig } from '../config/resolved';
import { MODELS } from '../models/registry';
import { earlyStopMetric } from '../train/schema';
import { ConfigError } from '../util/errors';

/**
 * The rules that involve more than one key, checked where the config is resolved (so `memrec config` and
 * `sweep --dry-run` catch them before any run folder exists): the training and split rules here, and each
 * model's own (its entry's `check`).
 */
export function checkConsistency(config: ResolvedConfig): void {
  earlyStopMetric(config.str('train.early_stop_metric'), config.source);
  const method = config.str('split.method');
  if (config.int('split.repeats') > 1 && method !== 'ratio_random') {
    throw new ConfigError(
      `${config.source}: split.repeats: ${config.int('split.repeats')} repeats only make sense with split.method ratio_random (got ${method})`,
    );
  }
  if (method !== 'leave_one_out' && config.num('split.train_ratio') + config.num('split.valid_ratio') >= 1) {
    throw new ConfigError(
      `${config.source}: split.valid_ratio: train_ratio + valid_ratio must be below 1 so that a test part remains (got ${config.num('split.train_ratio')} + ${config.num('split.valid_ratio')})`,
    );
  }
  const entry = MODELS[config.str('model.name')];
  entry.check?.(config.params('model', entry.keys), config.source);
}
