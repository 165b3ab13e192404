import type { ResolvedConfig } from '../config/resolved';
import type { UserLists } from '../data/interactions';
import { evaluate, usersWithTargets, type EvalResult } from '../eval/evaluate';
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
export function evaluateParts(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  reporter: Reporter,
  candidatesOf: (part: EvalPart) => UserLists | null,
  keepTestRankings: boolean,
): Partial<Record<EvalPart, EvalResult>> {
  const { protocol, metrics } = protocolOf(config);
  const results: Partial<Record<EvalPart, EvalResult>> = {};
  for (const part of EVAL_PARTS) {
    const { history, targets } = exp.parts[part];
    const numUsers = usersWithTargets(targets).length;
    if (numUsers === 0) continue;
    const progress = new Progress(reporter, `evaluating ${part}`, numUsers, 'users');
    results[part] = evaluate({
      model,
      numItems: exp.data.numItems,
      history,
      targets,
      candidates: candidatesOf(part),
      excludeHistory: protocol.excludeHistory,
      metrics,
      batchSize: config.int('eval.batch_size'),
      keepRankings: keepTestRankings && part === 'test',
      progress,
    });
    progress.finish();
  }
  return results;
}

/**
 * The trainer's view of the validation part: a function from a metric to its mean for the model as it
 * stands, under the run's protocol (and its frozen candidates); null when there are no validation targets.
 */
export function validationScorer(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  candidates: UserLists | null,
): ((metric: MetricAt) => number) | null {
  const { history, targets } = exp.parts.valid;
  if (usersWithTargets(targets).length === 0) return null;
  const { protocol } = protocolOf(config);
  return (metric) =>
    evaluate({
      model,
      numItems: exp.data.numItems,
      history,
      targets,
      candidates,
      excludeHistory: protocol.excludeHistory,
      metrics: [metric],
      batchSize: config.int('eval.batch_size'),
      keepRankings: false,
    }).means[metric.key];
}

/**
 * The test part's means under the run's protocol and metrics for the model as it stands (the learning curve of
 * `train.track_test`); null when the option is off or there are no test targets.
 */
export function testTracker(model: Model, exp: Experiment, config: ResolvedConfig, candidates: UserLists | null): (() => Record<string, number>) | null {
  const { history, targets } = exp.parts.test;
  if (!config.bool('train.track_test') || usersWithTargets(targets).length === 0) return null;
  const { protocol, metrics } = protocolOf(config);
  return () =>
    evaluate({
      model,
      numItems: exp.data.numItems,
      history,
      targets,
      candidates,
      excludeHistory: protocol.excludeHistory,
      metrics,
      batchSize: config.int('eval.batch_size'),
      keepRankings: false,
    }).means;
}
