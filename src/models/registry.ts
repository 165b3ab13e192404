import type { ResolvedConfig } from '../config/resolved';
import type { Model, ModelEntry } from './model';
import { mostpopEntry } from './baselines/mostpop';
import { ppopEntry } from './baselines/ppop';
import { bprEntry } from './baselines/bpr';
import { fpmcEntry } from './baselines/fpmc';
import { gru4recEntry } from './baselines/gru4rec';
import { sasrecEntry } from './baselines/sasrec';
import { tisasrecEntry } from './baselines/tisasrec';
import { caserEntry } from './baselines/caser';
import { dreamEntry } from './baselines/dream';
import { narmEntry } from './baselines/narm';
import { stampEntry } from './baselines/stamp';
import { shanEntry } from './baselines/shan';
import { sdmEntry } from './baselines/sdm';
import { rumFeatureEntry, rumItemEntry } from './memory/rum';
import { mtamEntry, tgruEntry, tseqrecEntry } from './memory/mtam';
import { dmanEntry } from './memory/dman/dman';
import { cmfEntry } from './baselines/cmf';
import { ctrEntry } from './baselines/ctr';
import { cdlEntry } from './baselines/cdl';
import { hpmnEntry } from './memory/hpmn';
import { ncfEntry } from './baselines/ncf';
import { deepfmEntry } from './baselines/deepfm';
import { wideDeepEntry } from './baselines/wide-deep';
import { marsEntry } from './memory/mars';

const registered: Record<string, ModelEntry> = {};

/**
 * Adds a model to the registry (a test's or a plug-in's model; memrec's own are the list below). The config's
 * `model.name` accepts it from then on.
 */
export function registerModel(entry: ModelEntry): void {
  if (registered[entry.name]) throw new Error(`model ${entry.name} is registered twice`);
  registered[entry.name] = entry;
}

/** Every model memrec can train, by config name. A new model adds its file and one line here. */
[mostpopEntry, ppopEntry, bprEntry, fpmcEntry, gru4recEntry, sasrecEntry, tisasrecEntry, caserEntry, dreamEntry, rumItemEntry, rumFeatureEntry, tgruEntry, tseqrecEntry, mtamEntry, narmEntry, stampEntry, dmanEntry, shanEntry, sdmEntry, cmfEntry, ctrEntry, cdlEntry, hpmnEntry, ncfEntry, deepfmEntry, wideDeepEntry, marsEntry].forEach(registerModel);

export const MODELS: Readonly<Record<string, ModelEntry>> = registered;

/** The model that `config` names, built from its typed `model.*` keys, the seed and the training choices. */
export function createModel(config: ResolvedConfig): Model {
  const entry = MODELS[config.str('model.name')];
  return entry.create({
    seed: config.int('seed'),
    params: config.params('model', entry.keys),
    loss: config.str('train.loss'),
    numNegatives: config.int('train.num_negatives'),
    source: config.source,
  });
}
