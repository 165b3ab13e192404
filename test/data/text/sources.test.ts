import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Interactions } from '../../../src/data/interactions';
import { prepareData } from '../../../src/data/pipeline';
import { oneOf } from '../../../src/config/spec';
import { modelEntry } from '../../../src/models/model';
import { MODELS, registerModel } from '../../../src/models/registry';
import { loadConfig } from '../../../src/schema/config-flags';
import { ConfigError, InputError } from '../../../src/util/errors';
import { isOneLineError, memrecInProcess, REPO } from '../../helpers/cli';
import { capturingReporter } from '../../helpers/reporter';

const fixture = (...parts: string[]) => join(REPO, 'datasets', 'fixtures', ...parts);
/** No cache, every word kept (the fixtures are far too small for min_count 5), lenient about the fixtures' malformed lines. */
const BASE = ['data.cache_dir=', 'data.max_bad_share=0.5', 'data.text.min_count=1'];

async function prepare(sets: string[]): Promise<{ data: Interactions; steps: string[]; messages: string[] }> {
  const { reporter, messages } = capturingReporter();
  const prepared = await prepareData(loadConfig(null, [...BASE, ...sets]), reporter);
  return { data: prepared.data, steps: prepared.log.map((row) => row.step), messages };
}

/** Each item's document as its words, by raw item id. */
function documents(data: Interactions): Record<string, string> {
  return Object.fromEntries(
    data.itemIds.map((id, i) => [id, Array.from(data.itemTokens.subarray(data.itemTokenOffsets[i], data.itemTokenOffsets[i + 1]), (t) => data.tokenWords?.[t]).join(' ')]),
  );
}
const titles = (data: Interactions) => Object.fromEntries(data.itemIds.map((id, i) => [id, data.itemTitles?.[i]]));

const TEXT_FILE = [
  'data.source=delimited',
  `data.delimited.path=${fixture('text', 'interactions.csv')}`,
  'data.delimited.user_column=0',
  'data.delimited.item_column=1',
  'data.text.source=file',
  `data.text.path=${fixture('text', 'items.tsv')}`,
];

test('a generic item-text file: tab or comma, quoted CSV text, repeated ids appended, malformed lines reported with file:line', async () => {
  const file = fixture('text', 'items.tsv');
  const { data, messages } = await prepare([...TEXT_FILE, 'data.text.missing=empty']);
  assert.deepEqual(documents(data), { I1: 'le café crème très bon café second text café', I2: 'quoted text comma', I3: '', I4: '' });
  assert.equal(data.itemTitles, undefined);
  assert.ok(messages.includes(`${file}: 2 of 7 lines malformed (29%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:4: expected an item id, a tab or a comma, and the text`));
  assert.ok(messages.includes(`  ${file}:5: empty item id`));
  assert.ok(messages.includes('text from data.text.source file: 2 of 4 items have words, 2 have none (2 no text, 0 only stop words or no letters); 1 items with text are not in the interactions'));
});

test('data.text.missing: drop removes the items without words and their interactions before data.preprocess (a row of the log); empty keeps them', async () => {
  const dropped = await prepare([...TEXT_FILE, 'data.preprocess=["min_count users=2"]']);
  assert.deepEqual(dropped.steps, ['as loaded', 'items with words (data.text.missing drop)', 'min_count users=2', 'words in >= 1 items, first 300 kept (data.text)']);
  // I3 (blank text) and I4 (none) go with u2's and u3's interactions; u2 then has 1 item, u3 1: min_count users=2 leaves u1
  assert.deepEqual(dropped.data.itemIds, ['I1', 'I2']);
  assert.deepEqual(dropped.data.userIds, ['u1']);
  const kept = await prepare([...TEXT_FILE, 'data.text.missing=empty', 'data.preprocess=["min_count users=2"]']);
  assert.deepEqual(kept.steps, ['as loaded', 'min_count users=2', 'words in >= 1 items, first 300 kept (data.text)']);
  assert.deepEqual(kept.data.userIds, ['u1', 'u2', 'u3']);
  assert.equal(kept.data.numItems, 4);
});

test('Amazon 2014 metadata: title and description (Python literals, escapes decoded), titles kept; the rare-word cut counts items', async () => {
  const { data, messages } = await prepare([
    'data.source=amazon',
    `data.amazon.path=${fixture('amazon', 'ratings_Tiny.csv')}`,
    `data.amazon.meta_path=${fixture('amazon', 'meta_Tiny.json')}`,
    'data.text.source=metadata',
    'data.text.missing=empty',
  ]);
  assert.deepEqual(documents(data), {
    B001: 'girls ballet tutu zebra hot pink',
    B002: "kid's deluxe dress box set éè line one line two tab",
    B003: '',
    B004: '',
  });
  assert.deepEqual(titles(data), { B001: 'Girls Ballet Tutu Zebra Hot Pink', B002: 'Kid\'s "Deluxe" Dress-Up Box\\Set éè', B003: '', B004: '' });
  assert.ok(messages.some((m) => m.includes('2 of 4 items have words, 2 have none (2 no text, 0 only stop words or no letters)')), messages.join('\n'));
  const two = await prepare([
    'data.source=amazon',
    `data.amazon.path=${fixture('amazon', 'ratings_Tiny.csv')}`,
    `data.amazon.meta_path=${fixture('amazon', 'meta_Tiny.json')}`,
    'data.text.source=metadata',
    'data.text.min_count=2',
  ]);
  // no word is in both remaining documents: B001 and B002 stay (they had words at load), now empty
  assert.deepEqual(documents(two.data), { B001: '', B002: '' });
  assert.equal(two.data.numTokens, 0);
});

