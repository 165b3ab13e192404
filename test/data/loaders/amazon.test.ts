import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResolvedConfig } from '../../../src/config/resolved';
import { prefixed, type ConfigValue } from '../../../src/config/spec';
import { validateInteractions, type Interactions } from '../../../src/data/interactions';
import { amazon } from '../../../src/data/loaders/amazon';
import { parsePythonLiteral, PythonLiteralError } from '../../../src/data/loaders/python-literal';
import { ConfigError, InputError, RunError } from '../../../src/util/errors';
import { REPO } from '../../helpers/cli';
import { capturingReporter } from '../../helpers/reporter';

const FIXTURES = join(REPO, 'datasets', 'fixtures', 'amazon');
const fixture = (name: string) => join(FIXTURES, name);
/** Every fixture has one or two malformed lines in under ten, far above the default share of 0.01. */
const LENIENT = { 'data.max_bad_share': 0.5 };

/**
 * A config holding only the amazon source's keys, defaults filled in: the source is not in DATA_SOURCES,
 * so the test does not go through the registry.
 */
const SCHEMA = { ...prefixed('data', amazon.dataKeys ?? {}), ...prefixed('data.amazon', amazon.keys) };
function amazonConfig(values: Record<string, ConfigValue>): ResolvedConfig {
  const defaults = new Map(Object.entries(SCHEMA).map(([path, spec]) => [path, spec.default]));
  return new ResolvedConfig(SCHEMA, defaults, 'test').with(values);
}

async function load(values: Record<string, ConfigValue>): Promise<{ data: Interactions; messages: string[] }> {
  const { reporter, messages } = capturingReporter();
  const data = await amazon.load(amazonConfig(values), reporter);
  validateInteractions(data);
  return { data, messages };
}

const csr = (data: Interactions) => ({
  offsets: Array.from(data.offsets),
  items: Array.from(data.items),
  timestamps: Array.from(data.timestamps),
  ratings: data.ratings && Array.from(data.ratings),
  itemCategory: Array.from(data.itemCategory),
  userIds: data.userIds,
  itemIds: data.itemIds,
});

test('2014 ratings CSV (auto) with 2014 metadata: sorted by day per user, ties in file order, categories from the last path element', async () => {
  const file = fixture('ratings_Tiny.csv');
  const meta = fixture('meta_Tiny.json');
  const { data, messages } = await load({ 'data.amazon.path': file, 'data.amazon.meta_path': meta, ...LENIENT });
  assert.equal(data.name, 'ratings_Tiny');
  assert.deepEqual(csr(data), {
    offsets: [0, 4, 7, 9],
    items: [2, 0, 1, 3, 3, 1, 0, 2, 0],
    timestamps: [1399913600, 1400000000, 1400000000, 1400086400, 1399827200, 1400086400, 1400086400, 1399999999, 1400000000],
    ratings: [4, 5, 5, 2, 4, 3, 1, 3, 2],
    itemCategory: [0, 1, 2, -1],
    userIds: ['A1', 'A2', 'A3'],
    itemIds: ['B001', 'B002', 'B003', 'B004'],
  });
  assert.equal(data.numCategories, 3);
  assert.ok(messages.includes(`${file}: 1 of 10 lines malformed (10%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:7: rating "4.5" is not a whole number in 1..5`));
  assert.ok(messages.includes(`${meta}: 1 of 5 lines malformed (20%), not loaded:`));
  assert.ok(messages.includes(`  ${meta}:4: not a Python literal: unterminated string at column 27`));
  assert.ok(messages.includes('amazon: 3 of 4 items have a category (3 categories)'));
});

test('data.amazon.category_level: element k of the first path, the last when the path is shorter', async () => {
  const categories = async (level: number) => {
    const { data } = await load({
      'data.amazon.path': fixture('ratings_Tiny.csv'),
      'data.amazon.meta_path': fixture('meta_Tiny.json'),
      'data.amazon.category_level': level,
      ...LENIENT,
    });
    return [Array.from(data.itemCategory), data.numCategories];
  };
  // B001 Sports & Outdoors > Other Sports > Dance; B002 Sports & Outdoors > Kids' Costumes; B003 Toys & Games > Other Sports
  assert.deepEqual(await categories(0), [[0, 0, 1, -1], 2]);
  assert.deepEqual(await categories(1), [[0, 1, 0, -1], 2]);
  assert.deepEqual(await categories(2), [[0, 1, 2, -1], 3]);
});

