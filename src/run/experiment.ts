import type { ResolvedConfig } from '../config/resolved';
import type { Interactions, UserLists } from '../data/interactions';
import { prepareData } from '../data/pipeline';
import { sampleCandidates, type NegativeSampler } from '../eval/candidates';
import { metricGrid, type MetricAt } from '../eval/metrics';
import { TIE_POLICY, type Protocol } from '../eval/evaluate';
import type { TrainData } from '../models/model';
import { itemCounts } from '../models/baselines/popularity';
import { stream } from '../random/streams';
import { SPLIT_METHODS } from '../split/methods';
import { partItems, type Split, type SplitPart } from '../split/split';
import { ConfigError } from '../util/errors';
import { earlyStopMetric } from '../train/trainer';
import type { Reporter } from '../util/reporter';

/** Checks the rules that involve more than one key. */
export function checkConfigConsistency(config: ResolvedConfig): void {
  earlyStopMetric(config);
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
}

export async function loadData(config: ResolvedConfig, reporter: Reporter): Promise<Interactions> {
  return (await prepareData(config, reporter)).data;
}

/** The protocol and metric grid that the config asks for. */
export function protocolOf(config: ResolvedConfig): { protocol: Protocol; metrics: MetricAt[] } {
  const cutoffs = [...new Set(config.ints('eval.cutoffs'))].sort((a, b) => a - b);
  const protocol: Protocol = {
    candidates: config.str('eval.candidates') as Protocol['candidates'],
    numNegatives: config.int('eval.num_negatives'),
    sampler: config.str('eval.negative_sampler') as NegativeSampler,
    excludeHistory: config.bool('eval.exclude_history'),
    cutoffs,
    tiePolicy: TIE_POLICY,
  };
  return { protocol, metrics: metricGrid(config.strs('eval.metrics'), cutoffs) };
}

/** One split of the data with everything a model may see and everything it is judged on. */
export interface Experiment {
  readonly data: Interactions;
  readonly split: Split;
  readonly repeat: number;
  readonly train: TrainData;
  /** per part: what the model conditions on, and the targets */
  readonly parts: Record<'valid' | 'test', { history: UserLists; targets: UserLists }>;
}

const HISTORY_OF: Record<'valid' | 'test', SplitPart[]> = { valid: ['train'], test: ['train', 'valid'] };

/** Splits the data (repeat `repeat` of the split stream) and builds the training view and the targets. */
export function prepareExperiment(data: Interactions, config: ResolvedConfig, repeat: number): Experiment {
  const rng = stream(config.int('seed'), 'split', `repeat-${repeat}`);
  const split = SPLIT_METHODS[config.str('split.method')](data, config, rng);
  const trainPart = partItems(data, split, ['train']);
  const train: TrainData = {
    numUsers: data.numUsers,
    numItems: data.numItems,
    sequences: trainPart.lists,
    timestamps: trainPart.timestamps,
    itemCategory: data.itemCategory,
    numCategories: data.numCategories,
    itemTokenOffsets: data.itemTokenOffsets,
    itemTokens: data.itemTokens,
    numTokens: data.numTokens,
  };
  const partOf = (part: 'valid' | 'test') => ({
    history: part === 'valid' ? trainPart.lists : partItems(data, split, HISTORY_OF[part]).lists,
    targets: partItems(data, split, [part]).lists,
  });
  return { data, split, repeat, train, parts: { valid: partOf('valid'), test: partOf('test') } };
}

/**
 * Sampled-evaluation candidates for one part, drawn from the `sampling` stream under names of their own,
 * so that neither the model nor its training draws can move them.
 */
export function drawCandidates(exp: Experiment, config: ResolvedConfig, part: 'valid' | 'test'): UserLists {
  const { protocol } = protocolOf(config);
  const rng = stream(config.int('seed'), 'sampling', 'eval-candidates', part, `repeat-${exp.repeat}`);
  return sampleCandidates(exp.data, exp.parts[part].targets, protocol.numNegatives, protocol.sampler, itemCounts(exp.train), rng);
}
