import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delimited } from '../../../src/data/loaders/delimited';
import { ConfigError, InputError } from '../../../src/util/errors';
import { csr, fixture, LENIENT, loadSource } from '../../helpers/source-load';

const DIGINETICA = fixture('delimited', 'train-item-views.csv');
/** Diginetica's train-item-views.csv with the session as the user and the event date as the time. */
const DIGINETICA_LAYOUT = [
  'data.delimited.separator=;',
  'data.delimited.header=true',
  'data.delimited.user_column=0',
  'data.delimited.item_column=2',
  'data.delimited.time_column=4',
  'data.delimited.time_format=date',
];

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-delimited-')), name);
  writeFileSync(file, text);
  return file;
}

test('delimited, Diginetica layout: `;`, a header, dates as midnight UTC, ties in file order', async () => {
  const { data, messages } = await loadSource(delimited, `data.delimited.path=${DIGINETICA}`, ...DIGINETICA_LAYOUT, LENIENT);
  assert.equal(data.name, 'train-item-views');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 4, 5],
    items: [2, 0, 1, 0, 1],
    // 2016-05-08, 2016-05-09 (twice), 2016-05-09, 2016-05-10
    timestamps: [1462665600, 1462752000, 1462752000, 1462752000, 1462838400],
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: [-1, -1, -1],
    numCategories: 0,
    userIds: ['1', '2', '3'],
    itemIds: ['81766', '31331', '9654'],
  });
  assert.ok(messages.includes(`${DIGINETICA}: 2 of 8 lines malformed (25%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${DIGINETICA}:6: expected at least 5 fields separated by ";", got 3`));
  assert.ok(messages.includes(`  ${DIGINETICA}:8: time "2016-13-01" is not a date YYYY-MM-DD (the last line: truncated file?)`));
});

test('delimited: a multi-character separator, ratings, behaviours and categories; no time column: the line number', async () => {
  const file = tempFile(
    'events.dat',
    ['u1::i1::4::click::c1', 'u2::i2::5::buy::c2', 'u1::i2::3::click::', 'u1::i3::x::click::c1', 'u2::i1::2::::c1', 'u2::i3::1::buy::c3', ''].join('\n'),
  );
  const { data, messages } = await loadSource(
    delimited,
    `data.delimited.path=${file}`,
    'data.delimited.separator="::"',
    'data.delimited.user_column=0',
    'data.delimited.item_column=1',
    'data.delimited.rating_column=2',
    'data.delimited.behavior_column=3',
    'data.delimited.category_column=4',
    LENIENT,
  );
  assert.deepEqual(csr(data), {
    offsets: [0, 2, 4],
    items: [0, 1, 1, 2],
    timestamps: [1, 3, 2, 6],
    ratings: [4, 3, 5, 1],
    behaviors: [0, 0, 1, 1],
    behaviorNames: ['click', 'buy'],
    // an empty category field (line 3) leaves i2 with the category of line 2
    itemCategory: [0, 1, 2],
    numCategories: 3,
    userIds: ['u1', 'u2'],
    itemIds: ['i1', 'i2', 'i3'],
  });
  assert.ok(messages.includes(`  ${file}:4: rating "x" is not a whole number in 0..255`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:5: behavior (column 3) is empty`));
});

test('delimited: time formats unix_seconds, unix_ms, iso (UTC without a zone) and tab as the separator', async () => {
  const cases: [string, string[], number[]][] = [
    ['unix_seconds', ['1396867869.277', '1396867869'], [1396867869, 1396867869.277]],
    ['unix_ms', ['1396867869277', '0'], [0, 1396867869.277]],
    ['iso', ['2014-04-07T12:51:09.277+02:00', '2014-04-07T10:51:09'], [1396867869, 1396867869.277]],
  ];
  for (const [format, times, expected] of cases) {
    const file = tempFile('times.tsv', times.map((time, k) => `u\ti${k}\t${time}\n`).join(''));
    const sets = ['data.delimited.separator=tab', 'data.delimited.user_column=0', 'data.delimited.item_column=1'];
    const { data } = await loadSource(delimited, `data.delimited.path=${file}`, ...sets, 'data.delimited.time_column=2', `data.delimited.time_format=${format}`);
    assert.deepEqual(Array.from(data.timestamps), expected, format);
    assert.deepEqual(Array.from(data.items), [1, 0], format);
  }
});

test('delimited: a bad number of each time format is a malformed line with a reason', async () => {
  const file = tempFile('bad.csv', 'u,i,1.5e9\n');
  const expected: Record<string, string> = {
    unix_seconds: 'time "1.5e9" is not a number of seconds',
    unix_ms: 'time "1.5e9" is not a number of milliseconds',
    iso: 'time "1.5e9" is not ISO 8601 (YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM])',
  };
  for (const [format, reason] of Object.entries(expected)) {
    const { messages } = await loadSource(
      delimited,
      `data.delimited.path=${file}`,
      'data.delimited.user_column=0',
      'data.delimited.item_column=1',
      'data.delimited.time_column=2',
      `data.delimited.time_format=${format}`,
      'data.max_bad_share=1',
    );
    assert.ok(messages.includes(`  ${file}:1: ${reason} (the last line: truncated file?)`), messages.join('\n'));
  }
});

test('delimited: a bad config is a ConfigError naming the key', async () => {
  const path = `data.delimited.path=${DIGINETICA}`;
  const cases: [string[], string][] = [
    [['data.delimited.item_column=2'], 'defaults: data.delimited.user_column: required'],
    [['data.delimited.user_column=0'], 'defaults: data.delimited.item_column: required'],
    [['data.delimited.user_column=0', 'data.delimited.item_column=2', 'data.delimited.separator=""'], 'defaults: data.delimited.separator: empty'],
    [['data.delimited.user_column=-2'], 'data.delimited.user_column'],
    [['data.delimited.time_format=rfc2822'], 'data.delimited.time_format'],
  ];
  for (const [sets, message] of cases) {
    await assert.rejects(
      loadSource(delimited, path, ...sets),
      (err: unknown) => err instanceof ConfigError && err.message.includes(message),
      message,
    );
  }
});

test('delimited: more than 256 behaviour types is an InputError naming the line and the key', async () => {
  const file = tempFile('behaviors.csv', Array.from({ length: 257 }, (_, k) => `u,i,b${k}\n`).join(''));
  await assert.rejects(
    loadSource(delimited, `data.delimited.path=${file}`, 'data.delimited.user_column=0', 'data.delimited.item_column=1', 'data.delimited.behavior_column=2'),
    (err: unknown) =>
      err instanceof InputError && err.message.includes(`${file}:257: more than 256 behaviour types in column 2 (data.delimited.behavior_column)`),
  );
});
