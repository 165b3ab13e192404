import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateInteractions, type Interactions } from '../../src/data/interactions';
import { DATA_SOURCES } from '../../src/data/sources';
import { ConfigError, InputError, RunError } from '../../src/util/errors';
import { isOneLineError, memrec, REPO } from '../helpers/cli';
import { capturingReporter } from '../helpers/reporter';

const FIXTURES = join(REPO, 'datasets', 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
/** Every fixture has one or two malformed lines in under ten, far above the default share of 0.01. */
const LENIENT = 'data.max_bad_share=0.5';

async function load(source: string, ...sets: string[]): Promise<{ data: Interactions; messages: string[] }> {
  const { reporter, messages } = capturingReporter();
  const config = loadConfig(null, [`data.source=${source}`, ...sets]);
  const data = await DATA_SOURCES[source].load(config, reporter);
  validateInteractions(data);
  return { data, messages };
}

const csr = (data: Interactions) => ({
  offsets: Array.from(data.offsets),
  items: Array.from(data.items),
  timestamps: Array.from(data.timestamps),
  ratings: data.ratings && Array.from(data.ratings),
  userIds: data.userIds,
  itemIds: data.itemIds,
});

test('sasrec: user item pairs, ids by first appearance, the line number as the time; bad lines take nothing', async () => {
  const { data, messages } = await load('sasrec', `data.sasrec.path=${fixture('sasrec.txt')}`, LENIENT);
  assert.equal(data.name, 'sasrec');
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5, 7],
    items: [0, 1, 2, 0, 3, 1, 4],
    timestamps: [1, 2, 4, 3, 5, 7, 9],
    ratings: null,
    userIds: ['1', '2', '3'],
    itemIds: ['10', '11', '12', '13', '15'],
  });
  const file = fixture('sasrec.txt');
  assert.ok(messages.includes(`${file}: 2 of 9 lines malformed (22%), not loaded:`), messages.join('\n'));
  assert.ok(messages.includes(`  ${file}:6: user id "x" is not a whole number`));
  assert.ok(messages.includes(`  ${file}:8: expected 2 fields "user item", got 3`));
});

test('s3rec: one user per line, items in order, the position in the file as the time', async () => {
  const { data, messages } = await load('s3rec', `data.s3rec.path=${fixture('s3rec.txt')}`, LENIENT);
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 5, 9],
    items: [0, 1, 2, 3, 1, 1, 4, 0, 5],
    timestamps: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ratings: null,
    userIds: ['1', '2', '4'],
    itemIds: ['1', '2', '3', '4', '5', '6'],
  });
  const file = fixture('s3rec.txt');
  assert.ok(messages.includes(`  ${file}:3: expected "user item item ...", got 1 field`));
  assert.ok(messages.includes(`  ${file}:5: item id 2 "x" is not a whole number (the last line: truncated file?)`));
});

test('movielens ml-100k (auto-detected): sorted by time per user, equal times in file order, ratings kept', async () => {
  const { data, messages } = await load('movielens', `data.movielens.path=${fixture('ml-100k.data')}`, LENIENT);
  assert.equal(data.name, 'ml-100k');
  assert.deepEqual(csr(data), {
    offsets: [0, 4, 6, 8],
    items: [1, 0, 2, 4, 0, 2, 3, 1],
    timestamps: [300, 500, 500, 500, 400, 400, 50, 100],
    ratings: [5, 4, 2, 3, 3, 1, 4, 3],
    userIds: ['7', '8', '9'],
    itemIds: ['100', '200', '300', '400', '500'],
  });
  const file = fixture('ml-100k.data');
  assert.ok(messages.includes(`  ${file}:7: rating 6 is not in 1..5`));
  assert.ok(messages.includes(`  ${file}:10: expected 4 fields (user item rating timestamp) separated by tabs, got 2 (the last line: truncated file?)`));
});

test('movielens min_rating leaves out lower ratings before ids are assigned', async () => {
  const { data, messages } = await load(
    'movielens',
    `data.movielens.path=${fixture('ml-100k.data')}`,
    'data.movielens.min_rating=3',
    LENIENT,
  );
  assert.deepEqual(csr(data), {
    offsets: [0, 3, 4, 6],
    items: [1, 0, 3, 0, 2, 1],
    timestamps: [300, 500, 500, 400, 50, 100],
    ratings: [5, 4, 3, 3, 4, 3],
    userIds: ['7', '8', '9'],
    itemIds: ['100', '200', '400', '500'],
  });
  assert.ok(messages.includes('movielens: 2 ratings below data.movielens.min_rating 3 left out'));
});

test('movielens ml-1m: `::`-separated, plain and gzip load the same; a truncated last line without newline is malformed', async () => {
  const expected = {
    offsets: [0, 4, 6],
    items: [0, 0, 2, 1, 3, 1],
    timestamps: [978300760, 978300760, 978301968, 978302109, 978298709, 978299000],
    ratings: [5, 4, 3, 3, 5, 4],
    userIds: ['1', '2'],
    itemIds: ['1193', '661', '914', '1357'],
  };
  for (const name of ['ml-1m.dat', 'ml-1m.dat.gz']) {
    const { data, messages } = await load('movielens', `data.movielens.path=${fixture(name)}`, LENIENT);
    assert.equal(data.name, 'ml-1m');
    assert.deepEqual(csr(data), expected);
    assert.ok(messages.includes(`${fixture(name)}: 1 of 7 lines malformed (14%), not loaded:`), messages.join('\n'));
    // plain: a final line without newline is malformed whatever it holds; gzip read to its end is complete, so the line is parsed
    const reason = name.endsWith('.gz') ? 'expected 4 fields (user item rating timestamp) separated by "::", got 3' : 'no newline at the end of the file';
    assert.ok(messages.includes(`  ${fixture(name)}:7: ${reason} (the last line: truncated file?)`), messages.join('\n'));
  }
  const forced = await load('movielens', `data.movielens.path=${fixture('ml-1m.dat')}`, 'data.movielens.format=ml-1m', LENIENT);
  assert.deepEqual(csr(forced.data), expected);
});

