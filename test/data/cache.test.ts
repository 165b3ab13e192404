import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData } from '../../src/data/pipeline';
import { RunError } from '../../src/util/errors';
import { REPO } from '../helpers/cli';
import { capturingReporter } from '../helpers/reporter';

/** A fresh folder with a copy of the ML-100K fixture (one malformed line in it, hence the lenient share). */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-cache-'));
  const raw = join(dir, 'u.data');
  copyFileSync(join(REPO, 'datasets', 'fixtures', 'ml-100k.data'), raw);
  const cache = join(dir, 'cache');
  const sets = ['data.source=movielens', `data.movielens.path=${raw}`, 'data.max_bad_share=0.5', `data.cache_dir=${cache}`, 'data.preprocess=["min_rating min=3"]'];
  return { raw, cache, sets };
}

async function prepare(sets: string[]) {
  const { reporter, messages } = capturingReporter();
  const prepared = await prepareData(loadConfig(null, sets), reporter);
  return { prepared, messages, fromCache: messages.some((m) => m.includes('from the cache')) };
}

test('the second load comes from the cache, identical to the first', async () => {
  const { sets } = setup();
  const first = await prepare(sets);
  assert.equal(first.fromCache, false);
  const second = await prepare(sets);
  assert.equal(second.fromCache, true, second.messages.join('\n'));
  assert.deepEqual(second.prepared, first.prepared);
});

test('item text (words and titles) comes back from the cache; a changed text file or text key gives another entry', async () => {
  const { cache, sets } = setup();
  const items = join(cache, '..', 'u.item');
  copyFileSync(join(REPO, 'datasets', 'fixtures', 'movielens', 'u.item'), items);
  const text = [...sets, `data.movielens.movies_path=${items}`, 'data.text.source=metadata', 'data.text.min_count=1', 'data.text.missing=empty'];
  const first = await prepare(text);
  assert.ok(first.prepared.data.tokenWords?.includes('shining') && first.prepared.data.itemTitles?.includes('Shining, The (1980)'));
  const second = await prepare(text);
  assert.equal(second.fromCache, true, second.messages.join('\n'));
  assert.deepEqual(second.prepared, first.prepared);
  assert.equal((await prepare([...text, 'data.text.max_length=2'])).fromCache, false);
  appendFileSync(items, '700|Added (2000)|01-Jan-2000||x|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|1\n');
  assert.equal((await prepare(text)).fromCache, false);
});

test('a changed raw file or a changed step gives another entry, never the stale one', async () => {
  const { raw, cache, sets } = setup();
  await prepare(sets);
  appendFileSync(raw, '9\t9\t5\t900000000\n');
  const changedFile = await prepare(sets);
  assert.equal(changedFile.fromCache, false);
  assert.ok(changedFile.prepared.data.userIds.includes('9'));
  const changedStep = await prepare([...sets, 'data.preprocess=["min_rating min=4"]']);
  assert.equal(changedStep.fromCache, false);
  assert.equal(readdirSync(cache).filter((f) => f.endsWith('.bin')).length, 3);
});

test('a corrupt or truncated entry is reported and rebuilt', async () => {
  const { cache, sets } = setup();
  const first = await prepare(sets);
  const [entry] = readdirSync(cache);
  const bytes = readFileSync(join(cache, entry));
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(join(cache, entry), bytes);
  const afterFlip = await prepare(sets);
  assert.equal(afterFlip.fromCache, false);
  assert.ok(afterFlip.messages.some((m) => m.includes('checksum mismatch (truncated or corrupt); rebuilding it')), afterFlip.messages.join('\n'));
  assert.deepEqual(afterFlip.prepared, first.prepared);
  writeFileSync(join(cache, entry), readFileSync(join(cache, entry)).subarray(0, 20));
  assert.equal((await prepare(sets)).fromCache, false);
  // rebuilt: trusted again
  assert.equal((await prepare(sets)).fromCache, true);
});

const MALFORMED = (raw: string) => [
  `${raw}: 2 of 10 lines malformed (20%), not loaded:`,
  `  ${raw}:7: rating 6 is not in 1..5`,
  `  ${raw}:10: expected 4 fields (user item rating timestamp) separated by tabs, got 2 (the last line: truncated file?)`,
];

