import { BACKEND_CHOICES } from '../compute/backend';
import type { SchemaProvider } from '../config/load';
import { bool, int, ints, num, oneOf, prefixed, someOf, str, strs, type Schema } from '../config/spec';
import { checkStepText } from '../data/preprocess/registry';
import { DATA_SOURCES, sourceKeys } from '../data/sources';
import { METRICS } from '../eval/metrics';
import { TIE_POLICIES } from '../eval/ties';
import { LOSSES } from '../models/losses';
import { MODELS } from '../models/registry';
import { SPLIT_METHODS } from '../split/methods';
import { TRAIN_SCHEMA } from '../train/schema';

/** train.loss: the shared losses and every model's own (a model refuses the ones it does not have). */
const LOSS_CHOICES = ['auto', ...LOSSES, ...new Set(Object.values(MODELS).flatMap((entry) => entry.ownLosses ?? []))];

/**
 * The whole config schema, assembled here from the registries (config/ itself knows none of them): the keys
 * every config has, in sections seed, data, split, model, train, eval, output, compute. The chosen data source
 * adds `data.<source>.*` keys and the chosen model its `model.*` keys (see schemaFor).
 */
export const BASE_SCHEMA: Schema = {
  seed: int(42, 'the one seed; named streams (split, sampling, shuffle, init, dropout, synthetic, bootstrap) derive from it', { min: 0 }),
  'data.source': oneOf(Object.keys(DATA_SOURCES), 'synthetic', 'where the interactions come from'),
  'data.preprocess': strs([], 'preprocessing steps applied in order after loading, each `step name=value ...` (see "Preprocessing steps")', checkStepText),
  'data.cache_dir': str('.memrec-cache', 'folder of the binary cache of loaded and preprocessed data, keyed by the raw files\' content and the data keys; empty: no cache'),
  'data.paper_stats': str('', 'a paper\'s dataset statistics to print beside ours, as `<paper>:<dataset>` (an entry of dataset_stats in <paper>.yaml under MEMREC_PAPER_TABLES, default ../shared/paper-tables); set by presets'),
  'split.method': oneOf(Object.keys(SPLIT_METHODS), 'leave_one_out', 'leave_one_out: last item test, second-last validation; ratio_chrono: first train_ratio of each user\'s items train, next valid_ratio validate, rest test; ratio_random: the same shares drawn at random per user'),
  'split.train_ratio': num(0.7, 'share of each user\'s interactions used for training (ratio methods)', { above: 0, max: 1 }),
  'split.valid_ratio': num(0, 'share of each user\'s interactions used for validation (ratio methods)', { min: 0, max: 1 }),
  'split.repeats': int(1, 'independent random splits to run and average (ratio_random only), e.g. MARS\'s five', { min: 1 }),
  'model.name': oneOf(Object.keys(MODELS), 'mostpop', 'the model to train'),
  ...TRAIN_SCHEMA,
  'train.loss': oneOf(LOSS_CHOICES, 'auto', `auto = the model's paper loss; bce and bpr use num_negatives sampled negatives per positive; bpr_max is GRU4Rec's own`),
  'eval.candidates': oneOf(['full', 'sampled'], 'full', 'full: rank all items; sampled: rank the targets among num_negatives sampled items'),
  'eval.num_negatives': int(100, 'negatives per user for sampled evaluation', { min: 1 }),
  'eval.negative_sampler': oneOf(['uniform', 'popularity'], 'uniform', 'how sampled-evaluation negatives are drawn'),
  'eval.exclude_history': bool(true, 'full ranking: remove the items the user had before the targets (MTAM keeps them: false)'),
  'eval.keep_targets': bool(false, 'with exclude_history: a target the user had before stays a candidate (DMAN ranks "the items the user has not interacted with", the target kept); false: a repeated target is removed with the history and cannot be hit'),
  'eval.cutoffs': ints([5, 10, 20], 'list lengths N at which metrics are computed', { min: 1 }),
  'eval.metrics': someOf(Object.keys(METRICS), ['precision', 'recall', 'f1', 'hr', 'ndcg', 'map', 'mrr'], 'metrics to report at every cut-off'),
  'eval.ties': oneOf(TIE_POLICIES, 'index', 'a target tied with other items: index = ranked by item index, lower first (tf.topk\'s order); conservative = below every item with an equal score (GRU4Rec\'s default); expected = the mean rank over the tied block'),
  'eval.batch_size': int(256, 'users scored per batch (does not change the metrics)', { min: 1 }),
  'output.dir': str('results', 'folder that receives one sub-folder per run'),
  'output.name': str('', 'optional label added to the run id'),
  'output.rankings': bool(false, 'also write the test rankings as a TREC run file (rankings.trec) with the truth (test.qrels)'),
  'output.per_user': bool(true, 'write per-user metric values (needed by memrec compare)'),
  'compute.backend': oneOf(BACKEND_CHOICES, 'auto', "TensorFlow.js backend: auto = tensorflow if tfjs-node loads, else webgpu on a GPU (never a software rasteriser), else native (memrec's C++ kernels) if built, else wasm, else cpu"),
};

function modelKeys(name: string): Schema {
  const model = MODELS[name];
  return model ? prefixed('model', model.keys) : {};
}

/** The base schema plus the keys of the model and data source that the given values choose. */
export const schemaProvider: SchemaProvider = {
  schemaFor(given) {
    const modelName = String(given.get('model.name') ?? BASE_SCHEMA['model.name'].default);
    const sourceName = String(given.get('data.source') ?? BASE_SCHEMA['data.source'].default);
    // model.name's choices are read now, so that a model registered after this module loaded counts
    const modelChoice = { ...BASE_SCHEMA['model.name'], allowed: Object.keys(MODELS) };
    return { ...BASE_SCHEMA, 'model.name': modelChoice, ...sourceKeys(sourceName), ...modelKeys(modelName) };
  },
  ownersOf(path) {
    const owners: string[] = [];
    for (const name of Object.keys(MODELS)) if (modelKeys(name)[path]) owners.push(`model ${name}`);
    for (const name of Object.keys(DATA_SOURCES)) if (sourceKeys(name)[path]) owners.push(`data source ${name}`);
    return owners;
  },
  allKeys() {
    const keys = new Set(Object.keys(BASE_SCHEMA));
    for (const name of Object.keys(MODELS)) for (const key of Object.keys(modelKeys(name))) keys.add(key);
    for (const name of Object.keys(DATA_SOURCES)) for (const key of Object.keys(sourceKeys(name))) keys.add(key);
    return [...keys];
  },
};
