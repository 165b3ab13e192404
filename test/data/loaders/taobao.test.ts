import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taobao } from '../../../src/data/loaders/taobao';
import { ConfigError, RunError } from '../../../src/util/errors';
import { csr, fixture, LENIENT, loadSource, sourceConfig } from '../../helpers/source-load';

const FILE = fixture('taobao', 'UserBehavior.csv');

test('taobao: behaviours and categories kept, each user sorted by time with ties in file order', async () => {
  const { data, messages } = await loadSource(taobao, `data.taobao.path=${FILE}`, LENIENT);
  assert.equal(data.name, 'taobao');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5, 7],
    items: [1, 0, 2, 1, 0, 1, 3],
    timestamps: [1511544000, 1511544070, 1511544070, 1511549999, 1511550000, 1511560000, 1511560000],
    ratings: null,
    behaviors: [0, 0, 2, 0, 1, 3, 0],
    behaviorNames: ['pv', 'buy', 'cart', 'fav'],
    itemCategory: [0, 1, 0, 2],
    numCategories: 3,
    userIds: ['1', '2', '3'],
    itemIds: ['100', '101', '102', '104'],
  });
  assert.ok(messages.includes(`${FILE}: 2 of 9 lines malformed (22%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${FILE}:5: behavior "like" is not one of pv, buy, cart, fav`));
  assert.ok(messages.includes(`  ${FILE}:9: no newline at the end of the file (the last line: truncated file?)`));
});

test('taobao: the default data.max_bad_share fails on the fixture; an unset path is a ConfigError', async () => {
  await assert.rejects(loadSource(taobao, `data.taobao.path=${FILE}`), RunError);
  await assert.rejects(loadSource(taobao), (err: unknown) => err instanceof ConfigError && err.message.includes('data.taobao.path'));
});

test('taobao: inputFiles is the one file', () => {
  assert.deepEqual(taobao.inputFiles?.(sourceConfig(taobao, [`data.taobao.path=${FILE}`])), [FILE]);
});
