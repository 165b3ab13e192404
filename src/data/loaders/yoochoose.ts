import type { ResolvedConfig } from '../../config/resolved';
import { oneOf, str } from '../../config/spec';
import { ConfigError, InputError } from '../../util/errors';
import { requireFile } from '../../util/lines';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { nonNumericId } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile, type LineParser } from './line-file';
import { decimalNumber, isoSeconds } from './times';

type Format = 'clicks' | 'prepared';
const ROLES = ['session id', 'item id'];
const role = (index: number) => ROLES[index];
/** the columns of session-rec's prepared files that are read, by header name */
const PREPARED_COLUMNS = ['SessionId', 'ItemId', 'Time'];

/** The format a file's first line is written in: session-rec's header is tab-separated, the raw file comma-separated. */
function detectFormat(file: string, firstLine: string): Format {
  if (firstLine.includes('\t')) return 'prepared';
  if (firstLine.includes(',')) return 'clicks';
  throw new InputError(`${file}:1: cannot tell the YOOCHOOSE format (no tab, no comma); set data.yoochoose.format`);
}

/**
 * Checks the first line against the format the config names: each format's every line is malformed in the
 * other, so a file of the other format fails at once with the setting that reads it, not with a count of
 * malformed lines (session-rec's prepared files are what most users have, and a preset may name clicks).
 */
function checkFormat(config: ResolvedConfig, file: string, chosen: Format, firstLine: string): void {
  const actual: Format | null = firstLine.includes('\t') ? 'prepared' : firstLine.includes(',') ? 'clicks' : null;
  if (actual === null || actual === chosen) return;
  const what = actual === 'prepared' ? "session-rec's prepared format (a tab-separated header, SessionId ItemId Time)" : 'raw yoochoose-clicks.dat (session,time,item,category)';
  throw new ConfigError(`${config.source}: data.yoochoose.format: ${chosen}, but ${file} is ${what}; set data.yoochoose.format=${actual} (--set data.yoochoose.format=${actual}) or auto`);
}

/** Why an ISO time field is malformed, or null. */
const badTime = (time: string) => (isoSeconds(time) === null ? `time "${time}" is not ISO 8601 (YYYY-MM-DDTHH:MM:SS.sssZ)` : null);

/**
 * `yoochoose-clicks.dat`: `session,time,item,category`. The category is kept as written: `0` (none given),
 * `S` (a special offer), 1..12 (a category) or a brand id; an item whose category changes keeps the last.
 */
function clickParser(builder: InteractionsBuilder, behavior: string | undefined): LineParser {
  return (line) => {
    const fields = line.split(',');
    if (fields.length !== 4) return `expected 4 fields (session,time,item,category), got ${fields.length}`;
    const [session, time, item, category] = fields;
    const bad = nonNumericId([session, item], role) ?? badTime(time) ?? (category === '' ? 'category is empty' : null);
    if (bad) return bad;
    builder.add(session, item, isoSeconds(time) as number, undefined, behavior);
    builder.setItemCategory(item, category);
    return null;
  };
}

/** `yoochoose-buys.dat`: `session,time,item,price,quantity`; each row is a 'buy' of the session's user. */
function buyParser(builder: InteractionsBuilder): LineParser {
  return (line) => {
    const fields = line.split(',');
    if (fields.length !== 5) return `expected 5 fields (session,time,item,price,quantity), got ${fields.length}`;
    const [session, time, item] = fields;
    const bad = nonNumericId([session, item], role) ?? badTime(time);
    if (bad) return bad;
    builder.add(session, item, isoSeconds(time) as number, undefined, 'buy');
    return null;
  };
}

/** The positions of SessionId, ItemId and Time in session-rec's header line, and its field count. */
function preparedColumns(file: string, header: string): { at: number[]; width: number } {
  const names = header.split('\t');
  const at = PREPARED_COLUMNS.map((name) => names.indexOf(name));
  if (at.includes(-1)) {
    throw new InputError(`${file}:1: expected a tab-separated header naming ${PREPARED_COLUMNS.join(', ')}, got "${header}"`);
  }
  return { at, width: names.length };
}

