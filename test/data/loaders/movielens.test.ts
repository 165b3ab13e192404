import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { movielens } from '../../../src/data/loaders/movielens';
import { InputError, RunError } from '../../../src/util/errors';
import { REPO } from '../../helpers/cli';
import { csr, fixture, LENIENT, loadSource, sourceConfig } from '../../helpers/source-load';

const RATINGS_CSV = fixture('movielens', 'ratings.csv');
const MOVIES_CSV = fixture('movielens', 'movies.csv');
const MOVIES_DAT = fixture('movielens', 'movies.dat');
const U_ITEM = fixture('movielens', 'u.item');
/** the older fixtures, shared with test/data/loaders.test.ts */
const ML_100K = join(REPO, 'datasets', 'fixtures', 'ml-100k.data');
const ML_1M = join(REPO, 'datasets', 'fixtures', 'ml-1m.dat.gz');

test('movielens ml-csv: header skipped, half stars stored doubled; movies.csv genres strings as categories', async () => {
  const { data, messages } = await loadSource(
    movielens,
    `data.movielens.path=${RATINGS_CSV}`,
    'data.movielens.format=ml-csv',
    `data.movielens.movies_path=${MOVIES_CSV}`,
    LENIENT,
  );
  assert.equal(data.name, 'ml-csv');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5],
    items: [1, 2, 0, 0, 2],
    timestamps: [1147868817, 1147868817, 1147880044, 1147868828, 1147868828],
    // 3.5, 3.0, 5.0; 0.5, 4.0 stars
    ratings: [7, 6, 10, 1, 8],
    behaviors: null,
    behaviorNames: [],
    // 296 and 306 share "Comedy|Crime|Drama|Thriller" (306's quoted title has a comma); 1 has its own
    itemCategory: [0, 0, 1],
    numCategories: 2,
    userIds: ['1', '2'],
    itemIds: ['296', '306', '1'],
  });
  assert.ok(messages.includes(`${RATINGS_CSV}: 2 of 8 lines malformed (25%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${RATINGS_CSV}:5: rating "4.25" is not a half star in 0.5..5`));
  assert.ok(messages.includes(`  ${RATINGS_CSV}:8: expected 4 fields (user item rating timestamp) separated by commas, got 2 (the last line: truncated file?)`));
  assert.ok(messages.includes(`${MOVIES_CSV}: 2 of 7 lines malformed (29%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${MOVIES_CSV}:6: movie id "x" is not a whole number`));
  assert.ok(messages.includes(`  ${MOVIES_CSV}:7: expected movieId,title,genres, got 2 fields (the last line: truncated file?)`));
});

test('movielens ml-csv: min_rating is in stars, half stars included', async () => {
  const { data, messages } = await loadSource(
    movielens,
    `data.movielens.path=${RATINGS_CSV}`,
    'data.movielens.format=ml-csv',
    'data.movielens.min_rating=3.5',
    LENIENT,
  );
  assert.deepEqual(csr(data), {
    offsets: [0, 2, 3],
    items: [1, 0, 2],
    timestamps: [1147868817, 1147880044, 1147868828],
    ratings: [7, 10, 8],
    behaviors: null,
    behaviorNames: [],
    itemCategory: [-1, -1, -1],
    numCategories: 0,
    userIds: ['1', '2'],
    itemIds: ['296', '306', '1'],
  });
  assert.ok(messages.includes('movielens: 2 ratings below data.movielens.min_rating 3.5 left out'));
});

test('movielens: ratings.csv is not told by auto; the message names ml-csv', async () => {
  await assert.rejects(
    loadSource(movielens, `data.movielens.path=${RATINGS_CSV}`),
    (err: unknown) => err instanceof InputError && err.message.includes(`${RATINGS_CSV}:1: cannot tell the MovieLens format`) && err.message.includes('ml-csv'),
  );
});

test('movielens ml-100k with u.item (latin-1): the flagged genre names joined as the category', async () => {
  const { data, messages } = await loadSource(movielens, `data.movielens.path=${ML_100K}`, `data.movielens.movies_path=${U_ITEM}`, LENIENT);
  assert.deepEqual(csr(data), {
    offsets: [0, 4, 6, 8],
    items: [1, 0, 2, 4, 0, 2, 3, 1],
    timestamps: [300, 500, 500, 500, 400, 400, 50, 100],
    ratings: [5, 4, 2, 3, 3, 1, 4, 3],
    behaviors: null,
    behaviorNames: [],
    // 100 Crime|Drama|Thriller, 200 Horror, 300 Adventure|Sci-Fi, 400 malformed in u.item, 500 Adventure|Children's
    itemCategory: [0, 1, 2, -1, 3],
    numCategories: 4,
    userIds: ['7', '8', '9'],
    itemIds: ['100', '200', '300', '400', '500'],
  });
  assert.ok(messages.includes(`${U_ITEM}: 2 of 6 lines malformed (33%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${U_ITEM}:4: expected 24 fields (5, then 19 genre flags) separated by "|", got 23`));
  assert.ok(messages.includes(`  ${U_ITEM}:6: genre flag 1 (Action) "x" is not 0 or 1 (the last line: truncated file?)`));
});

test('movielens ml-1m with movies.dat, read as latin-1; inputFiles names both files', async () => {
  const sets = [`data.movielens.path=${ML_1M}`, `data.movielens.movies_path=${MOVIES_DAT}`];
  const { data, messages } = await loadSource(movielens, ...sets, LENIENT);
  assert.deepEqual(Array.from(data.itemCategory), [0, 1, 2, 0]);
  assert.equal(data.numCategories, 3);
  assert.deepEqual(data.itemIds, ['1193', '661', '914', '1357']);
  assert.ok(messages.includes(`${MOVIES_DAT}: 1 of 6 lines malformed (17%), not loaded:`), messages.join('\n'));
  // the byte 0xE9 is é in latin-1 (as UTF-8 it would be U+FFFD)
  assert.ok(messages.includes(`  ${MOVIES_DAT}:5: movie id "7\u00e9" is not a whole number`));
  assert.deepEqual(movielens.inputFiles?.(sourceConfig(movielens, sets)), [ML_1M, MOVIES_DAT]);
  assert.deepEqual(movielens.inputFiles?.(sourceConfig(movielens, sets.slice(0, 1))), [ML_1M]);
});

test('movielens: a movie list of another release makes every line malformed; a missing one is an InputError naming the key', async () => {
  await assert.rejects(
    loadSource(movielens, `data.movielens.path=${ML_1M}`, `data.movielens.movies_path=${MOVIES_CSV}`, LENIENT),
    (err: unknown) => err instanceof RunError && err.message.includes(`${MOVIES_CSV}: 7 of 7 lines malformed (100%)`),
  );
  const missing = fixture('movielens', 'no-such-movies.dat');
  await assert.rejects(
    loadSource(movielens, `data.movielens.path=${ML_1M}`, `data.movielens.movies_path=${missing}`),
    (err: unknown) => err instanceof InputError && err.message.includes(missing) && err.message.includes('data.movielens.movies_path'),
  );
});
