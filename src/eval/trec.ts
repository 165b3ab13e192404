import type { Interactions, UserLists } from '../data/interactions';
import { InputError, MemrecError } from '../util/errors';
import { readLines, requireFile } from '../util/lines';
import type { Rankings } from './evaluate';
import { mean, perUserMetrics, ranksFromRelevance, type MetricAt } from './metrics';

/**
 * TREC files, as trec_eval and ranx read them.
 *   run:   `user Q0 item rank score tag` — a user's list is ordered by score, highest first; the rank column
 *          is ignored. Equal scores are ordered by item id, descending, as trec_eval does (ids compared by
 *          code point, i.e. by their UTF-8 bytes like trec_eval's strcmp).
 *   qrels: `user 0 item relevance` — relevance > 0 is relevant.
 * Fields are separated by ASCII whitespace (trec_eval's isspace); blank lines are skipped.
 */
export interface RankedEntry {
  item: string;
  score: number;
}

const ASCII_SPACE = /[ \t\n\r\f\v]+/;
const EDGE_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
/** A plain decimal number; Number() alone would also take "0x1f", "0b1" and "Infinity". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The fields of each non-blank line, with its `file:line`; an I/O failure becomes an InputError. */
async function* trecRecords(file: string, layout: string): AsyncGenerator<{ fields: string[]; where: string }> {
  const width = layout.split(' ').length;
  try {
    for await (const { line, lineNumber } of readLines(file)) {
      const text = line.replace(EDGE_SPACE, '');
      if (text === '') continue;
      const fields = text.split(ASCII_SPACE);
      const where = `${file}:${lineNumber}`;
      if (fields.length !== width) throw new InputError(`${where}: expected ${width} fields "${layout}", got ${fields.length}`);
      yield { fields, where };
    }
  } catch (err) {
    if (err instanceof MemrecError) throw err;
    // A corrupt .gz or an unreadable file: the user's input, not an internal failure.
    throw new InputError(`${file}: cannot read: ${(err as Error).message}`);
  }
}

/** Parses a finite decimal number, or throws an InputError naming the line. */
function parseNumber(text: string, where: string, what: string): number {
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw new InputError(`${where}: ${what} ${JSON.stringify(text)} is not a finite number`);
  return value;
}

/** Reads a qrels file: for each user (in order of first appearance), its items and their relevance. */
export async function readQrels(file: string): Promise<Map<string, Map<string, number>>> {
  requireFile(file, 'truth (qrels) file');
  const truth = new Map<string, Map<string, number>>();
  for await (const { fields, where } of trecRecords(file, 'user 0 item relevance')) {
    const [user, , item, relText] = fields;
    const relevance = parseNumber(relText, where, 'relevance');
    let items = truth.get(user);
    if (!items) truth.set(user, (items = new Map()));
    if (items.has(item)) throw new InputError(`${where}: item ${item} listed twice for user ${user}`);
    items.set(item, relevance);
  }
  // A mean over no users is undefined; an empty truth file is almost surely the wrong file.
  if (truth.size === 0) throw new InputError(`${file}: truth (qrels) file has no lines`);
  return truth;
}

/** Reads a run file; every line is checked, but only users in `keep` are stored. */
export async function readRun(file: string, keep: ReadonlySet<string>): Promise<Map<string, RankedEntry[]>> {
  requireFile(file, 'rankings (run) file');
  const run = new Map<string, RankedEntry[]>();
  const seen = new Map<string, Set<string>>();
  for await (const { fields, where } of trecRecords(file, 'user Q0 item rank score tag')) {
    const [user, , item, , scoreText] = fields;
    const score = parseNumber(scoreText, where, 'score');
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

/**
 * Compares two strings by code point (the order of their UTF-8 bytes). JS `<` compares UTF-16 units, which
 * puts astral characters (surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF; moving the surrogates above
 * that range restores code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 unit's place in code point order (exact for the first unit where two well-formed strings differ). */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** Orders a user's entries: score descending, then item id descending (trec_eval's tie-break). */
export function orderRanking(entries: RankedEntry[]): RankedEntry[] {
  return [...entries].sort((a, b) => b.score - a.score || compareCodePoints(b.item, a.item));
}

export interface TrecEvaluation {
  users: string[];
  perUser: Record<string, Float64Array>;
  means: Record<string, number>;
}

/**
 * Scores a run against qrels. The mean is over the users of the truth file; a user without a ranking, or
 * with no item of relevance > 0, scores 0 and still counts; run lines of users absent from the truth are
 * ignored.
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
  const rankWidth = Math.max(1, numRelevant.reduce((a, b) => Math.max(a, b), 0));
  const perUser = perUserMetrics(ranksFromRelevance(rel, width, rankWidth), rankWidth, numRelevant, requested);
  const means = Object.fromEntries(Object.entries(perUser).map(([key, values]) => [key, mean(values)]));
  return { users, perUser, means };
}

/** One run line; the score in JavaScript's shortest round-trip form, so it reads back as the same float64. */
export function runLine(user: string, item: string, rank: number, score: number, tag: string): string {
  return `${user} Q0 ${item} ${rank} ${score} ${tag}\n`;
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
export function rankingsText(data: Interactions, users: Int32Array, rankings: Rankings, tag: string): string {
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
export function qrelsText(data: Interactions, targets: UserLists): string {
  const lines: string[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    const items = new Set(targets.items.subarray(targets.offsets[u], targets.offsets[u + 1]));
    for (const item of items) lines.push(`${data.userIds[u]} 0 ${data.itemIds[item]} 1\n`);
  }
  return lines.join('');
}
