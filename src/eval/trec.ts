import { InputError } from '../util/errors';
import { readLines, requireFile } from '../util/lines';
import { mean, perUserMetrics, type MetricAt } from './metrics';

/**
 * TREC files, as trec_eval and ranx read them.
 *   run:   `user Q0 item rank score tag` — a user's list is ordered by score, highest first; the rank column
 *          is ignored. Equal scores are ordered by item id, descending in string order, as trec_eval does.
 *   qrels: `user 0 item relevance` — relevance > 0 is relevant.
 */
export interface RankedEntry {
  item: string;
  score: number;
}

/** Reads a qrels file: for each user (in order of first appearance), its items and their relevance. */
export async function readQrels(file: string): Promise<Map<string, Map<string, number>>> {
  requireFile(file, 'truth (qrels) file');
  const truth = new Map<string, Map<string, number>>();
  for await (const { line, lineNumber } of readLines(file)) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    const where = `${file}:${lineNumber}`;
    if (fields.length !== 4) {
      throw new InputError(`${where}: expected 4 fields "user 0 item relevance", got ${fields.length}`);
    }
    const [user, , item, relText] = fields;
    const relevance = Number(relText);
    if (!Number.isFinite(relevance)) throw new InputError(`${where}: relevance ${JSON.stringify(relText)} is not a number`);
    let items = truth.get(user);
    if (!items) truth.set(user, (items = new Map()));
    if (items.has(item)) throw new InputError(`${where}: item ${item} listed twice for user ${user}`);
    items.set(item, relevance);
  }
  return truth;
}

/** Reads a run file; every line is checked, but only users in `keep` are stored. */
export async function readRun(file: string, keep: ReadonlySet<string>): Promise<Map<string, RankedEntry[]>> {
  requireFile(file, 'rankings (run) file');
  const run = new Map<string, RankedEntry[]>();
  const seen = new Map<string, Set<string>>();
  for await (const { line, lineNumber } of readLines(file)) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    const where = `${file}:${lineNumber}`;
    if (fields.length !== 6) {
      throw new InputError(`${where}: expected 6 fields "user Q0 item rank score tag", got ${fields.length}`);
    }
    const [user, , item, , scoreText] = fields;
    const score = Number(scoreText);
    if (!Number.isFinite(score)) throw new InputError(`${where}: score ${JSON.stringify(scoreText)} is not a finite number`);
    let items = seen.get(user);
    if (!items) seen.set(user, (items = new Set()));
    if (items.has(item)) throw new InputError(`${where}: item ${item} ranked twice for user ${user}`);
    items.add(item);
    if (!keep.has(user)) continue;
    let list = run.get(user);
    if (!list) run.set(user, (list = []));
    list.push({ item, score });
  }
  return run;
}

/** Orders a user's entries: score descending, then item id descending (trec_eval's tie-break). */
export function orderRanking(entries: RankedEntry[]): RankedEntry[] {
  return [...entries].sort((a, b) => b.score - a.score || (a.item < b.item ? 1 : a.item > b.item ? -1 : 0));
}

export interface TrecEvaluation {
  users: string[];
  perUser: Record<string, Float64Array>;
  means: Record<string, number>;
}

/**
 * Scores a run against qrels. The mean is over the users of the truth file; a user without a ranking scores
 * 0; run lines of users absent from the truth are ignored.
 */
export async function evaluateTrec(runFile: string, qrelsFile: string, requested: readonly MetricAt[]): Promise<TrecEvaluation> {
  const truth = await readQrels(qrelsFile);
  const run = await readRun(runFile, new Set(truth.keys()));
  const users = [...truth.keys()];
  const width = requested.reduce((w, m) => Math.max(w, m.cutoff), 1);
  const rel = new Uint8Array(users.length * width);
  const numRelevant = new Int32Array(users.length);
  users.forEach((user, b) => {
    const judged = truth.get(user) as Map<string, number>;
    for (const relevance of judged.values()) if (relevance > 0) numRelevant[b] += 1;
    const ranked = orderRanking(run.get(user) ?? []).slice(0, width);
    ranked.forEach((entry, k) => {
      if ((judged.get(entry.item) ?? 0) > 0) rel[b * width + k] = 1;
    });
  });
  const perUser = perUserMetrics(rel, width, numRelevant, requested);
  const means = Object.fromEntries(Object.entries(perUser).map(([key, values]) => [key, mean(values)]));
  return { users, perUser, means };
}

/** One run line. Scores are written with full float precision so the file reorders exactly as ranked. */
export function runLine(user: string, item: string, rank: number, score: number, tag: string): string {
  return `${user} Q0 ${item} ${rank} ${score} ${tag}\n`;
}
