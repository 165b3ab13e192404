import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolved';
import { datasetStats, type Interactions } from '../data/interactions';
import { describeProtocol, type EvalResult, type Rankings } from '../eval/evaluate';
import { runLine } from '../eval/trec';
import { MODELS } from '../models/registry';
import { writeArrays } from '../results/arrays-file';
import { writeFileAtomic } from '../results/atomic';
import { environment } from '../results/environment';
import { createRunFolder, perUserTsv, repeatName, runIdBase, writeConfig, writeJson } from '../results/run-folder';
import { formatTable, summarisePart, type PartSummary } from '../results/summary';
import { splitCounts } from '../split/split';
import type { Reporter } from '../util/reporter';
import { EVAL_PARTS, evaluateParts, testTracker, validationScorer, type EvalPart } from './evaluate-parts';
import { checkConfigConsistency, drawCandidates, loadData, prepareExperiment, protocolOf, type Experiment } from './experiment';
import type { UserLists } from '../data/interactions';

export interface TrainOutcome {
  runId: string;
  dir: string;
  /** the metrics tables, for the command to print */
  tables: string[];
}

/** The largest float64 below x (x finite). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/**
 * The TREC run lines of one part's rankings, with raw ids and the model's scores. Where scores tie, each later
 * item's score is lowered to the next float64 below the previous line's, so that a TREC tool, which orders
 * ties its own way, reads back exactly memrec's ranking (a change below float32's resolution).
 */
function rankingsText(data: Interactions, users: Int32Array, rankings: Rankings, tag: string): string {
  const lines: string[] = [];
  users.forEach((u, b) => {
    let previous = Infinity;
    for (let k = 0; k < rankings.width; k++) {
      const item = rankings.items[b * rankings.width + k];
      if (item < 0) break;
      const score = rankings.scores[b * rankings.width + k];
      const written = score < previous ? score : nextDown(previous);
      lines.push(runLine(data.userIds[u], data.itemIds[item], k + 1, written, tag));
      previous = written;
    }
  });
  return lines.join('');
}

/** The truth of one part as TREC qrels (raw ids, relevance 1). */
function qrelsText(data: Interactions, targets: UserLists): string {
  const lines: string[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    const items = new Set(targets.items.subarray(targets.offsets[u], targets.offsets[u + 1]));
    for (const item of items) lines.push(`${data.userIds[u]} 0 ${data.itemIds[item]} 1\n`);
  }
  return lines.join('');
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

/**
 * `memrec train`: loads the data, splits it (once per repeat), fits the model, evaluates the validation and
 * test parts, and writes the run folder. metrics.json is written last: a folder without it is an
 * interrupted run. Every file goes through a temporary name and a rename.
 */
export async function trainRun(config: ResolvedConfig, backend: string, reporter: Reporter): Promise<TrainOutcome> {
  checkConfigConsistency(config);
  const started = new Date();
  const modelName = config.str('model.name');
  // The data is loaded before the run folder exists, so that a bad data path leaves no folder behind; the
  // reporter keeps the lines and writes them to the log once the folder exists.
  reporter.info(`model ${modelName}, data ${config.str('data.source')}, backend ${backend}, seed ${config.int('seed')}`);
  const data = await loadData(config, reporter);
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
    const model = MODELS[modelName].create(config);
    try {
      const validate = validationScorer(model, exp, config, candidates.valid ?? null);
      const trackTest = testTracker(model, exp, config, candidates.test ?? null);
      await model.fit({ train: exp.train, config, reporter, validate, trackTest });
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
  writeJson(dir, 'metrics.json', {
    format: 'memrec-metrics/1',
    model: modelName,
    dataset: { source: config.str('data.source'), name: data.name, stats },
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
