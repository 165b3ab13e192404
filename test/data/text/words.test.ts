import { test } from 'node:test';
import assert from 'node:assert/strict';
import { words } from '../../../src/data/text/words';
import { STOP_WORDS } from '../../../src/data/text/stop-words';

test('words: lower case, split on anything but letters, digits and inner apostrophes', () => {
  assert.deepEqual(words('Girls Ballet-Tutu, Zebra (Hot Pink) $3.17 -- "deluxe" box\\set', false), [
    'girls', 'ballet', 'tutu', 'zebra', 'hot', 'pink', '3', '17', 'deluxe', 'box', 'set',
  ]);
  assert.deepEqual(words("Children's 'quoted' rock'n'roll", false), ["children's", 'quoted', "rock'n'roll"]);
  assert.deepEqual(words('', false), []);
  assert.deepEqual(words(' ...!? ', false), []);
});

test('words: stop words go when asked, contractions included, typographic apostrophes read as straight ones', () => {
  assert.deepEqual(words("It's the best of the guitars I don’t play", true), ['best', 'guitars', 'play']);
  assert.deepEqual(words("It's the best of the guitars I don’t play", false), ["it's", 'the', 'best', 'of', 'the', 'guitars', 'i', "don't", 'play']);
  assert.ok(STOP_WORDS.has("don't") && STOP_WORDS.has('the') && !STOP_WORDS.has('guitar'));
  for (const word of STOP_WORDS) assert.deepEqual(words(word, false), [word], `the stop word ${word} is one word as the tokeniser reads it`);
});

test('words: non-ASCII text survives whole, in one spelling (NFC) and lower case', () => {
  assert.deepEqual(words('Cité des Enfants Perdus, La (1995)', true), ['cité', 'des', 'enfants', 'perdus', 'la', '1995']);
  // e + combining acute (two code points) is the same word as the precomposed é
  assert.deepEqual(words('Cite\u0301 ÉTÉ', false), ['cité', 'été']);
  assert.deepEqual(words('Straße 東京タワー Москва, ١٢٣', false), ['straße', '東京タワー', 'москва', '١٢٣']);
});
