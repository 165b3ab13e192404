import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { memrecInProcess } from '../helpers/cli';

const CONFIG = `data:
  source: sasrec
  sasrec: {path: data.txt}
model: {name: mostpop}
eval: {cutoffs: [5]}
compute: {backend: cpu}
output: {dir: results}
`;

/** SASRec's "user item" layout: users 1..6, eight items each. */
const DATA = Array.from({ length: 6 }, (_, u) => Array.from({ length: 8 }, (_, t) => `${u + 1} ${((u * 3 + t * 7) % 11) + 1}\n`).join('')).join('');

test('a run trained in one folder evaluates from another; a changed data file is refused and named unless allowed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-eval-data-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [trainDir, elsewhere] = [join(root, 'a'), join(root, 'b')];
  mkdirSync(trainDir);
  mkdirSync(elsewhere);
  const file = join(trainDir, 'data.txt');
  writeFileSync(file, DATA);
  writeFileSync(join(trainDir, 'run.yaml'), CONFIG);

  const trained = await memrecInProcess(['train', '--config', 'run.yaml', '--quiet'], trainDir);
  assert.equal(trained.status, 0, trained.stderr);
  const [id] = readdirSync(join(trainDir, 'results'));
  const run = join(trainDir, 'results', id);
  const saved = parse(readFileSync(join(run, 'config.yaml'), 'utf8'));
  assert.equal(saved.data.sasrec.path, file);
  assert.equal(saved.data.cache_dir, join(trainDir, '.memrec-cache'));
  const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.dataset.files, [{ path: file, bytes: DATA.length, sha256: createHash('sha256').update(DATA).digest('hex') }]);

  const same = await memrecInProcess(['eval', '--run', run], elsewhere);
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stdout, /all \d+ values identical to the saved metrics\.json/);

  // the same size, one item changed: only the hash tells
  writeFileSync(file, DATA.replace('1 1\n', '1 2\n'));
  const edited = await memrecInProcess(['eval', '--run', run, '--quiet'], elsewhere);
  assert.equal(edited.status, 1);
  assert.equal(edited.stderr.trim(), `error: data changed since the run: ${file} has another sha256 than the file the run read (same size) (--allow-changed-data evaluates it anyway)`);

  appendFileSync(file, '7 1\n7 2\n7 3\n');
  const grown = await memrecInProcess(['eval', '--run', run], elsewhere);
  assert.equal(grown.status, 1);
  assert.match(grown.stderr, new RegExp(`data changed since the run: ${file} has ${DATA.length + 12} bytes, the run read ${DATA.length} `));
  const allowed = await memrecInProcess(['eval', '--run', run, '--allow-changed-data'], elsewhere);
  assert.match(allowed.stderr, /evaluating it anyway \(--allow-changed-data\)/);
  assert.match(allowed.stdout, /mostpop on data: test \(recomputed\)/);
});
