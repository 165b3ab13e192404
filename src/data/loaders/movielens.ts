import { int, oneOf, str } from '../../config/spec';
import { InputError } from '../../util/errors';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from '../sources';
import { nonNumericId } from './fields';
import { FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';

/** Field separator of each format, and its name in messages; the fields are user, item, rating, timestamp in both. */
const SEPARATORS = { 'ml-100k': ['\t', 'tabs'], 'ml-1m': ['::', '"::"'] } as const;
type Format = keyof typeof SEPARATORS;
const ROLES = ['user id', 'item id', 'rating', 'timestamp'];
const role = (index: number) => ROLES[index];

/** The format a file's first line is written in. */
function detectFormat(file: string, firstLine: string): Format {
  if (firstLine.includes('::')) return 'ml-1m';
  if (firstLine.includes('\t')) return 'ml-100k';
  throw new InputError(`${file}:1: cannot tell the MovieLens format (no tab, no "::"); set data.movielens.format`);
}

/** MovieLens 100K `u.data` and 1M `ratings.dat`: one rating per line, user item rating timestamp. */
export const movielens: DataSource = {
  name: 'movielens',
  doc: 'MovieLens ratings: ML-100K u.data (tab-separated) or ML-1M ratings.dat (`::`-separated), user item rating timestamp',
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: {
    path: str('', 'u.data or ratings.dat (gzip when the name ends in .gz)'),
    format: oneOf(['auto', 'ml-100k', 'ml-1m'], 'auto', 'ml-100k: tab-separated (u.data); ml-1m: `::`-separated (ratings.dat); auto: told by the first line'),
    min_rating: int(0, 'keep only ratings of at least this (0 keeps all)', { min: 0, max: 5 }),
  },
  inputFiles: (config) => [sourceFile(config, 'movielens')],
  async load(config, reporter) {
    const file = sourceFile(config, 'movielens');
    const chosen = config.str('data.movielens.format');
    let format = chosen === 'auto' ? null : (chosen as Format);
    const minRating = config.int('data.movielens.min_rating');
    const builder = new InteractionsBuilder({ ratings: true, behaviors: false });
    let belowMin = 0;
    await parseLines(
      file,
      (line) => {
        format ??= detectFormat(file, line);
        const [separator, separatorName] = SEPARATORS[format];
        const fields = line.split(separator);
        if (fields.length !== 4) return `expected 4 fields (user item rating timestamp) separated by ${separatorName}, got ${fields.length}`;
        const bad = nonNumericId(fields, role);
        if (bad) return bad;
        const rating = Number(fields[2]);
        if (rating < 1 || rating > 5) return `rating ${rating} is not in 1..5`;
        if (rating < minRating) belowMin += 1;
        else builder.add(fields[0], fields[1], Number(fields[3]), rating);
        return null;
      },
      config,
      reporter,
    );
    if (minRating > 0) reporter.info(`movielens: ${belowMin} ratings below data.movielens.min_rating ${minRating} left out`);
    // set by the first line: an empty file has already failed
    return builder.build(format as Format);
  },
};
