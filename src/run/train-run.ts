import { existsSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/resolved';
import { datasetStats, type Interactions, type UserLists } from '../data/interactions';
import { describeProtocol, type EvalResult } from '../eval/evaluate';
import { qrelsText, rankingsText } from '../eval/trec';
import { isTrainable, type Model } from '../models/model';
import { createModel } from '../models/registry';
import { readArrays, writeArrays } from '../results/arrays-file';
import { writeFileAtomic } from '../results/atomic';
import { environment } from '../results/environment';
import { tryReadMetrics, writeMetrics, type DataFile } from '../results/metrics-file';
import { createRunFolder, perUserTsv, repeatName, runIdBase, writeConfig, writeJson } from '../results/run-folder';
import { formatTable, summarisePart, type PartSummary } from '../results/summary';
import { splitCounts } from '../split/split';
import { TRAIN_KEYS } from '../train/schema';
import { trainModel } from '../train/trainer';
import { InterruptedError, UsageError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import { EVAL_PARTS, evaluateParts, testTracker, validationScorer, type EvalPart } from './evaluate-parts';
import { absoluteDataPaths, dataFiles } from './data-files';
import { checkMemory } from './memory-guard';
import { drawCandidates, loadData, prepareExperiment, protocolOf, type Experiment } from './experiment';
import { readResumeState, removeResumeState, writeResumeState } from './resume-file';

export interface TrainOutcome {
  runId: string;
  dir: string;
  /** the metrics tables, for the command to print */
  tables: string[];
}

/** Writes one repeat's per-user values, candidates and rankings into the run folder. */
function writeRepeatOutputs(
  dir: string,
  exp: Experiment,
  config: ResolvedConfig,
  results: Partial<Record<EvalPart, EvalResult>>,
  protocolLine: string,
  repeats: number,
): void {
  const name = (base: string) => repeatName(base, exp.repeat, repeats);
  for (const part of EVAL_PARTS) {
    const result = results[part];
    if (!result) continue;
    if (config.bool('output.per_user')) {
      const ids = Array.from(result.users, (u) => exp.data.userIds[u]);
      writeFileAtomic(join(dir, `${name(`per_user_${part}`)}.tsv`), perUserTsv(`${part}: ${protocolLine}`, ids, result.perUser));
    }
    if (part === 'test' && result.rankings) {
      const tag = `memrec-${config.str('model.name')}`;
      writeFileAtomic(join(dir, `${name('rankings')}.trec`), rankingsText(exp.data, result.users, result.rankings, tag));
      writeFileAtomic(join(dir, `${name('test')}.qrels`), qrelsText(exp.data, exp.parts.test.targets));
    }
  }
}

/** How a run may be stopped and continued (see `memrec train --resume`). */
export interface RunControl {
  /** a run folder whose training was interrupted: continue it there */
  readonly resumeDir?: string;
  /** a signal's name once the user asked to stop (Ctrl-C, SIGTERM), else null */
  readonly stopRequested?: () => string | null;
}

/**
 * Prepares `model` for the training part and, when it is trainable, runs the training loop on it, from the
 * repeat's saved state when there is one, saving its state after every epoch.
 */
async function fit(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  reporter: Reporter,
  candidates: Partial<Record<EvalPart, UserLists>>,
  folder: { dir: string; repeats: number; resume: boolean; control: RunControl },
): Promise<void> {
  model.init(exp.train);
  if (!isTrainable(model)) return;
  const { dir, repeats } = folder;
  await trainModel(model, {
    train: exp.train,
    settings: config.params('train', TRAIN_KEYS),
    seed: config.int('seed'),
    reporter,
    label: config.str('model.name'),
    source: config.source,
    validate: validationScorer(model, exp, config, candidates.valid ?? null),
    trackTest: testTracker(model, exp, config, candidates.test ?? null),
    onEpoch: (state) => writeResumeState(dir, exp.repeat, repeats, state),
    resumeFrom: folder.resume ? readResumeState(dir, exp.repeat, repeats) : null,
    stopRequested: folder.control.stopRequested,
  });
}

/** The run folder to write: a new one, or, resuming, the interrupted one (which must not be finished). */
function runFolder(config: ResolvedConfig, started: Date, control: RunControl): { id: string; dir: string } {
  if (control.resumeDir === undefined) {
    return createRunFolder(config.str('output.dir'), runIdBase(started, config.str('model.name'), config.str('data.source'), config.str('output.name')));
  }
  const dir = control.resumeDir;
  if (tryReadMetrics(dir)) throw new UsageError(`--resume ${dir}: the run is finished (it has metrics.json); nothing to resume`);
  return { id: basename(resolve(dir)), dir };
}

/**
 * `memrec train`: loads the data, splits it (once per repeat), fits the model, evaluates the validation and
 * test parts, and writes the run folder. metrics.json is written last: a folder without it is an
 * interrupted run. Every file goes through a temporary name and a rename.
 */
export async function trainRun(given: ResolvedConfig, backend: string, reporter: Reporter, control: RunControl = {}): Promise<TrainOutcome> {
  const started = new Date();
  // saved with absolute data paths, so that eval --run and --resume find the data from any folder
  const config = absoluteDataPaths(given);
  const modelName = config.str('model.name');
  // The data is loaded before the run folder exists, so that a bad data path leaves no folder behind; the
  // reporter keeps the lines and writes them to the log once the folder exists.
  reporter.info(`model ${modelName}, data ${config.str('data.source')}, backend ${backend}, seed ${config.int('seed')}`);
  const { data, badRows } = await loadData(config, reporter);
  const stats = datasetStats(data);
  reporter.info(`data: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  checkMemory(config, data, { training: true });
  const files = await dataFiles(config);
  const resuming = control.resumeDir !== undefined;
  const { id, dir } = runFolder(config, started, control);
  reporter.attachLog(join(dir, 'log.txt'));
  reporter.info(resuming ? `run ${id}, resumed` : `run ${id}`);
  if (!resuming) writeConfig(dir, config);
  try {
    return await trainInFolder(config, backend, reporter, control, { id, dir, started, data, badRows, files });
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    const resume = `memrec train --resume ${dir}`;
    writeJson(dir, INTERRUPTED_FILE, { signal: err.signal, at: err.where, time: new Date().toISOString(), resume });
    // to the log only: the error thrown next is what the terminal shows, so the line is not printed twice
    reporter.detail(`interrupted by ${err.signal} at ${err.where}; the last finished epoch is saved: ${resume}`);
    throw new InterruptedError(err.signal, `${err.where} (resume with: ${resume})`);
  }
}

/** A run folder marked by an interruption: what stopped it, where, and how to resume. */
export const INTERRUPTED_FILE = 'interrupted.json';

/** The repeats, their evaluation and metrics.json, in a folder that exists (see trainRun). */
async function trainInFolder(
  config: ResolvedConfig,
  backend: string,
  reporter: Reporter,
  control: RunControl,
  run: { id: string; dir: string; started: Date; data: Interactions; badRows: number; files: DataFile[] },
): Promise<TrainOutcome> {
  const { id, dir, started, data, badRows, files } = run;
  const modelName = config.str('model.name');
  const stats = datasetStats(data);
  const resuming = control.resumeDir !== undefined;
  const { protocol, metrics } = protocolOf(config);
  const protocolLine = describeProtocol(protocol, data.numItems);
  const repeats = config.int('split.repeats');
  const perPart: Record<EvalPart, EvalResult[]> = { valid: [], test: [] };
  let counts: Record<string, number> = {};
  for (let repeat = 0; repeat < repeats; repeat++) {
    const exp = prepareExperiment(data, config, repeat);
    counts = splitCounts(data, exp.split);
    reporter.info(`split ${exp.split.method}${repeats > 1 ? ` (repeat ${repeat + 1}/${repeats})` : ''}: ${counts.train} train, ${counts.valid} valid, ${counts.test} test interactions`);
    const candidates: Partial<Record<EvalPart, UserLists>> = {};
    if (protocol.candidates === 'sampled') {
      for (const part of EVAL_PARTS) {
        const lists = drawCandidates(exp, config, part);
        candidates[part] = lists;
        writeArrays(dir, repeatName(`candidates_${part}`, repeat, repeats), {
          offsets: { data: lists.offsets, shape: [lists.offsets.length] },
          items: { data: lists.items, shape: [lists.items.length] },
        });
      }
    }
    const model = createModel(config);
    const checkpoint = repeatName('checkpoint', repeat, repeats);
    try {
      if (resuming && existsSync(join(dir, `${checkpoint}.json`))) {
        // this repeat finished training before the interruption: its checkpoint is its result
        model.restore(readArrays(dir, checkpoint).arrays, exp.train);
        reporter.info(`repeat ${repeat + 1}: trained before the interruption, restored from ${checkpoint}`);
      } else {
        await fit(model, exp, config, reporter, candidates, { dir, repeats, resume: resuming, control });
        writeArrays(dir, checkpoint, await model.state(), { model: modelName });
        removeResumeState(dir, repeat, repeats);
      }
      const signal = control.stopRequested?.();
      if (signal) throw new InterruptedError(signal, `the end of repeat ${repeat + 1}'s training`);
      const results = await evaluateParts(model, exp, config, reporter, (part) => candidates[part] ?? null, config.bool('output.rankings'));
      writeRepeatOutputs(dir, exp, config, results, protocolLine, repeats);
      for (const part of EVAL_PARTS) if (results[part]) perPart[part].push(results[part] as EvalResult);
    } finally {
      model.dispose();
    }
  }

  const summary: Partial<Record<EvalPart, PartSummary>> = {};
  for (const part of EVAL_PARTS) if (perPart[part].length > 0) summary[part] = summarisePart(protocolLine, perPart[part]);
  const finished = new Date();
  rmSync(join(dir, INTERRUPTED_FILE), { force: true });
  writeMetrics(dir, {
    format: 'memrec-metrics/1',
    model: modelName,
    dataset: { source: config.str('data.source'), name: data.name, stats, malformed_rows: badRows, files },
    split: { method: config.str('split.method'), repeats, interactions: counts },
    seed: config.int('seed'),
    protocol: { ...protocol, metrics: metrics.map((m) => m.key), description: protocolLine },
    results: summary,
    environment: environment(backend),
    run: {
      id,
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      wall_seconds: (finished.getTime() - started.getTime()) / 1000,
    },
  });
  const tables = EVAL_PARTS.flatMap((part) => {
    const s = summary[part];
    return s ? [formatTable(`${modelName} on ${data.name}: ${part}`, s, metrics)] : [];
  });
  for (const table of tables) reporter.detail(table);
  reporter.info(`results: ${dir}`);
  return { runId: id, dir, tables };
}
