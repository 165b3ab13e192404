import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData } from '../../src/data/pipeline';
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
