import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aliMobile } from '../../../src/data/loaders/tianchi';
import { csr, fixture, LENIENT, loadSource } from '../../helpers/source-load';

const HEADER = 'user_id,item_id,behavior_type,user_geohash,item_category,time';
const FILE = fixture('ali_mobile', 'tianchi_mobile_recommend_train_user.csv');

test('ali_mobile: header skipped, behaviour codes named, hour-resolution times as UTC, categories kept', async () => {
  const { data, messages } = await loadSource(aliMobile, `data.ali_mobile.path=${FILE}`, LENIENT);
  assert.equal(data.name, 'ali_mobile');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5],
    items: [1, 0, 2, 1, 0],
    // 2014-12-06 01:00, 02:00, 02:00 (a tie, in file order); 2014-11-18 00:00, 2014-12-09 20:00
    timestamps: [1417827600, 1417831200, 1417831200, 1416268800, 1418155200],
    ratings: null,
    behaviors: [1, 0, 3, 0, 2],
    behaviorNames: ['click', 'buy', 'fav', 'cart'],
    itemCategory: [0, 1, 2],
    numCategories: 3,
    userIds: ['98047837', '97726136'],
    itemIds: ['232431562', '383583590', '64749712'],
  });
  assert.ok(messages.includes(`${FILE}: 2 of 8 lines malformed (25%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${FILE}:6: behavior_type "5" is not 1..4 (click, fav, cart, buy)`));
  assert.ok(messages.includes(`  ${FILE}:7: time "2014-12-9 21" is not YYYY-MM-DD HH`));
});

test('ali_mobile: a header anywhere but line 1, and a line of the wrong width, are malformed', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-ali-mobile-')), 'train_user.csv');
  writeFileSync(file, `${HEADER}\n1,2,1,,3,2014-12-06 02\n${HEADER}\n1,2,1,3,2014-12-06 02\n`);
  const { data, messages } = await loadSource(aliMobile, `data.ali_mobile.path=${file}`, 'data.max_bad_share=0.5');
  assert.equal(data.items.length, 1);
  assert.ok(messages.includes(`  ${file}:3: user_id "user_id" is not a whole number`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:4: expected 6 fields (${HEADER}), got 5 (the last line: truncated file?)`));
});
