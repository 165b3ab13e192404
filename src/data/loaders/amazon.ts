import type { ResolvedConfig } from '../../config/resolved';
import { int, oneOf, str } from '../../config/spec';
import { ConfigError, InputError } from '../../util/errors';
import { requireFile } from '../../util/lines';
import type { Reporter } from '../../util/reporter';
import { InteractionsBuilder } from '../build-interactions';
import type { FileRead } from './bad-rows';
import type { Interactions } from '../interactions';
import type { DataSource } from './source';
import { isWholeNumber } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile, type LineParser } from './line-file';
import { parsePythonLiteral, PythonLiteralError, type PythonValue } from './python-literal';
import type { ItemTexts } from '../text/item-texts';
import { itemTextsFor, textInputFiles, textKeys, textSourceOf, withItemTexts } from '../text/text-source';

type Format = 'ratings_csv' | 'reviews_json';

/** One rating as read from a review file: the line is malformed when its parser returns a reason instead. */
interface Review {
  readonly user: string;
  readonly item: string;
  readonly rating: number;
  readonly timestamp: number;
  /** the review's summary and text (review JSON lines; '' for the CSV) */
  readonly text: string;
}

/** The fields of one JSON object or Python dict. */
type Fields = Readonly<Record<string, unknown>>;

const isRating = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5;
const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isSeconds = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isPath = (value: unknown): value is string[] => Array.isArray(value) && value.every((name) => typeof name === 'string');

/** Why a field of a review or metadata record is unusable: `no <key>` when absent, else the key, its value and what it should be. */
function fieldReason(key: string, value: unknown, expected: string): string {
  return value === undefined ? `no ${key}` : `${key} ${JSON.stringify(value)} is not ${expected}`;
}

/** The object on a line of JSON, or why there is none. */
function jsonObject(line: string): Fields | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : 'not a JSON object';
}

/** 2014 ratings-only CSV: `user,item,rating,timestamp`, no header; ratings written as 5.0, times in unix seconds. */
function reviewFromCsv(line: string): Review | string {
  const fields = line.split(',');
  if (fields.length !== 4) return `expected 4 fields (user,item,rating,timestamp) separated by commas, got ${fields.length}`;
  const [user, item, ratingText, time] = fields;
  if (user === '') return 'empty user id';
  if (item === '') return 'empty item id';
  const rating = Number(ratingText);
  if (!isRating(rating)) return `rating "${ratingText}" is not a whole number in 1..5`;
  if (!isWholeNumber(time)) return `timestamp "${time}" is not a whole number`;
  return { user, item, rating, timestamp: Number(time), text: '' };
}

/** A review line of the 2014 or 2018 JSON files: reviewerID, asin, overall (1.0..5.0), unixReviewTime. */
function reviewFromJson(line: string): Review | string {
  const record = jsonObject(line);
  if (typeof record === 'string') return record;
  const { reviewerID: user, asin: item, overall: rating, unixReviewTime: timestamp } = record;
  if (!isId(user)) return fieldReason('reviewerID', user, 'a non-empty string');
  if (!isId(item)) return fieldReason('asin', item, 'a non-empty string');
  if (!isRating(rating)) return fieldReason('overall', rating, 'a whole number in 1..5');
  if (!isSeconds(timestamp)) return fieldReason('unixReviewTime', timestamp, 'a whole number of seconds');
  const text = [record.summary, record.reviewText].filter((part) => typeof part === 'string').join('\n');
  return { user, item, rating, timestamp, text };
}

const REVIEW_PARSERS: Record<Format, (line: string) => Review | string> = { ratings_csv: reviewFromCsv, reviews_json: reviewFromJson };

/** An item's category path: the first of 2014's `categories` paths or 2018's `category` list; [] when none. */
function categoryPath(record: Fields): string[] | string {
  const { categories, category } = record;
  if (categories !== undefined) {
    if (!Array.isArray(categories)) return fieldReason('categories', categories, 'a list of category paths');
    if (categories.length === 0) return [];
    return isPath(categories[0]) ? categories[0] : fieldReason('categories[0]', categories[0], 'a list of strings');
  }
  if (category === undefined) return [];
  return isPath(category) ? category : fieldReason('category', category, 'a list of strings');
}

