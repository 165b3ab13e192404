import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diginetica } from '../../../src/data/loaders/diginetica';
import { ConfigError, RunError } from '../../../src/util/errors';
import { csr, fixture, LENIENT, loadSource, sourceConfig } from '../../helpers/source-load';

const FILE = fixture('diginetica', 'train-item-views.csv');

test('diginetica: sessions are users, a view at its date plus its timeframe in ms, each session in viewing order', async () => {
  const { data, messages } = await loadSource(diginetica, `data.diginetica.path=${FILE}`, LENIENT);
  assert.equal(data.name, 'train-item-views');
  // 2016-05-09 and 2016-05-10 at midnight UTC are 1462752000 and 1462838400
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 4, 6],
    items: [2, 0, 1, 0, 0, 1],
    timestamps: [1462752075.848, 1462752526.309, 1462753031.018, 1462752883.039, 1462838400.007, 1462838400.012],
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: [-1, -1, -1],
    numCategories: 0,
    userIds: ['1', '2', '3'],
    itemIds: ['81766', '31331', '9654'],
  });
  assert.ok(messages.includes(`${FILE}: 3 of 10 lines malformed (30%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${FILE}:6: expected 5 fields (session_id;user_id;item_id;timeframe;eventdate), got 3`));
  assert.ok(messages.includes(`  ${FILE}:9: user_id "x" is neither a whole number nor NA`));
  assert.ok(messages.includes(`  ${FILE}:10: eventdate "2016-13-01" is not YYYY-MM-DD (the last line: truncated file?)`));
});

test('diginetica: the default data.max_bad_share fails on the fixture; an unset path is a ConfigError', async () => {
  await assert.rejects(loadSource(diginetica, `data.diginetica.path=${FILE}`), RunError);
  await assert.rejects(loadSource(diginetica), (err: unknown) => err instanceof ConfigError && err.message.includes('data.diginetica.path'));
});

test('diginetica: inputFiles is the one file', () => {
  assert.deepEqual(diginetica.inputFiles?.(sourceConfig(diginetica, [`data.diginetica.path=${FILE}`])), [FILE]);
});
