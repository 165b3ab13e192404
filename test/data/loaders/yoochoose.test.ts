import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yoochoose } from '../../../src/data/loaders/yoochoose';
import { ConfigError, InputError } from '../../../src/util/errors';
import { csr, fixture, LENIENT, loadSource, sourceConfig } from '../../helpers/source-load';

const CLICKS = fixture('yoochoose', 'yoochoose-clicks.dat');
const BUYS = fixture('yoochoose', 'yoochoose-buys.dat');
const PREPARED = fixture('yoochoose', 'yoochoose-clicks-prepared.txt');
const ITEM_IDS = ['214536502', '214536500', '214662742', '214536506', '214825110'];

test('yoochoose clicks (auto-detected): sessions are users, ISO times with milliseconds, raw categories, the last one kept', async () => {
  const { data, messages } = await loadSource(yoochoose, `data.yoochoose.path=${CLICKS}`, LENIENT);
  assert.equal(data.name, 'yoochoose-clicks');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5, 7],
    items: [0, 3, 1, 2, 0, 2, 4],
    timestamps: [1396867869.277, 1396867869.277, 1396868049.868, 1396878997.614, 1396879039.373, 1396774770.5, 1396774800],
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: [0, 1, 2, 1, 3],
    numCategories: 4,
    userIds: ['1', '2', '3'],
    itemIds: ITEM_IDS,
  });
  assert.ok(messages.includes(`${CLICKS}: 2 of 9 lines malformed (22%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${CLICKS}:6: time "2014-04-07T25:00:00.000Z" is not ISO 8601 (YYYY-MM-DDTHH:MM:SS.sssZ)`));
  assert.ok(messages.includes(`  ${CLICKS}:8: expected 4 fields (session,time,item,category), got 3`));
});

test('yoochoose buys join their sessions as behaviour buy, after a click at the same time', async () => {
  const { data, messages } = await loadSource(yoochoose, `data.yoochoose.path=${CLICKS}`, `data.yoochoose.buys_path=${BUYS}`, LENIENT);
  assert.deepEqual(csr(data), {
    offsets: [0, 4, 6, 9],
    items: [0, 3, 1, 1, 2, 0, 2, 4, 4],
    timestamps: [
      1396867869.277, 1396867869.277, 1396868049.868, 1396868049.868, 1396878997.614, 1396879039.373, 1396774770.5,
      1396774800, 1396775100.123,
    ],
    ratings: null,
    behaviors: [0, 0, 0, 1, 0, 0, 0, 0, 1],
    behaviorNames: ['click', 'buy'],
    itemCategory: [0, 1, 2, 1, 3],
    numCategories: 4,
    userIds: ['1', '2', '3'],
    itemIds: ITEM_IDS,
  });
  assert.ok(messages.includes(`${BUYS}: 1 of 3 lines malformed (33%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${BUYS}:3: session id "x" is not a whole number (the last line: truncated file?)`));
  const config = sourceConfig(yoochoose, [`data.yoochoose.path=${CLICKS}`, `data.yoochoose.buys_path=${BUYS}`]);
  assert.deepEqual(yoochoose.inputFiles?.(config), [CLICKS, BUYS]);
});

test("yoochoose session-rec prepared file (auto-detected): columns found by the header, float unix seconds", async () => {
  const { data, messages } = await loadSource(yoochoose, `data.yoochoose.path=${PREPARED}`, LENIENT);
  assert.equal(data.name, 'yoochoose-clicks-prepared');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 4],
    items: [0, 0, 1, 0],
    timestamps: [1396437466.94, 1396437466.94, 1396438212.318, 1396437000],
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: [-1, -1],
    numCategories: 0,
    userIds: ['3', '5'],
    itemIds: ['214716935', '214832672'],
  });
  assert.ok(messages.includes(`${PREPARED}: 2 of 7 lines malformed (29%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${PREPARED}:6: item id "abc" is not a whole number`));
  assert.ok(messages.includes(`  ${PREPARED}:7: expected 3 tab-separated fields, got 2 (the last line: truncated file?)`));
  const forced = await loadSource(yoochoose, `data.yoochoose.path=${PREPARED}`, 'data.yoochoose.format=prepared', LENIENT);
  assert.deepEqual(csr(forced.data), csr(data));
});

test('yoochoose: buys with a prepared file are a ConfigError naming the key', async () => {
  await assert.rejects(
    loadSource(yoochoose, `data.yoochoose.path=${PREPARED}`, `data.yoochoose.buys_path=${BUYS}`, LENIENT),
    (err: unknown) => err instanceof ConfigError && err.message.includes('data.yoochoose.buys_path: joins the raw clicks only'),
  );
});

test('yoochoose: a file of the other format fails at once with the format to set; an unknown first line is an InputError', async () => {
  await assert.rejects(
    loadSource(yoochoose, `data.yoochoose.path=${PREPARED}`, 'data.yoochoose.format=clicks', LENIENT),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.endsWith(
        `data.yoochoose.format: clicks, but ${PREPARED} is session-rec's prepared format (a tab-separated header, SessionId ItemId Time); set data.yoochoose.format=prepared (--set data.yoochoose.format=prepared) or auto`,
      ),
  );
  await assert.rejects(
    loadSource(yoochoose, `data.yoochoose.path=${CLICKS}`, 'data.yoochoose.format=prepared'),
    (err: unknown) => err instanceof ConfigError && err.message.includes(`${CLICKS} is raw yoochoose-clicks.dat (session,time,item,category); set data.yoochoose.format=clicks`),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-yoochoose-')), 'clicks.txt');
  writeFileSync(file, '1 2 3\n');
  await assert.rejects(
    loadSource(yoochoose, `data.yoochoose.path=${file}`),
    (err: unknown) => err instanceof InputError && err.message.includes(`${file}:1: cannot tell the YOOCHOOSE format`),
  );
});

test('yoochoose: a missing buys file is an InputError naming the key', async () => {
  const missing = fixture('yoochoose', 'no-such-buys.dat');
  await assert.rejects(
    loadSource(yoochoose, `data.yoochoose.path=${CLICKS}`, `data.yoochoose.buys_path=${missing}`),
    (err: unknown) => err instanceof InputError && err.message.includes(missing) && err.message.includes('data.yoochoose.buys_path'),
  );
});