test('the wrong movielens format makes every line malformed', async () => {
  await assert.rejects(
    load('movielens', `data.movielens.path=${fixture('ml-1m.dat')}`, 'data.movielens.format=ml-100k'),
    (err: unknown) => err instanceof RunError && /7 of 7 lines malformed \(100%\)/.test(err.message),
  );
});

test('a share of malformed lines above data.max_bad_share fails with a RunError naming the file, count and share', async () => {
  const file = fixture('sasrec.txt');
  await assert.rejects(load('sasrec', `data.sasrec.path=${file}`), (err: unknown) => {
    assert.ok(err instanceof RunError);
    assert.equal(err.exitCode, 1);
    assert.ok(err.message.includes(`${file}: 2 of 9 lines malformed (22%), above data.max_bad_share 0.01`), err.message);
    assert.ok(err.message.includes(`first: ${file}:6: user id "x"`));
    return true;
  });
  await assert.rejects(load('sasrec', `data.sasrec.path=${file}`, 'data.max_bad_share=0.2'), RunError);
  await load('sasrec', `data.sasrec.path=${file}`, 'data.max_bad_share=0.23');
});

test('many malformed lines: all counted, the first five quoted, and the last line marked', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-loaders-')), 'many.txt');
  const lines = Array.from({ length: 40 }, (_, k) => (k % 4 === 3 ? `bad${k}` : `${k % 5} ${k}`));
  writeFileSync(file, `${lines.join('\n')}\n9`);
  const { data, messages } = await load('sasrec', `data.sasrec.path=${file}`, 'data.max_bad_share=0.5');
  assert.equal(data.items.length, 30);
  assert.ok(messages.includes(`${file}: 11 of 41 lines malformed (27%), not loaded:`), messages.join('\n'));
  const quoted = messages.filter((m) => m.startsWith(`  ${file}:`));
  assert.deepEqual(
    quoted.map((m) => m.slice(file.length + 3, m.indexOf(':', file.length + 3))),
    ['4', '8', '12', '16', '20', '41'],
  );
  assert.ok(quoted[5].endsWith(': no newline at the end of the file (the last line: truncated file?)'));
});

test('a missing file is an InputError naming the key and the file; an unset path is a ConfigError', async () => {
  const missing = join(FIXTURES, 'no-such-file.txt');
  for (const source of ['sasrec', 's3rec', 'movielens']) {
    await assert.rejects(load(source, `data.${source}.path=${missing}`), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.exitCode, 2);
      assert.ok(err.message.includes(missing) && err.message.includes(`data.${source}.path`), err.message);
      return true;
    });
    await assert.rejects(load(source), (err: unknown) => err instanceof ConfigError && err.message.includes(`data.${source}.path`));
  }
});

test('an empty file, and a first line that is neither MovieLens format, are InputErrors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-loaders-'));
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\n');
  await assert.rejects(load('sasrec', `data.sasrec.path=${join(dir, 'empty.txt')}`), /empty\.txt: the file is empty/);
  await assert.rejects(
    load('movielens', `data.movielens.path=${join(dir, 'ratings.csv')}`),
    (err: unknown) => err instanceof InputError && err.message.includes('ratings.csv:1: cannot tell the MovieLens format'),
  );
});

test('a cut-off gzip file is an InputError naming the file, not a crash', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-loaders-')), 'cut.dat.gz');
  const whole = readFileSync(fixture('ml-1m.dat.gz'));
  writeFileSync(file, whole.subarray(0, whole.length - 20));
  await assert.rejects(
    load('movielens', `data.movielens.path=${file}`, 'data.movielens.format=ml-1m'),
    (err: unknown) => err instanceof InputError && err.message.includes(`${file}:`) && err.message.includes('cannot read'),
  );
});

test('data.max_bad_share belongs to the file sources only', () => {
  assert.throws(
    () => loadConfig(null, ['data.max_bad_share=0.1']),
    /data\.max_bad_share: not a key of this config \(it belongs to data source sasrec, data source s3rec, data source movielens, data source amazon/,
  );
});

test('memrec train: too many malformed lines exit 1, a missing data file exits 2, each with one line', () => {
  const out = mkdtempSync(join(tmpdir(), 'memrec-loaders-cli-'));
  const train = (...sets: string[]) =>
    memrec(['train', '--backend', 'cpu', '--quiet', '--set', 'data.source=sasrec', '--set', `output.dir=${out}`, ...sets.flatMap((s) => ['--set', s])]);
  const tooMany = train(`data.sasrec.path=${fixture('sasrec.txt')}`);
  assert.ok(isOneLineError(tooMany, 1), tooMany.stderr);
  assert.match(tooMany.stderr, /sasrec\.txt: 2 of 9 lines malformed \(22%\), above data\.max_bad_share 0\.01/);
  const missing = train('data.sasrec.path=datasets/fixtures/none.txt');
  assert.ok(isOneLineError(missing, 2), missing.stderr);
  assert.match(missing.stderr, /datasets\/fixtures\/none\.txt: data file \(data\.sasrec\.path\) not found/);
});
