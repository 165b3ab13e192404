import type { ResolvedConfig } from '../config/resolved';
import type { Model, ModelEntry } from './model';
import { mostpopEntry } from './baselines/mostpop';
import { ppopEntry } from './baselines/ppop';
import { bprEntry } from './baselines/bpr';
import { fpmcEntry } from './baselines/fpmc';
import { gru4recEntry } from './baselines/gru4rec';
import { sasrecEntry } from './baselines/sasrec';
import { caserEntry } from './baselines/caser';
import { dreamEntry } from './baselines/dream';
import { rumFeatureEntry, rumItemEntry } from './memory/rum';

/** Every model memrec can train, by config name. A new model adds its file and one line here. */
export const MODELS: Readonly<Record<string, ModelEntry>> = Object.fromEntries(
  [mostpopEntry, ppopEntry, bprEntry, fpmcEntry, gru4recEntry, sasrecEntry, caserEntry, dreamEntry, rumItemEntry, rumFeatureEntry].map((entry) => [entry.name, entry]),
);

/** The model that `config` names, built from its typed `model.*` keys, the seed and the training choices. */
export function createModel(config: ResolvedConfig, registry: Readonly<Record<string, ModelEntry>> = MODELS): Model {
  const entry = registry[config.str('model.name')];
  return entry.create({
    seed: config.int('seed'),
    params: config.params('model', entry.keys),
    loss: config.str('train.loss'),
    numNegatives: config.int('train.num_negatives'),
    source: config.source,
  });
}