/**
 * session-rec's prepared files (`data/rsc15/prepared/*.txt`): a tab-separated header naming at least
 * SessionId, ItemId and Time (unix seconds with a fraction), then one click per line.
 */
function preparedParser(file: string, builder: InteractionsBuilder): LineParser {
  let columns: { at: number[]; width: number } | null = null;
  return (line) => {
    if (columns === null) {
      columns = preparedColumns(file, line);
      return null;
    }
    const fields = line.split('\t');
    if (fields.length !== columns.width) return `expected ${columns.width} tab-separated fields, got ${fields.length}`;
    const [session, item, time] = columns.at.map((index) => fields[index]);
    const bad = nonNumericId([session, item], role);
    if (bad) return bad;
    const timestamp = decimalNumber(time);
    if (timestamp === null) return `Time "${time}" is not a number of seconds`;
    builder.add(session, item, timestamp);
    return null;
  };
}

/** The buys file (data.yoochoose.buys_path), or null when unset. */
function buysFile(config: ResolvedConfig): string | null {
  const file = config.str('data.yoochoose.buys_path');
  if (file === '') return null;
  requireFile(file, 'buys file (data.yoochoose.buys_path)');
  return file;
}

/**
 * YOOCHOOSE (RecSys Challenge 2015) clicks, optionally with the buys, or session-rec's prepared sample of the
 * clicks. The data has no user ids: each session is a user (session-as-user), as in GRU4Rec and its
 * followers, so "users" are sessions in every statistic and split.
 */
export const yoochoose: DataSource = {
  name: 'yoochoose',
  doc: 'YOOCHOOSE clicks (yoochoose-clicks.dat, optionally joined by yoochoose-buys.dat) or session-rec\'s prepared `SessionId\\tItemId\\tTime` file; each session is a user',
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: {
    path: str('', 'yoochoose-clicks.dat or a session-rec prepared file, e.g. yoochoose-clicks-100k_train_full.txt (gzip when the name ends in .gz)'),
    format: oneOf(['auto', 'clicks', 'prepared'], 'auto', 'clicks: the raw `session,time,item,category`; prepared: session-rec\'s tab-separated file with a header; auto: told by the first line'),
    buys_path: str('', 'optional yoochoose-buys.dat (raw clicks only): its rows join their sessions as behaviour buy, the clicks becoming click'),
  },
  inputFiles: (config) => [sourceFile(config, 'yoochoose'), buysFile(config)].filter((file) => file !== null),
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'yoochoose');
    const buys = buysFile(config);
    const builder = new InteractionsBuilder({ ratings: false, behaviors: buys !== null });
    const parserFor = (format: Format): LineParser => {
      if (format === 'clicks') return clickParser(builder, buys === null ? undefined : 'click');
      // The prepared files drop sessions and items by support, and the buys would bring them back.
      if (buys !== null) {
        throw new ConfigError(`${config.source}: data.yoochoose.buys_path: joins the raw clicks only, and ${file} is a session-rec prepared file`);
      }
      return preparedParser(file, builder);
    };
    const chosen = config.str('data.yoochoose.format');
    let parse: LineParser | null = null;
    await parseLines(
      file,
      (line, lineNumber) => {
        if (parse === null) {
          if (chosen !== 'auto') checkFormat(config, file, chosen as Format, line);
          parse = parserFor(chosen === 'auto' ? detectFormat(file, line) : (chosen as Format));
        }
        return parse(line, lineNumber);
      },
      config,
      reporter,
      reads,
    );
    if (buys !== null) await parseLines(buys, buyParser(builder), config, reporter, reads);
    return builder.build(datasetName(file));
  },
};
