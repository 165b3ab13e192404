import type { ResolvedConfig } from '../../config/resolved';
import { ConfigError } from '../../util/errors';
import { datasetStats, type DatasetStats, type Interactions } from '../interactions';
import { parseStep, type ParsedStep, type PreprocessStep } from './step';
import { kCore, minCount } from './steps/counts';
import { implicit, keepBehaviors, minRating } from './steps/filters';
import { dedupe, recent } from './steps/repeats';
import { keepUsers, sessionsAsUsers } from './steps/users';

/** Every preprocessing step by the name written in data.preprocess. */
export const PREPROCESS_STEPS: Readonly<Record<string, PreprocessStep>> = Object.fromEntries(
  [minRating, keepBehaviors, implicit, dedupe, minCount, kCore, recent, keepUsers, sessionsAsUsers].map((step) => [step.name, step]),
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

/** Applies the steps in order; returns the result and the statistics as loaded and after each step. */
export function applySteps(data: Interactions, steps: readonly ParsedStep[], seed: number): { data: Interactions; log: StepStats[] } {
  const log: StepStats[] = [{ step: 'as loaded', stats: datasetStats(data) }];
  let current = data;
  steps.forEach((parsed, index) => {
    current = parsed.step.apply(current, parsed.args, { seed, index, where: `data.preprocess[${index}] "${parsed.text}"` });
    log.push({ step: parsed.text, stats: datasetStats(current) });
  });
  return { data: current, log };
}