test('a warm load reports the malformed lines as the cold one did, and checks data.max_bad_share again', async () => {
  const { raw, sets } = setup();
  const cold = await prepare(sets);
  const warm = await prepare(sets);
  assert.equal(warm.fromCache, true);
  for (const run of [cold, warm]) {
    for (const line of MALFORMED(raw)) assert.ok(run.messages.includes(line), run.messages.join('\n'));
    assert.equal(run.prepared.badRows, 2);
    assert.deepEqual(run.prepared.reads.map((r) => [r.file, r.lines, r.malformed]), [[raw, 10, 2]]);
  }
  // the entry was written under a loose limit; a run with a strict one must not use it
  await assert.rejects(prepare([...sets, 'data.max_bad_share=0.1']), (err: unknown) =>
    err instanceof RunError && err.message.startsWith(`error: ${raw}: 2 of 10 lines malformed (20%), above data.max_bad_share 0.1; first: ${raw}:7:`),
  );
  await assert.rejects(prepare(sets.filter((s) => !s.startsWith('data.max_bad_share'))), RunError);
});

/** Rewrites an entry's header JSON and recomputes its checksum: an entry whose bytes are intact but wrong. */
function rewriteHeader(file: string, edit: (header: Record<string, unknown>) => void): void {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.toString('utf8', 16, 16 + headerLength));
  edit(header);
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.from(bytes.subarray(0, 16));
  prefix.writeUInt32LE(headerBytes.length, 12);
  const body = Buffer.concat([prefix, headerBytes, bytes.subarray(16 + headerLength, bytes.length - 32)]);
  writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

test("another dataset's entry under a key is detected by the key inside it, and rebuilt", async () => {
  const { cache, sets } = setup();
  const own = await prepare(sets);
  const [entry] = readdirSync(cache);
  // another file: 2,999 users in the case; here the ML-1M fixture, read into the same folder
  const other = [...sets.filter((s) => !s.startsWith('data.movielens.path=')), `data.movielens.path=${join(REPO, 'datasets', 'fixtures', 'ml-1m.dat')}`];
  await prepare(other);
  const otherEntry = readdirSync(cache).find((f) => f !== entry) as string;
  copyFileSync(join(cache, otherEntry), join(cache, entry));
  const afterCopy = await prepare(sets);
  assert.equal(afterCopy.fromCache, false);
  assert.ok(afterCopy.messages.some((m) => m.includes(`written for another key (${otherEntry.slice(0, -4)})`) && m.endsWith('rebuilding it')), afterCopy.messages.join('\n'));
  assert.deepEqual(afterCopy.prepared, own.prepared);
});

test('an entry with a valid checksum but an inconsistent header is rebuilt, never an internal error', async () => {
  const { cache, sets } = setup();
  const first = await prepare(sets);
  const [entry] = readdirSync(cache);
  const edits: [string, (h: Record<string, unknown>) => void][] = [
    ['one user more', (h) => void (h.numUsers = (h.numUsers as number) + 1)],
    ['raw ids lost', (h) => void (h.userIds = null)],
    ['array sizes lost', (h) => void delete h.byteLengths],
    ['a size moved', (h) => void ((h.byteLengths as number[])[0] += 4, ((h.byteLengths as number[])[1] -= 4))],
    ['statistics of other data', (h) => void ((h.log as { stats: { users: number } }[])[1].stats.users = 99)],
    ['no record of the files', (h) => void delete h.reads],
    ['a record of other files', (h) => void ((h.reads as { file: string }[])[0].file = 'u.data')],
    ['a malformed count above the lines', (h) => void ((h.reads as { malformed: number }[])[0].malformed = 11)],
  ];
  for (const [what, edit] of edits) {
    rewriteHeader(join(cache, entry), edit);
    const run = await prepare(sets);
    assert.equal(run.fromCache, false, what);
    assert.ok(run.messages.some((m) => m.includes(': inconsistent: ') && m.endsWith('rebuilding it')), `${what}: ${run.messages.join('\n')}`);
    assert.deepEqual(run.prepared, first.prepared, what);
    assert.equal((await prepare(sets)).fromCache, true, what);
  }
});

test('a cache write that fails removes its temporary file and names the entry (exit 1)', async () => {
  const { cache, sets } = setup();
  await prepare(sets);
  const [entry] = readdirSync(cache);
  // a directory where the entry goes: it cannot be read (rebuilt) and the rename onto it fails
  rmSync(join(cache, entry));
  mkdirSync(join(cache, entry, 'blocker'), { recursive: true });
  await assert.rejects(prepare(sets), (err: unknown) =>
    err instanceof RunError && err.exitCode === 1 && err.message.startsWith(`error: cannot write the data cache entry ${join(cache, entry)} (`),
  );
  assert.deepEqual(readdirSync(cache), [entry]);
});
