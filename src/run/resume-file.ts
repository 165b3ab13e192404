import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readArrays, writeArrays } from '../results/arrays-file';
import { writeFileAtomic } from '../results/atomic';
import { repeatName } from '../results/run-folder';
import type { TrainingCheckpoint } from '../train/trainer';
import type { NamedArrays } from '../util/named-arrays';

/**
 * The training state after the last finished epoch of one repeat, kept in the run folder: an arrays file per
 * epoch, `resume-e<epoch>` (or `resume-r<k>-e<epoch>`), whose arrays are the weights, the best epoch's weights
 * and each optimizer's slots under prefixes and whose manifest holds the rest, and a pointer `resume.json`
 * (`resume-r<k>.json`) naming the latest complete one. The pointer is replaced atomically after the new
 * state is whole, so a run killed at any moment leaves a readable state; older states are then removed, and
 * all of them once the repeat's checkpoint exists.
 */
const nameOf = (repeat: number, repeats: number) => repeatName('resume', repeat, repeats);
const stateName = (repeat: number, repeats: number, epoch: number) => `${nameOf(repeat, repeats)}-e${epoch}`;

/** The repeat's state files (every epoch's), by name without extension. */
function stateFiles(dir: string, repeat: number, repeats: number): string[] {
  const prefix = `${nameOf(repeat, repeats)}-e`;
  return [...new Set(readdirSync(dir).filter((file) => file.startsWith(prefix)).map((file) => file.replace(/\.(json|bin)$/, '')))];
}

/** Arrays under `prefix/`, and the same with the prefix taken off. */
const withPrefix = (prefix: string, arrays: NamedArrays): NamedArrays =>
  Object.fromEntries(Object.entries(arrays).map(([name, array]) => [`${prefix}/${name}`, array]));
const underPrefix = (prefix: string, arrays: NamedArrays): NamedArrays =>
  Object.fromEntries(Object.entries(arrays).filter(([name]) => name.startsWith(`${prefix}/`)).map(([name, array]) => [name.slice(prefix.length + 1), array]));

export function writeResumeState(dir: string, repeat: number, repeats: number, state: TrainingCheckpoint): void {
  const arrays: NamedArrays = {
    ...withPrefix('weights', state.weights),
    ...(state.best ? withPrefix('best', state.best.weights) : {}),
    ...Object.assign({}, ...state.optimizers.map((slots, k) => withPrefix(`optimizer${k}`, slots))),
  };
  const name = stateName(repeat, repeats, state.epoch);
  writeArrays(dir, name, arrays, {
    epoch: state.epoch,
    learning_rate: state.learningRate,
    steps: state.steps,
    since_best: state.sinceBest,
    best: state.best && { epoch: state.best.epoch, value: state.best.value },
    optimizers: state.optimizers.length,
    random: state.random,
  });
  writeFileAtomic(join(dir, `${nameOf(repeat, repeats)}.json`), `${JSON.stringify({ format: 'memrec-resume/1', state: name })}\n`);
  for (const old of stateFiles(dir, repeat, repeats)) if (old !== name) removeArrays(dir, old);
}

function removeArrays(dir: string, name: string): void {
  for (const ext of ['json', 'bin']) rmSync(join(dir, `${name}.${ext}`), { force: true });
}

/** The saved state of a repeat, or null when none was written (the repeat had not finished an epoch). */
export function readResumeState(dir: string, repeat: number, repeats: number): TrainingCheckpoint | null {
  const pointer = join(dir, `${nameOf(repeat, repeats)}.json`);
  if (!existsSync(pointer)) return null;
  const { state: name } = JSON.parse(readFileSync(pointer, 'utf8')) as { state: string };
  const { arrays, meta } = readArrays(dir, name);
  const best = meta.best as { epoch: number; value: number } | null;
  return {
    epoch: meta.epoch as number,
    learningRate: meta.learning_rate as number,
    // states written before the step count was kept: only a per-epoch decay can have produced them
    steps: (meta.steps as number | undefined) ?? 0,
    sinceBest: meta.since_best as number,
    best: best && { ...best, weights: underPrefix('best', arrays) },
    weights: underPrefix('weights', arrays),
    optimizers: Array.from({ length: meta.optimizers as number }, (_, k) => underPrefix(`optimizer${k}`, arrays)),
    random: meta.random as TrainingCheckpoint['random'],
  };
}

export function removeResumeState(dir: string, repeat: number, repeats: number): void {
  rmSync(join(dir, `${nameOf(repeat, repeats)}.json`), { force: true });
  for (const name of stateFiles(dir, repeat, repeats)) removeArrays(dir, name);
}