test('2014 5-core review JSON: invalid JSON and a missing overall are malformed; no metadata, no categories', async () => {
  const file = fixture('reviews_Tiny_5.json');
  const { data, messages } = await load({ 'data.amazon.path': file, ...LENIENT });
  assert.equal(data.name, 'reviews_Tiny_5');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5, 6],
    items: [2, 0, 1, 2, 0, 2],
    timestamps: [1380585600, 1393545600, 1393545600, 1356998400, 1363392000, 1388534400],
    ratings: [5, 5, 4, 2, 3, 1],
    itemCategory: [-1, -1, -1],
    userIds: ['AU1', 'AU2', 'AU3'],
    itemIds: ['B001', 'B002', 'B003'],
  });
  assert.equal(data.numCategories, 0);
  assert.ok(messages.includes(`${file}: 2 of 8 lines malformed (25%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:4: not valid JSON`));
  assert.ok(messages.includes(`  ${file}:6: no overall`));
  assert.ok(!messages.some((m) => m.startsWith('amazon:')));
});

test('2018 5-core review JSON (gzip) with 2018 metadata: a null overall is malformed, duplicate reviews are kept', async () => {
  const file = fixture('Tiny_5.json.gz');
  const meta = fixture('meta_Tiny_2018.json');
  const { data, messages } = await load({ 'data.amazon.path': file, 'data.amazon.meta_path': meta, ...LENIENT });
  assert.equal(data.name, 'Tiny_5');
  assert.deepEqual(csr(data), {
    offsets: [0, 2, 5],
    items: [0, 1, 1, 0, 0],
    timestamps: [1529193600, 1529193600, 1499990400, 1528934400, 1528934400],
    ratings: [5, 3, 1, 4, 4],
    itemCategory: [0, 1],
    userIds: ['AG1', 'AG2'],
    itemIds: ['G01', 'G03'],
  });
  assert.ok(messages.includes(`${file}: 1 of 6 lines malformed (17%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:3: overall null is not a whole number in 1..5`));
  assert.ok(messages.includes(`${meta}: 1 of 4 lines malformed (25%), not loaded:`));
  assert.ok(messages.includes(`  ${meta}:3: no asin`));
  assert.ok(messages.includes('amazon: 2 of 2 items have a category (2 categories)'));
  const top = await load({ 'data.amazon.path': file, 'data.amazon.meta_path': meta, 'data.amazon.category_level': 0, ...LENIENT });
  assert.deepEqual(Array.from(top.data.itemCategory), [0, 0]);
});

test('data.amazon.format: a forced format loads the same; the wrong one makes every line malformed', async () => {
  const reviews = fixture('reviews_Tiny_5.json');
  const ratings = fixture('ratings_Tiny.csv');
  const auto = await load({ 'data.amazon.path': reviews, ...LENIENT });
  const forced = await load({ 'data.amazon.path': reviews, 'data.amazon.format': 'reviews_json', ...LENIENT });
  assert.deepEqual(csr(forced.data), csr(auto.data));
  await assert.rejects(
    load({ 'data.amazon.path': reviews, 'data.amazon.format': 'ratings_csv', ...LENIENT }),
    (err: unknown) => err instanceof RunError && /8 of 8 lines malformed \(100%\)/.test(err.message) && /:1: expected 4 fields/.test(err.message),
  );
  await assert.rejects(
    load({ 'data.amazon.path': ratings, 'data.amazon.format': 'reviews_json', ...LENIENT }),
    (err: unknown) => err instanceof RunError && /10 of 10 lines malformed/.test(err.message) && err.message.endsWith(`${ratings}:1: not valid JSON`),
  );
  await assert.rejects(load({ 'data.amazon.path': ratings }), (err: unknown) => err instanceof RunError && /above data\.max_bad_share 0\.01/.test(err.message));
});

test('malformed metadata: not a dict, category paths of the wrong shape, a missing asin', async () => {
  const meta = join(mkdtempSync(join(tmpdir(), 'memrec-amazon-')), 'meta_Bad.json');
  const lines = [
    "{'asin': 'B001', 'categories': [['Dance']]}",
    "['B002', 'Dance']",
    "{'asin': 'B002', 'categories': 'Dance'}",
    "{'asin': 'B003', 'categories': ['Dance']}",
    "{'title': 'no asin', 'categories': [['Dance']]}",
    "{'asin': 'B003', 'categories': [[]]}",
  ];
  writeFileSync(meta, `${lines.join('\n')}\n`);
  const { data, messages } = await load({ 'data.amazon.path': fixture('ratings_Tiny.csv'), 'data.amazon.meta_path': meta, 'data.max_bad_share': 1 });
  assert.deepEqual(Array.from(data.itemCategory), [0, -1, -1, -1]);
  assert.ok(messages.includes(`  ${meta}:2: not a Python dict`), messages.join('\n'));
  assert.ok(messages.includes(`  ${meta}:3: categories "Dance" is not a list of category paths`));
  assert.ok(messages.includes(`  ${meta}:4: categories[0] "Dance" is not a list of strings`));
  assert.ok(messages.includes(`  ${meta}:5: no asin`));
  assert.ok(messages.includes(`${meta}: 4 of 6 lines malformed (67%), not loaded:`));
});

