import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolved';
import { datasetStats } from '../data/interactions';
import type { UserLists } from '../data/interactions';
import { describeProtocol, type EvalResult } from '../eval/evaluate';
import { qrelsText, rankingsText } from '../eval/trec';
import { isTrainable, type Model } from '../models/model';
import { createModel } from '../models/registry';
import { writeArrays } from '../results/arrays-file';
import { writeFileAtomic } from '../results/atomic';
import { environment } from '../results/environment';
import { writeMetrics } from '../results/metrics-file';
import { createRunFolder, perUserTsv, repeatName, runIdBase, writeConfig } from '../results/run-folder';
import { formatTable, summarisePart, type PartSummary } from '../results/summary';
import { splitCounts } from '../split/split';
import { TRAIN_KEYS } from '../train/schema';
import { trainModel } from '../train/trainer';
import type { Reporter } from '../util/reporter';
import { EVAL_PARTS, evaluateParts, testTracker, validationScorer, type EvalPart } from './evaluate-parts';
import { drawCandidates, loadData, prepareExperiment, protocolOf, type Experiment } from './experiment';

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

/** Prepares `model` for the training part and, when it is trainable, runs the training loop on it. */
async function fit(
  model: Model,
  exp: Experiment,
  config: ResolvedConfig,
  reporter: Reporter,
  candidates: Partial<Record<EvalPart, UserLists>>,
): Promise<void> {
  model.init(exp.train);
  if (!isTrainable(model)) return;
  await trainModel(model, {
    train: exp.train,
    settings: config.params('train', TRAIN_KEYS),
    seed: config.int('seed'),
    reporter,
    label: config.str('model.name'),
    source: config.source,
    validate: validationScorer(model, exp, config, candidates.valid ?? null),
    trackTest: testTracker(model, exp, config, candidates.test ?? null),
  });
}

/**
 * `memrec train`: loads the data, splits it (once per repeat), fits the model, evaluates the validation and
 * test parts, and writes the run folder. metrics.json is written last: a folder without it is an
 * interrupted run. Every file goes through a temporary name and a rename.
 */
export async function trainRun(config: ResolvedConfig, backend: string, reporter: Reporter): Promise<TrainOutcome> {
  const started = new Date();
  const modelName = config.str('model.name');
  // The data is loaded before the run folder exists, so that a bad data path leaves no folder behind; the
  // reporter keeps the lines and writes them to the log once the folder exists.
  reporter.info(`model ${modelName}, data ${config.str('data.source')}, backend ${backend}, seed ${config.int('seed')}`);
  const { data, badRows } = await loadData(config, reporter);
  const stats = datasetStats(data);
  reporter.info(`data: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  const { id, dir } = createRunFolder(
    config.str('output.dir'),
    runIdBase(started, modelName, config.str('data.source'), config.str('output.name')),
  );
  reporter.attachLog(join(dir, 'log.txt'));
  reporter.info(`run ${id}`);
  writeConfig(dir, config);
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
    try {
      await fit(model, exp, config, reporter, candidates);
      writeArrays(dir, repeatName('checkpoint', repeat, repeats), model.state(), { model: modelName });
      const results = evaluateParts(model, exp, config, reporter, (part) => candidates[part] ?? null, config.bool('output.rankings'));
      writeRepeatOutputs(dir, exp, config, results, protocolLine, repeats);
      for (const part of EVAL_PARTS) if (results[part]) perPart[part].push(results[part] as EvalResult);
    } finally {
      model.dispose();
    }
  }

  const summary: Partial<Record<EvalPart, PartSummary>> = {};
  for (const part of EVAL_PARTS) if (perPart[part].length > 0) summary[part] = summarisePart(protocolLine, perPart[part]);
  const finished = new Date();
  writeMetrics(dir, {
    format: 'memrec-metrics/1',
    model: modelName,
    dataset: { source: config.str('data.source'), name: data.name, stats, malformed_rows: badRows },
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
