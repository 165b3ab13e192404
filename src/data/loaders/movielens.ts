import type { ResolvedConfig } from '../../config/resolved';
import { num, oneOf, str } from '../../config/spec';
import { ConfigError, InputError } from '../../util/errors';
import { requireFile } from '../../util/lines';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { isWholeNumber, nonNumericId } from './fields';
import { FILE_SOURCE_DATA_KEYS, parseLines, sourceFile, type LineParser } from './line-file';
import type { ItemTexts } from '../text/item-texts';
import { itemTextsFor, textInputFiles, textKeys, textSourceOf, withItemTexts } from '../text/text-source';

/**
 * The ratings formats: field separator and its name in messages, the header line (skipped), and whether
 * ratings are half stars. The fields are user, item, rating, timestamp in all three.
 */
const FORMATS = {
  'ml-100k': { separator: '\t', separatorName: 'tabs', header: null, halfStars: false },
  'ml-1m': { separator: '::', separatorName: '"::"', header: null, halfStars: false },
  'ml-csv': { separator: ',', separatorName: 'commas', header: 'userId,movieId,rating,timestamp', halfStars: true },
} as const;
type Format = keyof typeof FORMATS;
const ROLES = ['user id', 'item id', 'timestamp'];
const role = (index: number) => ROLES[index];
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The format a file's first line is written in. ml-csv is chosen only by name: its ratings are stored
 * doubled, which a config should say.
 */
function detectFormat(file: string, firstLine: string): Format {
  if (firstLine.includes('::')) return 'ml-1m';
  if (firstLine.includes('\t')) return 'ml-100k';
  throw new InputError(`${file}:1: cannot tell the MovieLens format (no tab, no "::"); set data.movielens.format (ml-csv for ratings.csv)`);
}

/** The stars of a rating field, or why it is malformed: whole stars 1..5, or half stars 0.5..5 (ml-csv). */
function stars(field: string, halfStars: boolean): number | string {
  if (!halfStars) {
    if (!isWholeNumber(field)) return `rating "${field}" is not a whole number`;
    const rating = Number(field);
    return rating >= 1 && rating <= 5 ? rating : `rating ${rating} is not in 1..5`;
  }
  const rating = DECIMAL.test(field) ? Number(field) : NaN;
  return Number.isInteger(rating * 2) && rating >= 0.5 && rating <= 5 ? rating : `rating "${field}" is not a half star in 0.5..5`;
}

/** The genres of ML-100K's u.item flags, in order (its u.genre). */
const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];
const UITEM_FIELDS = 5 + ML100K_GENRES.length;

/** A movie's raw id, title and genres (`|`-separated), or why its line is malformed. */
type MovieSplit = (line: string) => { id: string; title: string; genres: string } | string;

/** ML-100K `u.item`: id|title|release date|video release date|IMDb URL|19 genre flags; the genres are the flagged names. */
const splitUItem: MovieSplit = (line) => {
  const fields = line.split('|');
  if (fields.length !== UITEM_FIELDS) return `expected ${UITEM_FIELDS} fields (5, then ${ML100K_GENRES.length} genre flags) separated by "|", got ${fields.length}`;
  const flags = fields.slice(5);
  const bad = flags.findIndex((flag) => flag !== '0' && flag !== '1');
  if (bad >= 0) return `genre flag ${bad} (${ML100K_GENRES[bad]}) "${flags[bad]}" is not 0 or 1`;
  return { id: fields[0], title: fields[1], genres: ML100K_GENRES.filter((_, k) => flags[k] === '1').join('|') };
};

/** ML-1M `movies.dat`: MovieID::Title::Genres. */
const splitMoviesDat: MovieSplit = (line) => {
  const fields = line.split('::');
  return fields.length === 3 ? { id: fields[0], title: fields[1], genres: fields[2] } : `expected 3 fields (MovieID::Title::Genres), got ${fields.length}`;
};

/**
 * ML-20M/25M `movies.csv`: movieId,title,genres. A title with commas is quoted, and neither the id nor the
 * genres have commas, so they are the text before the first comma and after the last: no CSV parsing needed.
 */
const splitMoviesCsv: MovieSplit = (line) => {
  const first = line.indexOf(',');
  const last = line.lastIndexOf(',');
  if (first === last) return `expected movieId,title,genres, got ${first < 0 ? 1 : 2} fields`;
  const title = line.slice(first + 1, last);
  const quoted = title.length >= 2 && title.startsWith('"') && title.endsWith('"');
  return { id: line.slice(0, first), title: quoted ? title.slice(1, -1).replace(/""/g, '"') : title, genres: line.slice(last + 1) };
};

/** The movies file that goes with each ratings format: its encoding (the two older ones are latin-1), header and layout. */
const MOVIES: Record<Format, { encoding: BufferEncoding; header: string | null; split: MovieSplit }> = {
  'ml-100k': { encoding: 'latin1', header: null, split: splitUItem },
  'ml-1m': { encoding: 'latin1', header: null, split: splitMoviesDat },
  'ml-csv': { encoding: 'utf8', header: 'movieId,title,genres', split: splitMoviesCsv },
};