test('inputFiles: the review file, and the metadata file when set; missing files are InputErrors naming the key', async () => {
  const path = fixture('ratings_Tiny.csv');
  const meta = fixture('meta_Tiny.json');
  assert.deepEqual(amazon.inputFiles?.(amazonConfig({ 'data.amazon.path': path })), [path]);
  assert.deepEqual(amazon.inputFiles?.(amazonConfig({ 'data.amazon.path': path, 'data.amazon.meta_path': meta })), [path, meta]);
  const missing = fixture('no-such-meta.json');
  assert.throws(
    () => amazon.inputFiles?.(amazonConfig({ 'data.amazon.path': path, 'data.amazon.meta_path': missing })),
    (err: unknown) => err instanceof InputError && err.message.includes(missing) && err.message.includes('data.amazon.meta_path'),
  );
  await assert.rejects(load({ 'data.amazon.path': path, 'data.amazon.meta_path': missing }), InputError);
  await assert.rejects(load({}), (err: unknown) => err instanceof ConfigError && err.message.includes('data.amazon.path'));
});

test('parsePythonLiteral: dicts, lists, tuples, numbers, True/False/None, trailing commas', () => {
  assert.deepEqual(
    parsePythonLiteral(" {'a': [1, -2.5, .5, 1e3, 5., +4], 'b': ('x',), 'c': (), 'd': (7), 'e': {'f': None, 'g': True, 'h': False}, 'i': [[], {}],} "),
    { a: [1, -2.5, 0.5, 1000, 5, 4], b: ['x'], c: [], d: 7, e: { f: null, g: true, h: false }, i: [[], {}] },
  );
  assert.equal(parsePythonLiteral('None'), null);
  assert.deepEqual(parsePythonLiteral("{'k': 1, 'k': 2}"), { k: 2 });
});

test('parsePythonLiteral: both quote styles and Python escapes', () => {
  const cases: [string, string][] = [
    [String.raw`'it\'s'`, "it's"],
    [`"it's"`, "it's"],
    [String.raw`"say \"hi\""`, 'say "hi"'],
    [`'say "hi"'`, 'say "hi"'],
    [String.raw`'a\\b\nc\td\re\f\v\a\b'`, 'a\\b\nc\td\re\f\v\x07\b'],
    [String.raw`'\x41\u00e9\U0001F600'`, 'A\u00e9\u{1F600}'],
    [String.raw`'\101\0\1234'`, 'A\0S4'],
    [String.raw`'\d'`, '\\d'],
    [`''`, ''],
  ];
  for (const [text, expected] of cases) assert.equal(parsePythonLiteral(text), expected, text);
  const line = readFileSync(fixture('meta_Tiny.json'), 'utf8').split('\n')[1];
  assert.deepEqual(parsePythonLiteral(line), {
    asin: 'B002',
    title: 'Kid\'s "Deluxe" Dress-Up Box\\Set \u00e9\u00e8',
    description: 'Line one\nLine two\twith a tab',
    salesRank: {},
    categories: [['Sports & Outdoors', "Kids' Costumes"]],
    price: 100,
  });
});

test('parsePythonLiteral: a __proto__ key is an own property, not the prototype', () => {
  const value = parsePythonLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal((value as { polluted?: unknown }).polluted, undefined);
});

test('parsePythonLiteral: bad input is a PythonLiteralError saying what and where, and nothing is evaluated', () => {
  const cases: [string, string][] = [
    ['', 'unexpected end of input at column 1'],
    ["{'a' 1}", "expected ':' at column 6"],
    ["{'a': 1", "expected ',' or '}' at column 8"],
    ['[1 2]', "expected ',' or ']' at column 4"],
    ['[1,,2]', 'unexpected "," at column 4'],
    ["'abc", 'unterminated string at column 1'],
    ["'abc\\", 'unterminated string at column 5'],
    ['{1: 2}', 'dict keys must be strings at column 2'],
    ['nan', 'unknown name nan at column 1'],
    ["__import__('os')", 'unknown name __import__ at column 1'],
    ["{'a': 1} x", 'unexpected text after the value at column 10'],
    [String.raw`'\x4'`, 'bad \\x escape (2 hex digits, at most 10FFFF) at column 2'],
    [String.raw`'\U00110000'`, 'bad \\U escape (8 hex digits, at most 10FFFF) at column 2'],
    [`${'['.repeat(101)}${']'.repeat(101)}`, 'nested deeper than 100 at column 101'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parsePythonLiteral(text), (err: unknown) => err instanceof PythonLiteralError && err.message === message, text);
  }
});