test('Amazon 2018 metadata: title and the description paragraphs', async () => {
  const { data } = await prepare([
    'data.source=amazon',
    `data.amazon.path=${fixture('amazon', 'Tiny_5.json.gz')}`,
    `data.amazon.meta_path=${fixture('amazon', 'meta_Tiny_2018.json')}`,
    'data.text.source=metadata',
    'data.text.max_length=4',
  ]);
  // G02's only review has no rating: G02 is not in the data
  assert.deepEqual(documents(data), { G01: 'diner 25 gift card', G03: 'gift card holder' });
  assert.deepEqual(titles(data), { G01: 'Diner $25 Gift Card', G03: 'Gift Card Holder' });
});

test('Amazon reviews as item text: every review\'s summary and text, appended in file order; refused on the ratings CSV', async () => {
  const { data } = await prepare([
    'data.source=amazon',
    `data.amazon.path=${fixture('amazon', 'reviews_Tiny_5.json')}`,
    'data.text.source=reviews',
  ]);
  // the review without a rating and the cut line are malformed, so their text is not read
  assert.deepEqual(documents(data), { B001: 'good says ok fine guess', B002: 'nice day', B003: 'meh broke quickly awful yes great' });
  assert.equal(data.itemTitles, undefined);
  await assert.rejects(
    prepare(['data.source=amazon', `data.amazon.path=${fixture('amazon', 'ratings_Tiny.csv')}`, 'data.text.source=reviews']),
    (err: Error) => err instanceof InputError && /ratings_Tiny\.csv:1: data\.text\.source reviews reads review JSON lines/.test(err.message),
  );
});

test('MovieLens titles and genres: ML-100K u.item and ML-1M movies.dat in latin-1, non-ASCII titles intact', async () => {
  const small = await prepare([
    'data.source=movielens',
    `data.movielens.path=${fixture('ml-100k.data')}`,
    `data.movielens.movies_path=${fixture('movielens', 'u.item')}`,
    'data.text.source=metadata',
  ]);
  assert.equal(documents(small.data)['300'], 'cité des enfants perdus la 1995 adventure sci fi');
  assert.equal(titles(small.data)['300'], 'Cité des enfants perdus, La (1995)');
  assert.equal(documents(small.data)['200'], 'shining 1980 horror');
  const large = await prepare([
    'data.source=movielens',
    `data.movielens.path=${fixture('ml-1m.dat')}`,
    `data.movielens.movies_path=${fixture('movielens', 'movies.dat')}`,
    'data.text.source=metadata',
    'data.text.stop_words=false',
  ]);
  assert.equal(documents(large.data)['1193'], "one flew over the cuckoo's nest 1975 drama");
  assert.equal(titles(large.data)['661'], 'James and the Giant Peach (1996)');
});

test('data.text keys: a kind the source cannot read, and a kind without its file, are one-line config errors', async () => {
  assert.throws(() => loadConfig(null, ['data.source=movielens', 'data.text.source=reviews']), /data\.text\.source.*reviews.*none, metadata, file/);
  await assert.rejects(
    prepare(['data.source=amazon', `data.amazon.path=${fixture('amazon', 'ratings_Tiny.csv')}`, 'data.text.source=metadata']),
    (err: Error) => err instanceof ConfigError && /data\.text\.source: metadata reads data\.amazon\.meta_path, which is unset/.test(err.message),
  );
  await assert.rejects(prepare(TEXT_FILE.filter((set) => !set.startsWith('data.text.path'))), /data\.text\.source: file reads data\.text\.path, which is unset/);
});

test('a model that reads text is refused in one line, naming the model and the key, on a source without text', async () => {
  registerModel({ ...MODELS.mostpop, name: 'text_reader', readsText: true });
  const keys = { variant: oneOf(['text', 'no_text'], 'text', 'a variant that reads no text') };
  registerModel(modelEntry({ ...MODELS.mostpop, name: 'text_variant', keys, readsText: (params) => (params.variant === 'no_text' ? false : 'variant') }));
  assert.throws(
    () => loadConfig(null, ['model.name=text_reader', 'data.source=amazon']),
    (err: Error) =>
      err instanceof ConfigError &&
      err.message === 'config error: --set model.name=text_reader: model.name: text_reader reads item text, but data.text.source is none (defaults); set data.text.source to one of metadata, reviews, file',
  );
  assert.throws(() => loadConfig(null, ['model.name=text_reader', 'data.source=taobao']), /text_reader reads item text, but data\.source taobao \(--set data\.source=taobao\) has no data\.text\.source; use one that has \(movielens, amazon, delimited\)/);
  assert.throws(() => loadConfig(null, ['model.name=text_reader', 'data.synthetic.tokens_per_item=0']), /data\.synthetic\.tokens_per_item is 0/);
  loadConfig(null, ['model.name=text_reader']);
  loadConfig(null, ['model.name=text_reader', 'data.source=movielens', 'data.text.source=metadata']);
  assert.throws(() => loadConfig(null, ['model.name=text_variant', 'data.source=taobao']), /model\.variant: text_variant with model\.variant text reads item text/);
  loadConfig(null, ['model.name=text_variant', 'model.variant=no_text', 'data.source=taobao']);
  const cli = await memrecInProcess(['data', 'stats', '--set', 'model.name=text_reader', '--set', 'data.source=amazon', '--set', 'data.amazon.path=x']);
  assert.ok(isOneLineError(cli, 2), cli.stderr);
  assert.match(cli.stderr, /text_reader reads item text, but data\.text\.source is none/);
});
