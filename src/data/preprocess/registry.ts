import type { ResolvedConfig } from '../../config/resolved';
import { ConfigError, RunError } from '../../util/errors';
import { datasetStats, type DatasetStats, type Interactions } from '../interactions';
import { parseStep, type ParsedStep, type PreprocessStep } from './step';
import { kCore, minCount } from './steps/counts';
import { implicit, keepBehaviors, minRating } from './steps/filters';
import { head } from './steps/parts';
import { dedupe, recent } from './steps/repeats';
import { keepUsers, sessionsAsUsers } from './steps/users';

/** Every preprocessing step by the name written in data.preprocess. */
export const PREPROCESS_STEPS: Readonly<Record<string, PreprocessStep>> = Object.fromEntries(
  [minRating, keepBehaviors, implicit, dedupe, minCount, kCore, recent, keepUsers, sessionsAsUsers, head].map((step) => [step.name, step]),
);

/** The problem with one data.preprocess entry, or null: the config key's check. */
export function checkStepText(text: string): string | null {
  const parsed = parseStep(text, PREPROCESS_STEPS);
  return typeof parsed === 'string' ? parsed : null;
}

/** data.preprocess parsed; the config has already checked every entry, so a failure here is a bug. */
export function configuredSteps(config: ResolvedConfig): ParsedStep[] {
  return config.strs('data.preprocess').map((text, index) => {
    const parsed = parseStep(text, PREPROCESS_STEPS);
    if (typeof parsed === 'string') throw new ConfigError(`${config.source}: data.preprocess[${index}]: ${parsed}`);
    return parsed;
  });
}

/** One row of the preprocessing log: the statistics after a step (the first row: as loaded). */
export interface StepStats {
  readonly step: string;
  readonly stats: DatasetStats;
}

/** `N users, N items, N interactions`, as the log lines and messages write a dataset's size. */
export function describeStats(stats: DatasetStats): string {
  return `${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`;
}

/**
 * Applies the steps in order; returns the result and the statistics as loaded and after each step. A step
 * that leaves no interactions is a RunError naming it and the counts before it: nothing downstream can
 * train or evaluate on empty data, and a run that went on would report empty results with exit 0.
 */
export function applySteps(data: Interactions, steps: readonly ParsedStep[], seed: number): { data: Interactions; log: StepStats[] } {
  const log: StepStats[] = [{ step: 'as loaded', stats: datasetStats(data) }];
  let current = data;
  steps.forEach((parsed, index) => {
    const where = `data.preprocess[${index}] "${parsed.text}"`;
    current = parsed.step.apply(current, parsed.args, { seed, index, where });
    const stats = datasetStats(current);
    if (stats.interactions === 0) {
      throw new RunError(`${where} left no interactions (before it: ${describeStats(log[log.length - 1].stats)}); relax it or use more data`);
    }
    log.push({ step: parsed.text, stats });
  });
  return { data: current, log };
}
