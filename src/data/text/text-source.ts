import type { ResolvedConfig } from '../../config/resolved';
import { bool, int, oneOf, prefixed, str, type Schema } from '../../config/spec';
import { ConfigError } from '../../util/errors';
import { requireFile } from '../../util/lines';
import type { Reporter } from '../../util/reporter';
import type { Interactions } from '../interactions';
import type { FileRead } from '../loaders/bad-rows';
import { parseLines, type LineParser } from '../loaders/line-file';
import { attachTexts, ItemTexts } from './item-texts';

/** `data.text.source file`: a file of item texts, which every source with text keys can read. */
const FILE_KIND = { file: 'data.text.path, one item per line' };

/**
 * The data.text.* keys of a source that reads item text, with the kinds of text it reads besides a text file
 * (kind: what it reads). Declared by each such source, so data.text.source allows exactly its kinds.
 */
export function textKeys(kinds: Readonly<Record<string, string>>): Schema {
  const all = { ...kinds, ...FILE_KIND };
  return prefixed('text', {
    source: oneOf(['none', ...Object.keys(all)], 'none', `item text for text models: none; ${Object.entries(all).map(([kind, what]) => `${kind}: ${what}`).join('; ')}`),
    path: str('', 'data.text.source file: `item id<TAB>text` or `item id,text` per line (split at the first tab, or else the first comma; a text in double quotes loses them and reads "" as "); an id given twice gets both texts; gzip when the name ends in .gz'),
    header: bool(false, 'data.text.source file: skip the first line'),
    stop_words: bool(true, 'leave out English stop words (src/data/text/stop-words.ts)'),
    min_count: int(5, 'keep only words in the documents of at least this many items, counted after data.preprocess (the paper: 5)', { min: 1 }),
    max_length: int(300, 'keep each item\'s first max_length words, after the stop words and rare words are gone', { min: 1 }),
    missing: oneOf(['drop', 'empty'], 'drop', 'items without words (no text, or only stop words): drop them and their interactions before data.preprocess (the paper), or keep them with an empty document; counted and reported either way'),
  });
}

/** data.text.source, or none for a source without text keys. */
export function textSourceOf(config: ResolvedConfig): string {
  return config.has('data.text.source') ? config.str('data.text.source') : 'none';
}

/** A collector for the item texts when data.text.source is `kind`, else null. */
export function itemTextsFor(config: ResolvedConfig, kind: string): ItemTexts | null {
  return textSourceOf(config) === kind ? new ItemTexts(config.bool('data.text.stop_words')) : null;
}

/** The text file when data.text.source is file: a ConfigError when data.text.path is unset, an InputError when missing. */
function textFile(config: ResolvedConfig): string | null {
  if (textSourceOf(config) !== 'file') return null;
  const file = config.str('data.text.path');
  if (file === '') throw new ConfigError(`${config.whereIs('data.text.source')}: data.text.source: file reads data.text.path, which is unset (--set data.text.path=FILE)`);
  requireFile(file, 'item text file (data.text.path)');
  return file;
}

/** The text file among a source's input files (for the cache key and the run's record): none or one. */
export function textInputFiles(config: ResolvedConfig): string[] {
  const file = textFile(config);
  return file === null ? [] : [file];
}

/** A quoted CSV text without its quotes, "" read as ", or why it is malformed. */
function unquote(text: string): string | null {
  if (!text.startsWith('"')) return text;
  if (text.length < 2 || !text.endsWith('"')) return null;
  return text.slice(1, -1).replace(/""/g, '"');
}

/** Reads data.text.path into `texts`: each line an item id, a tab (or a comma) and its text. */
async function readTextFile(file: string, texts: ItemTexts, config: ResolvedConfig, reporter: Reporter, reads: FileRead[]): Promise<void> {
  const header = config.bool('data.text.header');
  const parse: LineParser = (line, lineNumber) => {
    if (header && lineNumber === 1) return null;
    const tab = line.indexOf('\t');
    const cut = tab >= 0 ? tab : line.indexOf(',');
    if (cut < 0) return 'expected an item id, a tab or a comma, and the text';
    const item = line.slice(0, cut);
    if (item === '') return 'empty item id';
    const text = unquote(line.slice(cut + 1));
    if (text === null) return 'a text that opens a double quote must close it at the end of the line (a text over several lines is not read)';
    texts.add(item, text);
    return null;
  };
  await parseLines(file, parse, config, reporter, reads);
}

/**
 * The end of a text-reading source's load: reads data.text.path when data.text.source is file, then gives
 * the items their documents and titles (attachTexts). `texts` is the collector the source filled (its own
 * kind of text), or null; the data is returned as it is when data.text.source is none.
 */
export async function withItemTexts(data: Interactions, texts: ItemTexts | null, config: ResolvedConfig, reporter: Reporter, reads: FileRead[]): Promise<Interactions> {
  const file = textFile(config);
  const collected = texts ?? itemTextsFor(config, 'file');
  if (collected === null) return data;
  if (file !== null) await readTextFile(file, collected, config, reporter, reads);
  return attachTexts(data, collected, `data.text.source ${textSourceOf(config)}`, reporter);
}
