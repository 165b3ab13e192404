import type { ResolvedConfig } from '../config/resolved';
import { DATA_SOURCES } from '../data/sources';
import { MODELS } from '../models/registry';
import { earlyStopMetric } from '../train/schema';
import { ConfigError } from '../util/errors';
import type { ModelEntry } from '../models/model';

/**
 * The rules that involve more than one key, checked where the config is resolved (so `memrec config` and
 * `sweep --dry-run` catch them before any run folder exists): the training and split rules here, and each
 * model's own (its entry's `check`). Each message names where the keys involved were set (a file and line,
 * a --set flag, or the default).
 */
export function checkConsistency(config: ResolvedConfig): void {
  const where = (path: string) => config.whereIs(path);
  earlyStopMetric(config.str('train.early_stop_metric'), where('train.early_stop_metric'));
  if (config.int('train.latest_window') === 1) {
    throw new ConfigError(`${where('train.latest_window')}: train.latest_window: 1 leaves no next-item step in a window; expected 0 (the whole training part) or a window of 2 or more`);
  }
  const method = config.str('split.method');
  if (config.int('split.repeats') > 1 && method !== 'ratio_random') {
    throw new ConfigError(
      `${where('split.repeats')}: split.repeats: ${config.int('split.repeats')} repeats only make sense with split.method ratio_random (got ${method}, from ${where('split.method')})`,
    );
  }
  if (method !== 'leave_one_out' && config.num('split.train_ratio') + config.num('split.valid_ratio') >= 1) {
    throw new ConfigError(
      `${where('split.valid_ratio')}: split.valid_ratio: train_ratio + valid_ratio must be below 1 so that a test part remains (got ${config.num('split.train_ratio')}, from ${where('split.train_ratio')}, + ${config.num('split.valid_ratio')})`,
    );
  }
  const entry = MODELS[config.str('model.name')];
  const params = config.params('model', entry.keys);
  entry.check?.(params, (key) => where(`model.${key}`));
  const source = DATA_SOURCES[config.str('data.source')];
  // the key that makes the model read times: model.name itself, or a switch such as sasrec's model.attention
  const timeKey = typeof entry.readsTime === 'function' ? entry.readsTime(params) : entry.readsTime ? 'name' : false;
  if (timeKey && source.hasTimes && !source.hasTimes(config)) {
    const path = `model.${timeKey}`;
    const reader = timeKey === 'name' ? entry.name : `${entry.name} with ${path} ${String(params[timeKey])}`;
    throw new ConfigError(
      `${where(path)}: ${path}: ${reader} reads the behaviours' times, but data.source ${source.name} (${where('data.source')}) has none (its line numbers stand in); use a source with timestamps`,
    );
  }
  checkText(config, entry, params);
}

const textSources = () => Object.values(DATA_SOURCES).filter((source) => source.dataKeys?.['text.source']).map((source) => source.name);

/**
 * A model that reads item text on a source without any: one line naming the model (or its key that makes
 * it read text) and the key that would give the items text.
 */
function checkText(config: ResolvedConfig, entry: ModelEntry, params: Record<string, unknown>): void {
  const textKey = typeof entry.readsText === 'function' ? entry.readsText(params as never) : entry.readsText ? 'name' : false;
  const source = DATA_SOURCES[config.str('data.source')];
  if (!textKey || source.hasText?.(config)) return;
  const path = `model.${textKey}`;
  const reader = textKey === 'name' ? entry.name : `${entry.name} with ${path} ${String(params[textKey])}`;
  const missing = config.has('data.text.source')
    ? `data.text.source is none (${config.whereIs('data.text.source')}); set data.text.source to one of ${config.schema['data.text.source'].allowed?.filter((kind) => kind !== 'none').join(', ')}`
    : source.name === 'synthetic'
      ? `data.synthetic.tokens_per_item is 0 (${config.whereIs('data.synthetic.tokens_per_item')}); set it to 1 or more`
      : `data.source ${source.name} (${config.whereIs('data.source')}) has no data.text.source; use one that has (${textSources().join(', ')})`;
  throw new ConfigError(`${config.whereIs(path)}: ${path}: ${reader} reads item text, but ${missing}`);
}
