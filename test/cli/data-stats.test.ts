import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrec, REPO, memrecInProcess } from '../helpers/cli';

const FIXTURE = join(REPO, 'datasets', 'fixtures', 'ml-1m.dat');
const NO_CACHE = ['--set', 'data.cache_dir=', '--set', 'data.max_bad_share=0.5'];

/** A paper-tables folder with DMAN's Table 2 MovieLens row as published. */
function paperTables(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-tables-'));
  writeFileSync(join(dir, 'dman.yaml'), 'dataset_stats:\n  movielens: {users: 6040, items: 3952, T: 20, K: 10}\n');
  return dir;
}

test('data stats with the DMAN MovieLens preset prints our statistics, the paper\'s, and the difference', () => {
  const result = memrec(['data', 'stats', '--preset', 'dman/movielens', '--path', FIXTURE, '--quiet', ...NO_CACHE], { MEMREC_PAPER_TABLES: paperTables() });
  assert.equal(result.status, 0, result.stderr);
  const rows = result.stdout.trim().split('\n').map((line) => line.split(/\s{2,}/));
  // the fixture: users 1 and 2, items 1193 (rated twice), 661, 914, 1357; 6 ratings (the last line is malformed)
  assert.deepEqual(rows[2].slice(0, 4), ['as loaded', '2', '4', '6']);
  assert.deepEqual(rows[3].slice(0, 3), ['implicit', '2', '4']);
  assert.deepEqual(rows[4].slice(0, 3), ['paper: dman movielens', '6040', '3952']);
  // 2 / 6040 - 1 and 4 / 3952 - 1, in percent with one decimal
  assert.deepEqual(rows[5].slice(0, 3), ['ours vs paper', '-100.0%', '-99.9%']);
  assert.equal(rows[6].join(' '), 'paper also gives: T 20, K 10');
});

test('data stats: usage and config mistakes are one-line errors with exit 2', async () => {
  const unknown = await memrecInProcess(['data', 'stats', '--preset', 'dman/movielen', '--path', FIXTURE]);
  assert.ok(isOneLineError(unknown, 2), unknown.stderr);
  assert.match(unknown.stderr, /--preset dman\/movielen: no such preset \(did you mean dman\/movielens\?\)/);
  const both = await memrecInProcess(['data', 'stats', '--preset', 'dman/movielens', '--config', 'configs/quickstart.yaml']);
  assert.ok(isOneLineError(both, 2));
  const badStep = await memrecInProcess(['data', 'stats', '--set', 'data.preprocess=["k_core users=5", "dedup"]']);
  assert.ok(isOneLineError(badStep, 2), badStep.stderr);
  assert.match(badStep.stderr, /data\.preprocess\[1\]: unknown step "dedup".*did you mean dedupe/);
  const missing = memrec(['data', 'stats', '--preset', 'dman/movielens', '--path', '/nonexistent/ratings.dat', ...NO_CACHE], { MEMREC_PAPER_TABLES: paperTables() });
  assert.ok(isOneLineError(missing, 2), missing.stderr);
  assert.match(missing.stderr, /\/nonexistent\/ratings\.dat: .*not found/);
});
