import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionsBuilder } from '../../src/data/build-interactions';
import { validateInteractions } from '../../src/data/interactions';

test('users and items get dense indices in order of first appearance; raw ids are kept', () => {
  const builder = new InteractionsBuilder();
  builder.add('u9', 'b', 1);
  builder.add('u3', 'a', 1);
  builder.add('u9', 'a', 2);
  const data = builder.build('toy');
  assert.deepEqual(data.userIds, ['u9', 'u3']);
  assert.deepEqual(data.itemIds, ['b', 'a']);
  assert.deepEqual(data.offsets, Int32Array.from([0, 2, 3]));
  assert.deepEqual(data.items, Int32Array.from([0, 1, 1]));
  assert.equal(data.ratings, null);
  assert.equal(data.behaviors, null);
  assert.deepEqual(data.itemCategory, Int32Array.from([-1, -1]));
  assert.deepEqual(data.itemTokenOffsets, new Int32Array(3));
  validateInteractions(data);
});

test("each user's rows are sorted by time, equal times kept in the order they were added", () => {
  const builder = new InteractionsBuilder({ ratings: true, behaviors: true });
  const rows: [string, string, number, number, string][] = [
    ['u', 'x', 5, 1, 'pv'],
    ['v', 'x', 9, 2, 'pv'],
    ['u', 'y', 3, 3, 'buy'],
    ['u', 'z', 5, 4, 'pv'],
    ['v', 'y', 1, 5, 'cart'],
    ['u', 'w', 5, 5, 'buy'],
    ['u', 'v', 1, 2, 'pv'],
  ];
  for (const row of rows) builder.add(...row);
  const data = builder.build('toy');
  // u: v@1, y@3, then x, z, w at time 5 in file order; v: y@1, x@9
  assert.deepEqual(data.offsets, Int32Array.from([0, 5, 7]));
  assert.deepEqual(data.items, Int32Array.from([4, 1, 0, 2, 3, 1, 0]));
  assert.deepEqual(data.timestamps, Float64Array.from([1, 3, 5, 5, 5, 1, 9]));
  assert.deepEqual(data.ratings, Uint8Array.from([2, 3, 1, 4, 5, 5, 2]));
  assert.deepEqual(data.behaviorNames, ['pv', 'buy', 'cart']);
  assert.deepEqual(data.behaviors, Uint8Array.from([0, 1, 0, 0, 1, 2, 0]));
  validateInteractions(data);
});

test('many equal timestamps keep their order (the tie-break does not depend on the sort being stable)', () => {
  const builder = new InteractionsBuilder();
  const n = 3000;
  builder.add('u', 'late', 2);
  for (let k = 0; k < n; k++) builder.add('u', `i${k}`, 1);
  const data = builder.build('ties');
  assert.equal(data.items.length, n + 1);
  for (let k = 0; k < n; k++) assert.equal(data.itemIds[data.items[k]], `i${k}`);
  assert.equal(data.itemIds[data.items[n]], 'late');
});

test('columns grow past their first capacity; the result is exactly sized', () => {
  const builder = new InteractionsBuilder();
  for (let k = 0; k < 5000; k++) builder.add(`u${k % 7}`, `i${k % 13}`, k);
  const data = builder.build('grown');
  assert.equal(builder.size, 5000);
  assert.equal(data.items.length, 5000);
  assert.equal(data.items.buffer.byteLength, 5000 * 4);
  assert.equal(data.timestamps.buffer.byteLength, 5000 * 8);
  assert.equal(data.numUsers, 7);
  assert.equal(data.numItems, 13);
  validateInteractions(data);
});

test('a rating or behaviour is required exactly when the builder has the column', () => {
  assert.throws(() => new InteractionsBuilder().add('u', 'i', 1, 5));
  assert.throws(() => new InteractionsBuilder({ ratings: true, behaviors: false }).add('u', 'i', 1));
  assert.throws(() => new InteractionsBuilder({ ratings: false, behaviors: true }).add('u', 'i', 1));
});

test('an empty builder gives an empty, valid dataset', () => {
  const data = new InteractionsBuilder().build('empty');
  assert.equal(data.numUsers, 0);
  assert.deepEqual(data.offsets, Int32Array.from([0]));
  validateInteractions(data);
});
