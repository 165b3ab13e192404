import type { ResolvedConfig } from '../config/resolved';
import type { Interactions, UserLists } from '../data/interactions';
import { latestOfEach } from '../data/user-lists';
import { itemCounts } from '../data/item-counts';
import { prepareData } from '../data/pipeline';
import { sampleCandidates, type NegativeSampler } from '../eval/candidates';
import { checkCutoffs } from '../eval/cutoff-check';
import { tiePolicyText, type Protocol } from '../eval/evaluate';
import { metricGrid, type MetricAt } from '../eval/metrics';
import type { TiePolicy } from '../eval/ties';
import type { History, TrainData } from '../models/model';
import { stream } from '../random/streams';
import { SPLIT_METHODS } from '../split/methods';
import { partItems, type Split, type SplitPart } from '../split/split';
import { ConfigError } from '../util/errors';
import type { Reporter } from '../util/reporter';

/**
 * The config's data (through the cache), with the count of malformed rows left out of it, after checking
 * what needs the data to check, before any run folder exists: the cut-offs against the catalogue, and the
 * sampled protocol's negatives against what every user leaves to draw from.
 */
export async function loadData(config: ResolvedConfig, reporter: Reporter): Promise<{ data: Interactions; badRows: number }> {
  const { data, badRows } = await prepareData(config, reporter);
  checkCutoffs(config.ints('eval.cutoffs'), data.numItems, config.whereIs('eval.cutoffs'));
  if (config.str('eval.candidates') === 'sampled') {
    const asked = config.int('eval.num_negatives');
    const most = mostItemsOfOneUser(data);
    if (asked > data.numItems - most) {
      throw new ConfigError(
        `${config.whereIs('eval.num_negatives')}: eval.num_negatives: ${asked} negatives asked, but a user has touched ${most} of the ${data.numItems} items, which leaves ${data.numItems - most} to draw from`,
      );
    }
  }
  return { data, badRows };
}

/** The most distinct items any one user has (one pass, a last-seen mark per item). */
function mostItemsOfOneUser(data: Interactions): number {
  const mark = new Int32Array(data.numItems).fill(-1);
  let most = 0;
  for (let u = 0; u < data.numUsers; u++) {
    let count = 0;
    for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) {
      if (mark[data.items[p]] !== u) {
        mark[data.items[p]] = u;
        count++;
      }
    }
    most = Math.max(most, count);
  }
  return most;
}

/** The protocol and metric grid that the config asks for. */
export function protocolOf(config: ResolvedConfig): { protocol: Protocol; metrics: MetricAt[]; ties: TiePolicy } {
  const cutoffs = [...new Set(config.ints('eval.cutoffs'))].sort((a, b) => a - b);
  const ties = config.str('eval.ties') as TiePolicy;
  const protocol: Protocol = {
    candidates: config.str('eval.candidates') as Protocol['candidates'],
    numNegatives: config.int('eval.num_negatives'),
    sampler: config.str('eval.negative_sampler') as NegativeSampler,
    excludeHistory: config.bool('eval.exclude_history'),
    // only where asked, so that runs from before the key have the same protocol as runs without it
    ...(config.bool('eval.exclude_history') && config.bool('eval.keep_targets') ? { keepTargets: true as const } : {}),
    cutoffs,
    tiePolicy: tiePolicyText(ties),
  };
  return { protocol, metrics: metricGrid(config.strs('eval.metrics'), cutoffs), ties };
}

/** One part's evaluation inputs: what the model conditions on, the targets, and the targets' times. */
export interface EvalPartData {
  readonly history: History;
  readonly targets: UserLists;
  /** per user: the timestamp of the first target (NaN for a user without targets) */
  readonly targetTimes: Float64Array;
}

/** One split of the data with everything a model may see and everything it is judged on. */
export interface Experiment {
  readonly data: Interactions;
  readonly split: Split;
  readonly repeat: number;
  readonly train: TrainData;
  readonly parts: Record<'valid' | 'test', EvalPartData>;
}

const HISTORY_OF: Record<'valid' | 'test', SplitPart[]> = { valid: ['train'], test: ['train', 'valid'] };

/** Splits the data (repeat `repeat` of the split stream) and builds the training view and the targets. */
export function prepareExperiment(data: Interactions, config: ResolvedConfig, repeat: number): Experiment {
  const rng = stream(config.int('seed'), 'split', `repeat-${repeat}`);
  const split = SPLIT_METHODS[config.str('split.method')](data, config, rng);
  const trainPart = partItems(data, split, ['train']);
  // train.latest_window: the model learns from each user's last T training interactions only (DMAN's '*'
  // baselines); the histories it conditions on when it is evaluated stay whole
  const window = config.int('train.latest_window');
  const learnt = window > 0 ? latestOfEach(trainPart.lists, trainPart.timestamps, window) : trainPart;
  const train: TrainData = {
    numUsers: data.numUsers,
    numItems: data.numItems,
    sequences: learnt.lists,
    timestamps: learnt.timestamps,
    itemCategory: data.itemCategory,
    numCategories: data.numCategories,
    itemTokenOffsets: data.itemTokenOffsets,
    itemTokens: data.itemTokens,
    numTokens: data.numTokens,
  };
  const partOf = (part: 'valid' | 'test'): EvalPartData => {
    const history = part === 'valid' ? trainPart : partItems(data, split, HISTORY_OF[part]);
    const targets = partItems(data, split, [part]);
    const targetTimes = new Float64Array(data.numUsers).fill(NaN);
    for (let u = 0; u < data.numUsers; u++) {
      if (targets.lists.offsets[u + 1] > targets.lists.offsets[u]) targetTimes[u] = targets.timestamps[targets.lists.offsets[u]];
    }
    return { history: { lists: history.lists, timestamps: history.timestamps }, targets: targets.lists, targetTimes };
  };
  return { data, split, repeat, train, parts: { valid: partOf('valid'), test: partOf('test') } };
}

/**
 * Sampled-evaluation candidates for one part, drawn from the `sampling` stream under names of their own,
 * so that neither the model nor its training draws can move them.
 */
export function drawCandidates(exp: Experiment, config: ResolvedConfig, part: 'valid' | 'test'): UserLists {
  const { protocol } = protocolOf(config);
  const rng = stream(config.int('seed'), 'sampling', 'eval-candidates', part, `repeat-${exp.repeat}`);
  // the whole training part (the valid part's history), not the view train.latest_window cuts: every row of a
  // table is judged on the same candidates
  const popularity = itemCounts(exp.parts.valid.history.lists, exp.train.numItems);
  return sampleCandidates(exp.data, exp.parts[part].targets, protocol.numNegatives, protocol.sampler, popularity, rng);
}
