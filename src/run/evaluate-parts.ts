import type { ResolvedConfig } from '../config/resolved';
import type { UserLists } from '../data/interactions';
import { evaluate, usersWithTargets, type EvalResult } from '../eval/evaluate';
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
