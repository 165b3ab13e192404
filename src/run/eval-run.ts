import type { ResolvedConfig } from '../config/resolved';
import type { UserLists } from '../data/interactions';
import { describeProtocol, type EvalResult } from '../eval/evaluate';
import { createModel } from '../models/registry';
import { readArrays } from '../results/arrays-file';
import { readMetrics, type MetricsFile } from '../results/metrics-file';
import { repeatName } from '../results/run-folder';
import { formatTable, summarisePart, type PartSummary } from '../results/summary';
import { RunError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import { changedDataFiles } from './data-files';
import { EVAL_PARTS, evaluateParts, type EvalPart } from './evaluate-parts';
import { checkMemory } from './memory-guard';
import { drawCandidates, loadData, prepareExperiment, protocolOf } from './experiment';

function loadCandidates(dir: string, name: string): UserLists {
  const { arrays } = readArrays(dir, name);
  return { offsets: arrays.offsets.data as Int32Array, items: arrays.items.data as Int32Array };
}

export interface EvalRunOutcome {
  tables: string[];
  /** per part, the recomputed summary (means over users, and over repeats) */
  summaries: Partial<Record<EvalPart, PartSummary>>;
  /** "metric part: saved vs recomputed" for every value that differs; null under a changed protocol */
  differences: string[] | null;
  compared: number;
}

const SAMPLING_KEYS = ['eval.candidates', 'eval.num_negatives', 'eval.negative_sampler'];

const sameValues = (a: ResolvedConfig, b: ResolvedConfig, keys: readonly string[]) =>
  keys.every((key) => JSON.stringify(a.get(key)) === JSON.stringify(b.get(key)));

/** Refuses (or with `allow`, reports) data files that changed since the run; says when the run recorded none. */
async function checkDataFiles(metrics: MetricsFile, allow: boolean, reporter: Reporter): Promise<void> {
  const recorded = metrics.dataset.files;
  if (recorded === undefined) {
    reporter.info('data files: the run recorded no sizes or hashes (written by an older memrec); not checked');
    return;
  }
  const changes = await changedDataFiles(recorded);
  if (changes.length === 0) return;
  const what = `data changed since the run: ${changes.join('; ')}`;
  if (!allow) throw new RunError(`${what} (--allow-changed-data evaluates it anyway)`);
  reporter.info(`${what}; evaluating it anyway (--allow-changed-data)`);
}

const evalKeys = (config: ResolvedConfig) => config.entries().map(([key]) => key).filter((key) => key.startsWith('eval.'));

/**
 * `memrec eval --run`: rebuilds the run's data and split from its saved config and seed, restores the model
 * from its checkpoint, reuses its frozen candidates, evaluates again, and compares with metrics.json.
 * `config` is the saved config, possibly with eval.* keys changed: then the saved metrics are not comparable
 * and nothing is compared; sampled candidates are reused when the sampling keys are unchanged, else drawn
 * afresh from the run's seed. A data file that changed since the run (metrics.json records each file's size
 * and sha256) is a RunError naming it, unless `allowChangedData`: then it is reported and evaluated.
 */
export async function evalRun(
  dir: string,
  saved: ResolvedConfig,
  config: ResolvedConfig,
  reporter: Reporter,
  options: { allowChangedData?: boolean } = {},
): Promise<EvalRunOutcome> {
  const reuseCandidates = sameValues(saved, config, SAMPLING_KEYS);
  const sameProtocol = sameValues(saved, config, evalKeys(saved));
  const savedMetrics = readMetrics(dir);
  await checkDataFiles(savedMetrics, Boolean(options.allowChangedData), reporter);
  const { data } = await loadData(config, reporter);
  checkMemory(config, data, { training: false });
  const { protocol, metrics } = protocolOf(config);
  const protocolLine = describeProtocol(protocol, data.numItems);
  const repeats = config.int('split.repeats');
  const modelName = config.str('model.name');
  const perPart: Record<EvalPart, EvalResult[]> = { valid: [], test: [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    const exp = prepareExperiment(data, config, repeat);
    const model = createModel(config);
    try {
      model.restore(readArrays(dir, repeatName('checkpoint', repeat, repeats)).arrays, exp.train);
      const candidatesOf = (part: EvalPart) => {
        if (protocol.candidates !== 'sampled') return null;
        return reuseCandidates
          ? loadCandidates(dir, repeatName(`candidates_${part}`, repeat, repeats))
          : drawCandidates(exp, config, part);
      };
      const results = await evaluateParts(model, exp, config, reporter, candidatesOf, false);
      for (const part of EVAL_PARTS) if (results[part]) perPart[part].push(results[part] as EvalResult);
    } finally {
      model.dispose();
    }
  }
  const tables: string[] = [];
  const summaries: Partial<Record<EvalPart, PartSummary>> = {};
  const differences: string[] = [];
  let compared = 0;
  for (const part of EVAL_PARTS) {
    if (perPart[part].length === 0) continue;
    const summary = summarisePart(protocolLine, perPart[part]);
    summaries[part] = summary;
    tables.push(formatTable(`${modelName} on ${data.name}: ${part} (recomputed)`, summary, metrics));
    if (!sameProtocol) continue;
    const before = savedMetrics.results[part]?.means ?? {};
    for (const [key, value] of Object.entries(summary.means)) {
      compared++;
      if (before[key] !== value) differences.push(`${part} ${key}: saved ${before[key]}, recomputed ${value}`);
    }
  }
  return { tables, summaries, differences: sameProtocol ? differences : null, compared };
}