/** The element of a path that `data.amazon.category_level` picks: -1 the last, k >= 0 the k-th or the last if shorter. */
function pickLevel(path: readonly string[], level: number): string | undefined {
  return path.length === 0 ? undefined : path[level < 0 || level >= path.length ? path.length - 1 : level];
}

/** A metadata line as an object, or why it is not one: a Python dict literal (2014) or a JSON object (2018). */
function metaRecord(line: string, python: boolean): Fields | string {
  if (!python) return jsonObject(line);
  let value: PythonValue;
  try {
    value = parsePythonLiteral(line);
  } catch (err) {
    if (err instanceof PythonLiteralError) return `not a Python literal: ${err.message}`;
    throw err;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : 'not a Python dict';
}

/**
 * The category names, one copy of each. Millions of metadata items share a few thousand names, and the
 * literal parser's strings are slices of their line, which V8 keeps alive behind a slice of 13+ characters
 * (asins, 10 characters, V8 copies by itself).
 */
function categoryInterner(): (name: string) => string {
  const copies = new Map<string, string>();
  return (name) => {
    let copy = copies.get(name);
    if (copy === undefined) {
      copy = Buffer.from(name, 'utf8').toString('utf8');
      copies.set(copy, copy);
    }
    return copy;
  };
}

/** The metadata file that `data.amazon.meta_path` names, or null when unset. */
function metaFile(config: ResolvedConfig): string | null {
  const file = config.str('data.amazon.meta_path');
  if (file === '') return null;
  requireFile(file, 'metadata file (data.amazon.meta_path)');
  return file;
}

/**
 * Reads the review file into the builder, the format chosen by data.amazon.format or told by the first line;
 * with `texts` (data.text.source reviews), each review's summary and text are appended to its item's document.
 */
async function readReviews(file: string, builder: InteractionsBuilder, texts: ItemTexts | null, config: ResolvedConfig, reporter: Reporter, reads: FileRead[]): Promise<void> {
  const chosen = config.str('data.amazon.format');
  let parse = chosen === 'auto' ? null : REVIEW_PARSERS[chosen as Format];
  const parseLine: LineParser = (line, lineNumber) => {
    parse ??= REVIEW_PARSERS[line.startsWith('{') ? 'reviews_json' : 'ratings_csv'];
    if (texts !== null && parse === reviewFromCsv) {
      throw new InputError(`${file}:${lineNumber}: data.text.source reviews reads review JSON lines (reviewText, summary), but this is a ratings-only CSV; use the reviews file or another data.text.source`);
    }
    const review = parse(line);
    if (typeof review === 'string') return review;
    builder.add(review.user, review.item, review.timestamp, review.rating);
    texts?.add(review.item, review.text);
    return null;
  };
  await parseLines(file, parseLine, config, reporter, reads);
}

/** HTML tags and character references, which some 2018 descriptions hold: read as spaces. */
const MARKUP = /<[^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi;

/**
 * An item's title and its description as text (2014: a string; 2018: a list of paragraphs), markup read as
 * spaces, or why a field is unusable.
 */
function metaText(record: Fields): { title: string; text: string } | string {
  // absent or None: no title, no description
  const title = record.title ?? '';
  const description = record.description ?? '';
  if (typeof title !== 'string') return fieldReason('title', title, 'a string');
  const paragraphs = typeof description === 'string' ? [description] : description;
  if (!isPath(paragraphs)) return fieldReason('description', description, 'a string or a list of strings');
  return { title, text: [title, ...paragraphs].join('\n').replace(MARKUP, ' ') };
}

/**
 * Gives the builder each metadata item's category (items with no category path are left without one), and
 * with `texts` (data.text.source metadata) each item's title and description as its document, the title
 * also as its display title.
 */
async function readMeta(file: string, builder: InteractionsBuilder, texts: ItemTexts | null, config: ResolvedConfig, reporter: Reporter, reads: FileRead[]): Promise<void> {
  const level = config.int('data.amazon.category_level');
  const intern = categoryInterner();
  let python: boolean | null = null;
  const parseLine: LineParser = (line) => {
    // Python's repr of the 2014 dicts starts `{'asin'`; JSON quotes keys with `"`.
    python ??= line.startsWith("{'");
    const record = metaRecord(line, python);
    if (typeof record === 'string') return record;
    if (!isId(record.asin)) return fieldReason('asin', record.asin, 'a non-empty string');
    const path = categoryPath(record);
    if (typeof path === 'string') return path;
    const described = texts === null ? null : metaText(record);
    if (typeof described === 'string') return described;
    const category = pickLevel(path, level);
    if (category !== undefined) builder.setItemCategory(record.asin, intern(category));
    if (described !== null && texts !== null) {
      texts.add(record.asin, described.text);
      texts.setTitle(record.asin, described.title);
    }
    return null;
  };
  await parseLines(file, parseLine, config, reporter, reads);
}

function reportCategories(data: Interactions, reporter: Reporter): void {
  const known = data.itemCategory.reduce((count, category) => count + (category >= 0 ? 1 : 0), 0);
  reporter.info(`amazon: ${known} of ${data.numItems} items have a category (${data.numCategories} categories)`);
}

/**
 * McAuley et al.'s Amazon review data: the 2014 ratings-only CSVs, the 2014 and 2018 review JSON lines
 * (5-core or full), and optionally the 2014 or 2018 metadata for item categories. Times are whole days, so
 * many of a user's ratings tie; ties keep the file's order.
 */
export const amazon: DataSource = {
  name: 'amazon',
  doc: 'Amazon review data (McAuley et al.): 2014 ratings-only CSV or 2014/2018 review JSON lines, item categories from the 2014 or 2018 metadata',
  dataKeys: {
    ...FILE_SOURCE_DATA_KEYS,
    ...textKeys({
      metadata: 'each item\'s title and description from data.amazon.meta_path (2014 or 2018; HTML markup read as spaces)',
      reviews: 'the summary and text of every review of the item in data.amazon.path, appended in file order (review JSON lines; the text of held-out reviews included)',
    }),
  },
  hasText: (config) => textSourceOf(config) !== 'none',
  keys: {
    path: str('', 'ratings_<Category>.csv (2014), reviews_<Category>_5.json (2014) or <Category>_5.json / <Category>.json (2018); gzip when the name ends in .gz'),
    format: oneOf(['auto', 'ratings_csv', 'reviews_json'], 'auto', 'ratings_csv: `user,item,rating,timestamp` without header; reviews_json: one review object per line; auto: JSON when the first line starts with `{`'),
    meta_path: str('', 'metadata for item categories, meta_<Category>.json (2014: Python dict literals; 2018: JSON lines), gzip when .gz; empty for none'),
    category_level: int(-1, 'which element of an item\'s category path is its category: -1 the last (most specific), k >= 0 the k-th from the top (the last when the path is shorter)', { min: -1 }),
  },
  inputFiles(config) {
    const meta = metaFile(config);
    return [sourceFile(config, 'amazon'), ...(meta === null ? [] : [meta]), ...textInputFiles(config)];
  },
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'amazon');
    const meta = metaFile(config);
    const metaTexts = itemTextsFor(config, 'metadata');
    if (metaTexts !== null && meta === null) {
      throw new ConfigError(`${config.whereIs('data.text.source')}: data.text.source: metadata reads data.amazon.meta_path, which is unset (--set data.amazon.meta_path=meta_<Category>.json.gz)`);
    }
    const reviewTexts = itemTextsFor(config, 'reviews');
    const builder = new InteractionsBuilder({ ratings: true, behaviors: false });
    await readReviews(file, builder, reviewTexts, config, reporter, reads);
    if (meta !== null) await readMeta(meta, builder, metaTexts, config, reporter, reads);
    const data = builder.build(datasetName(file));
    if (meta !== null) reportCategories(data, reporter);
    return withItemTexts(data, metaTexts ?? reviewTexts, config, reporter, reads);
  },
};
