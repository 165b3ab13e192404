import type { ResolvedConfig } from '../config/resolved';
import { createModel } from '../models/registry';
import { readArrays } from '../results/arrays-file';
import { repeatName } from '../results/run-folder';
import { UsageError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import { loadData, prepareExperiment } from './experiment';

export interface Explanation {
  /** the model's score of the candidate for the user */
  readonly score: number;
  /** the user's memory size (items the attention reads, the candidate left out) */
  readonly memory: number;
  /** the most attended memory items, largest weight first: raw id, title (the raw id where the data has none: data.text.*), weight */
  readonly top: readonly { readonly item: string; readonly title: string; readonly weight: number }[];
}

export interface ExplainRequest {
  /** raw ids, as in the data file */
  readonly user: string;
  readonly item: string;
  readonly part: 'valid' | 'test';
  readonly repeat: number;
  readonly top: number;
}

/**
 * Figure 8 of MARS: for a user and a candidate, the user's liked items that the attention reads most. Rebuilds
 * the run's data and split from its saved config, restores the checkpoint of `repeat`, and asks the model for
 * its attention over the memory it scores `part` with (test: training and validation likes; valid: training).
 */
export async function explainRun(dir: string, config: ResolvedConfig, request: ExplainRequest, reporter: Reporter): Promise<Explanation> {
  const repeats = config.int('split.repeats');
  if (request.repeat >= repeats) throw new UsageError(`--repeat ${request.repeat}: the run has ${repeats} repeat(s), 0 to ${repeats - 1}`);
  const { data } = await loadData(config, reporter);
  const lookup = (ids: readonly string[], id: string, flag: string) => {
    const index = ids.indexOf(id);
    if (index < 0) throw new UsageError(`${flag} ${id}: no such id in ${data.name} (raw ids as in the data file, e.g. ${ids.slice(0, 3).join(', ')})`);
    return index;
  };
  const user = lookup(data.userIds, request.user, '--user');
  const item = lookup(data.itemIds, request.item, '--item');
  const exp = prepareExperiment(data, config, request.repeat);
  const model = createModel(config);
  try {
    if (!model.explain) throw new UsageError(`model ${config.str('model.name')} reads no memory by attention: nothing to explain (mars does)`);
    model.restore(readArrays(dir, repeatName('checkpoint', request.repeat, repeats)).arrays, exp.train);
    const history = exp.parts[request.part].history;
    const scores = model.score({ users: Int32Array.of(user), history, targetTimes: null, candidates: null, states: null });
    const score = (await scores.data())[item];
    scores.dispose();
    const weights = await model.explain(history, user, item);
    const titleOf = (m: number) => data.itemTitles?.[m] || data.itemIds[m];
    const top = Array.from(weights.items.subarray(0, request.top), (m, k) => ({ item: data.itemIds[m], title: titleOf(m), weight: weights.weights[k] }));
    return { score, memory: weights.items.length, top };
  } finally {
    model.dispose();
  }
}