/**
 * Gives each movie its genres string, whole, as its one category (`Animation|Children's|Comedy`), as MTAM's
 * released code does: 712 categories on ML-20M. A movie with no genre flag (u.item) keeps no category. With
 * `texts` (data.text.source metadata), its title and genres are its document and the title its display title.
 */
function moviesParser(format: Format, builder: InteractionsBuilder, texts: ItemTexts | null): LineParser {
  const { header, split } = MOVIES[format];
  return (line, lineNumber) => {
    if (lineNumber === 1 && line === header) return null;
    const movie = split(line);
    if (typeof movie === 'string') return movie;
    if (!isWholeNumber(movie.id)) return `movie id "${movie.id}" is not a whole number`;
    if (movie.genres !== '') builder.setItemCategory(movie.id, movie.genres);
    texts?.add(movie.id, `${movie.title}\n${movie.genres.replace(/\|/g, ' ')}`);
    texts?.setTitle(movie.id, movie.title);
    return null;
  };
}

/** The movies file (data.movielens.movies_path), or null when unset. */
function moviesFile(config: ResolvedConfig): string | null {
  const file = config.str('data.movielens.movies_path');
  if (file === '') return null;
  requireFile(file, 'movies file (data.movielens.movies_path)');
  return file;
}

/**
 * MovieLens ratings: 100K `u.data`, 1M `ratings.dat`, or 20M/25M `ratings.csv`; optionally with the movie
 * list for categories. Ratings are stored as integers: whole stars as
 * they are, half stars (ml-csv) doubled, 1..10. data.movielens.min_rating is in stars in every format.
 */
export const movielens: DataSource = {
  name: 'movielens',
  doc: 'MovieLens ratings: ML-100K u.data (tab-separated), ML-1M ratings.dat (`::`-separated) or ML-20M/25M ratings.csv (half stars, stored doubled), user item rating timestamp; optionally the movie list, whose genres string is each movie\'s category',
  dataKeys: { ...FILE_SOURCE_DATA_KEYS, ...textKeys({ metadata: 'each movie\'s title and genres from data.movielens.movies_path' }) },
  hasText: (config) => textSourceOf(config) !== 'none',
  keys: {
    path: str('', 'u.data, ratings.dat or ratings.csv (gzip when the name ends in .gz)'),
    format: oneOf(['auto', ...Object.keys(FORMATS)], 'auto', 'ml-100k: tab-separated (u.data); ml-1m: `::`-separated (ratings.dat); ml-csv: ratings.csv with its header, half stars 0.5..5 stored doubled as 1..10; auto: ml-100k or ml-1m, told by the first line'),
    min_rating: num(0, 'keep only ratings of at least this many stars, in every format (3.5 keeps 3.5 and up in ml-csv, 4 and up elsewhere); 0 keeps all', { min: 0, max: 5 }),
    movies_path: str('', 'optional movie list of the same release: u.item (ml-100k), movies.dat (ml-1m) or movies.csv (ml-csv); each movie\'s genres string, whole, is its category'),
  },
  inputFiles: (config) => [sourceFile(config, 'movielens'), moviesFile(config), ...textInputFiles(config)].filter((file) => file !== null),
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'movielens');
    const movies = moviesFile(config);
    const texts = itemTextsFor(config, 'metadata');
    if (texts !== null && movies === null) {
      throw new ConfigError(`${config.whereIs('data.text.source')}: data.text.source: metadata reads data.movielens.movies_path, which is unset (--set data.movielens.movies_path=u.item)`);
    }
    const chosen = config.str('data.movielens.format');
    let format = chosen === 'auto' ? null : (chosen as Format);
    const minRating = config.num('data.movielens.min_rating');
    const builder = new InteractionsBuilder({ ratings: true, behaviors: false });
    let belowMin = 0;
    await parseLines(
      file,
      (line, lineNumber) => {
        format ??= detectFormat(file, line);
        const { separator, separatorName, header, halfStars } = FORMATS[format];
        if (lineNumber === 1 && line === header) return null;
        const fields = line.split(separator);
        if (fields.length !== 4) return `expected 4 fields (user item rating timestamp) separated by ${separatorName}, got ${fields.length}`;
        const [user, item, ratingField, timestamp] = fields;
        const bad = nonNumericId([user, item, timestamp], role);
        if (bad) return bad;
        const rating = stars(ratingField, halfStars);
        if (typeof rating === 'string') return rating;
        if (rating < minRating) belowMin += 1;
        else builder.add(user, item, Number(timestamp), halfStars ? rating * 2 : rating);
        return null;
      },
      config,
      reporter,
      reads,
    );
    if (minRating > 0) reporter.info(`movielens: ${belowMin} ratings below data.movielens.min_rating ${minRating} left out`);
    // set by the first line: an empty file has already failed
    const read = format as Format;
    if (movies !== null) await parseLines(movies, moviesParser(read, builder, texts), config, reporter, reads, MOVIES[read].encoding);
    return withItemTexts(builder.build(read), texts, config, reporter, reads);
  },
};
