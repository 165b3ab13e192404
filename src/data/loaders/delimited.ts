import type { ResolvedConfig } from '../../config/resolved';
import { bool, int, oneOf, str } from '../../config/spec';
import { ConfigError, InputError } from '../../util/errors';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { isWholeNumber } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile, type LineParser } from './line-file';
import { dateSeconds, decimalNumber, isoSeconds } from './times';
import { textInputFiles, textKeys, textSourceOf, withItemTexts } from '../text/text-source';

const milliseconds = (ms: number | null) => (ms === null ? null : ms / 1000);

/** Each time format: its parser (to unix seconds, null when malformed) and its description in messages. */
const TIME_FORMATS: Record<string, { parse: (text: string) => number | null; what: string }> = {
  unix_seconds: { parse: decimalNumber, what: 'a number of seconds' },
  unix_ms: { parse: (text) => milliseconds(decimalNumber(text)), what: 'a number of milliseconds' },
  iso: { parse: isoSeconds, what: 'ISO 8601 (YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM])' },
  date: { parse: dateSeconds, what: 'a date YYYY-MM-DD' },
};
/** The builder codes behaviour types in one byte. */
const MAX_BEHAVIORS = 256;
const UNSET = -1;

/** Where each field is (a 0-based column, or UNSET) and how the lines are split. */
interface Layout {
  readonly separator: string;
  readonly header: boolean;
  readonly user: number;
  readonly item: number;
  readonly time: number;
  readonly timeFormat: (typeof TIME_FORMATS)[string];
  readonly rating: number;
  readonly category: number;
  readonly behavior: number;
  /** the fields a line needs: one past the last column read */
  readonly width: number;
}

const column = (doc: string) => int(UNSET, doc, { min: UNSET });

/** A config error naming the key. */
const keyError = (config: ResolvedConfig, key: string, problem: string) =>
  new ConfigError(`${config.source}: data.delimited.${key}: ${problem}`);

function requiredColumn(config: ResolvedConfig, key: string): number {
  const index = config.int(`data.delimited.${key}`);
  if (index === UNSET) throw keyError(config, key, 'required with data.source delimited (a 0-based column number)');
  return index;
}

function separatorOf(config: ResolvedConfig): string {
  const separator = config.str('data.delimited.separator');
  if (separator === '') throw keyError(config, 'separator', 'empty (write tab for a tab)');
  return separator === 'tab' ? '\t' : separator;
}

function readLayout(config: ResolvedConfig): Layout {
  const optional = (key: string) => config.int(`data.delimited.${key}`);
  const columns = {
    user: requiredColumn(config, 'user_column'),
    item: requiredColumn(config, 'item_column'),
    time: optional('time_column'),
    rating: optional('rating_column'),
    category: optional('category_column'),
    behavior: optional('behavior_column'),
  };
  return {
    ...columns,
    separator: separatorOf(config),
    header: config.bool('data.delimited.header'),
    timeFormat: TIME_FORMATS[config.str('data.delimited.time_format')],
    width: Math.max(...Object.values(columns)) + 1,
  };
}

/** The field at `index`, or undefined for an UNSET column. */
const at = (fields: readonly string[], index: number) => (index === UNSET ? undefined : fields[index]);

/** Why a line's fields are malformed, or null; the fields exist (the line is wide enough). */
function problem(fields: readonly string[], layout: Layout): string | null {
  if (fields[layout.user] === '') return `user id (column ${layout.user}) is empty`;
  if (fields[layout.item] === '') return `item id (column ${layout.item}) is empty`;
  const time = at(fields, layout.time);
  if (time !== undefined && layout.timeFormat.parse(time) === null) return `time "${time}" is not ${layout.timeFormat.what}`;
  const rating = at(fields, layout.rating);
  if (rating !== undefined && !(isWholeNumber(rating) && Number(rating) <= 255)) return `rating "${rating}" is not a whole number in 0..255`;
  if (at(fields, layout.behavior) === '') return `behavior (column ${layout.behavior}) is empty`;
  return null;
}

/**
 * Takes the lines of the file into the builder. Behaviour types are counted as they come: the builder codes
 * them in one byte, and would fail without naming the file or line.
 */
function lineParser(file: string, layout: Layout, builder: InteractionsBuilder): LineParser {
  const behaviors = new Set<string>();
  return (line, lineNumber) => {
    if (layout.header && lineNumber === 1) return null;
    const fields = line.split(layout.separator);
    if (fields.length < layout.width) {
      return `expected at least ${layout.width} fields separated by ${JSON.stringify(layout.separator)}, got ${fields.length}`;
    }
    const bad = problem(fields, layout);
    if (bad) return bad;
    const behavior = at(fields, layout.behavior);
    if (behavior !== undefined && !behaviors.has(behavior)) {
      if (behaviors.size === MAX_BEHAVIORS) {
        throw new InputError(`${file}:${lineNumber}: more than ${MAX_BEHAVIORS} behaviour types in column ${layout.behavior} (data.delimited.behavior_column)`);
      }
      behaviors.add(behavior);
    }
    const time = at(fields, layout.time);
    const timestamp = time === undefined ? lineNumber : (layout.timeFormat.parse(time) as number);
    const rating = at(fields, layout.rating);
    const item = fields[layout.item];
    builder.add(fields[layout.user], item, timestamp, rating === undefined ? undefined : Number(rating), behavior);
    const category = at(fields, layout.category);
    if (category) builder.setItemCategory(item, category);
    return null;
  };
}

/**
 * Any delimited file of interactions, its columns named by 0-based index. Fields are split on the separator
 * as they are: no quoting, no trimming.
 */
export const delimited: DataSource = {
  name: 'delimited',
  doc: 'any delimited file of interactions (one per line), its columns named by 0-based index: user, item and optionally time, rating, category, behaviour',
  hasTimes: (config) => config.int('data.delimited.time_column') >= 0,
  dataKeys: { ...FILE_SOURCE_DATA_KEYS, ...textKeys({}) },
  hasText: (config) => textSourceOf(config) !== 'none',
  keys: {
    path: str('', 'the file (gzip when the name ends in .gz)'),
    separator: str(',', 'the field separator, any string (e.g. ";" or "::"); tab for a tab. Fields are not unquoted or trimmed'),
    header: bool(false, 'skip the first line'),
    user_column: column('0-based column of the user id (required; for session data, the session id)'),
    item_column: column('0-based column of the item id (required)'),
    time_column: column('0-based column of the time; -1: none, the line number stands in (ties keep file order)'),
    time_format: oneOf(Object.keys(TIME_FORMATS), 'unix_seconds', 'how the time column is written: unix_seconds or unix_ms (decimal numbers), iso (ISO 8601, UTC when no zone), date (YYYY-MM-DD, midnight UTC)'),
    rating_column: column('0-based column of the rating, a whole number 0..255 (-1: none)'),
    category_column: column('0-based column of the item category, kept as written; an empty field leaves it unknown (-1: none)'),
    behavior_column: column('0-based column of the behaviour type, kept as written, at most 256 types (-1: none)'),
  },
  inputFiles: (config) => [sourceFile(config, 'delimited'), ...textInputFiles(config)],
  async load(config, reporter, reads = []) {
    const layout = readLayout(config);
    const file = sourceFile(config, 'delimited');
    const builder = new InteractionsBuilder({ ratings: layout.rating !== UNSET, behaviors: layout.behavior !== UNSET });
    await parseLines(file, lineParser(file, layout, builder), config, reporter, reads);
    return withItemTexts(builder.build(datasetName(file)), null, config, reporter, reads);
  },
};
