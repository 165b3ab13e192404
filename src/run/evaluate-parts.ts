import type { ResolvedConfig } from '../config/resolved';
import type { UserLists } from '../data/interactions';
import { evaluate, targetsInHistory, usersWithTargets, type EvalResult } from '../eval/evaluate';
import type { MetricAt } from '../eval/metrics';
import type { Model } from '../models/model';
import { Progress } from '../util/progress';
import type { Reporter } from '../util/reporter';
import { protocolOf, type Experiment } from './experiment';

export type EvalPart = 'valid' | 'test';
export const EVAL_PARTS: readonly EvalPart[] = ['valid', 'test'];

/**
 * Evaluates `model` on each part that has targets (a split without validation targets skips `valid`).
 * `candidatesOf` supplies the frozen sampled candidates of a part (null under full ranking).
 */
export async function evaluateParts(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  reporter: Reporter,
  candidatesOf: (part: EvalPart) => UserLists | null,
  keepTestRankings: boolean,
): Promise<Partial<Record<EvalPart, EvalResult>>> {
  const { protocol, metrics, ties } = protocolOf(config);
  const results: Partial<Record<EvalPart, EvalResult>> = {};
  for (const part of EVAL_PARTS) {
    const { history, targets, targetTimes } = exp.parts[part];
    const numUsers = usersWithTargets(targets).length;
    if (numUsers === 0) continue;
    const progress = new Progress(reporter, `evaluating ${part}`, numUsers, 'users');
    const overlap = protocol.candidates === 'full' && protocol.excludeHistory ? targetsInHistory(history.lists, targets) : null;
    const result = await evaluate({
      model,
      numItems: exp.data.numItems,
      history,
      targets,
      targetTimes,
      ties,
      candidates: candidatesOf(part),
      excludeHistory: protocol.excludeHistory,
      keepTargets: protocol.keepTargets === true,
      metrics,
      batchSize: config.int('eval.batch_size'),
      keepRankings: keepTestRankings && part === 'test',
      progress,
    });
    results[part] = overlap ? { ...result, targetsInHistory: { ...overlap, kept: protocol.keepTargets === true } } : result;
    progress.finish();
  }
  return results;
}

/**
 * A function from metrics to their means on one part for the model as it stands, under the run's protocol
 * (and the part's frozen candidates); null when the part has no targets.
 */
function partScorer(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  part: EvalPart,
  candidates: UserLists | null,
): ((metrics: readonly MetricAt[]) => Promise<Record<string, number>>) | null {
  const { history, targets, targetTimes } = exp.parts[part];
  if (usersWithTargets(targets).length === 0) return null;
  const { protocol, ties } = protocolOf(config);
  return async (metrics) =>
    (await evaluate({
      model,
      numItems: exp.data.numItems,
      history,
      targets,
      targetTimes,
      ties,
      candidates,
      excludeHistory: protocol.excludeHistory,
      keepTargets: protocol.keepTargets === true,
      metrics,
      batchSize: config.int('eval.batch_size'),
      keepRankings: false,
    })).means;
}

/** The trainer's view of the validation part: a metric's mean for the model as it stands (see partScorer). */
export function validationScorer(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  candidates: UserLists | null,
): ((metric: MetricAt) => Promise<number>) | null {
  const score = partScorer(model, exp, config, 'valid', candidates);
  return score && (async (metric) => (await score([metric]))[metric.key]);
}

/**
 * The test part's means under the run's metrics for the model as it stands (the learning curve of
 * `train.track_test`); null when the option is off or there are no test targets.
 */
export function testTracker(model: Model, exp: Experiment, config: ResolvedConfig, candidates: UserLists | null): (() => Promise<Record<string, number>>) | null {
  const score = config.bool('train.track_test') ? partScorer(model, exp, config, 'test', candidates) : null;
  const { metrics } = protocolOf(config);
  return score && (() => score(metrics));
}
