import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateInteractions, datasetStats, type Interactions } from '../../../src/data/interactions';
import { attachTexts, ItemTexts } from '../../../src/data/text/item-texts';
import { cutDocuments, dropItemsWithoutWords } from '../../../src/data/text/stages';
import { capturingReporter } from '../../helpers/reporter';

/** Three users over four items a..d (no text yet). */
function plain(): Interactions {
  return {
    name: 'tiny',
    numUsers: 3,
    numItems: 4,
    offsets: Int32Array.from([0, 3, 5, 7]),
    items: Int32Array.from([0, 1, 2, 1, 3, 0, 3]),
    timestamps: Float64Array.from([1, 2, 3, 1, 2, 1, 2]),
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: new Int32Array(4).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(5),
    itemTokens: new Int32Array(0),
    numTokens: 0,
    userIds: ['u1', 'u2', 'u3'],
    itemIds: ['a', 'b', 'c', 'd'],
  };
}

/** Each item's document as words. */
const documents = (data: Interactions) =>
  Array.from({ length: data.numItems }, (_, i) => Array.from(data.itemTokens.subarray(data.itemTokenOffsets[i], data.itemTokenOffsets[i + 1]), (t) => data.tokenWords?.[t]));

function withTexts(): { data: Interactions; messages: string[] } {
  const texts = new ItemTexts(true);
  texts.add('a', 'The red guitar, a red case');
  texts.add('a', 'and a strap'); // a second text of a: appended
  texts.add('b', 'Red strap for the guitar');
  texts.add('c', 'It is what it is'); // only stop words
  texts.add('z', 'an item that is not in the interactions');
  texts.add('d', '   '); // blank: no text
  texts.setTitle('a', ' Red Guitar ');
  const { reporter, messages } = capturingReporter();
  const data = attachTexts(plain(), texts, 'the test', reporter);
  validateInteractions(data);
  return { data, messages };
}

test('attachTexts: documents in the token CSR (words in order of first use), titles, and the items without words counted', () => {
  const { data, messages } = withTexts();
  assert.deepEqual(data.tokenWords, ['red', 'guitar', 'case', 'strap']);
  assert.deepEqual(documents(data), [['red', 'guitar', 'red', 'case', 'strap'], ['red', 'strap', 'guitar'], [], []]);
  assert.deepEqual(data.itemTitles, ['Red Guitar', '', '', '']);
  assert.deepEqual(messages, [
    'text from the test: 2 of 4 items have words, 2 have none (1 no text, 1 only stop words or no letters); 1 items with text are not in the interactions',
  ]);
  const stats = datasetStats(data);
  assert.equal(stats.vocabulary, 4);
  assert.equal(stats.meanDocumentLength, 8 / 4);
});

test('dropItemsWithoutWords: the items with an empty document go, with their interactions; titles follow the items', () => {
  const dropped = dropItemsWithoutWords(withTexts().data);
  validateInteractions(dropped);
  assert.deepEqual(dropped.itemIds, ['a', 'b']);
  assert.deepEqual(dropped.userIds, ['u1', 'u2', 'u3']);
  assert.deepEqual(Array.from(dropped.offsets), [0, 2, 3, 4]);
  assert.deepEqual(Array.from(dropped.items), [0, 1, 1, 0]);
  assert.deepEqual(dropped.itemTitles, ['Red Guitar', '']);
  assert.deepEqual(documents(dropped), [['red', 'guitar', 'red', 'case', 'strap'], ['red', 'strap', 'guitar']]);
});

test('cutDocuments: a word stays when at least min_count items use it (repeats in one item count once), then each document is truncated', () => {
  const { data } = withTexts();
  // red: items a, b (2; twice in a); guitar: a, b (2); case: a (1); strap: a, b (2)
  const two = cutDocuments(data, 2, 300);
  validateInteractions(two);
  assert.deepEqual(two.tokenWords, ['red', 'guitar', 'strap']);
  assert.equal(two.numTokens, 3);
  assert.deepEqual(documents(two), [['red', 'guitar', 'red', 'strap'], ['red', 'strap', 'guitar'], [], []]);
  // the cut comes before the truncation: a keeps its first 3 words that survive, not its first 3 words
  assert.deepEqual(documents(cutDocuments(data, 2, 3)), [['red', 'guitar', 'red'], ['red', 'strap', 'guitar'], [], []]);
  assert.deepEqual(documents(cutDocuments(data, 1, 2)), [['red', 'guitar'], ['red', 'strap'], [], []]);
  const none = cutDocuments(data, 3, 300);
  assert.equal(none.numTokens, 0);
  assert.equal(none.itemTokens.length, 0);
  assert.deepEqual(none.tokenWords, []);
});
