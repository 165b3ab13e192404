import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrays, writeArrays } from '../../src/results/arrays-file';
import { writeFileAtomic } from '../../src/results/atomic';
import { createRunFolder, runIdBase } from '../../src/results/run-folder';

const temp = () => mkdtempSync(join(tmpdir(), 'memrec-results-'));

test('run ids are readable, and a taken id gets a suffix instead of sharing a folder', () => {
  const base = runIdBase(new Date(2026, 10, 23, 18, 5, 9), 'sasrec', 'synthetic', 'lr 0.01/x');
  assert.equal(base, '20261123-180509_sasrec_synthetic_lr-0.01-x');
  const out = temp();
  const first = createRunFolder(out, base);
  writeFileSync(join(first.dir, 'metrics.json'), 'earlier run');
  const second = createRunFolder(out, base);
  assert.equal(second.id, `${base}-2`);
  assert.equal(readFileSync(join(first.dir, 'metrics.json'), 'utf8'), 'earlier run');
});

test('atomic writes replace a file whole and leave no temporary file behind', () => {
  const dir = temp();
  const file = join(dir, 'metrics.json');
  writeFileAtomic(file, 'old');
  writeFileAtomic(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['metrics.json']);
  assert.throws(() => writeFileAtomic(join(dir, 'missing-folder', 'x.json'), 'x'));
  assert.deepEqual(readdirSync(dir), ['metrics.json']);
});

test('stored arrays round-trip exactly, float32 and int32, with their shapes', () => {
  const dir = temp();
  const arrays = {
    weights: { data: Float32Array.from([0.1, -2.5, 3e-8, 7, 8, 9]), shape: [2, 3] },
    ids: { data: Int32Array.from([5, -1, 2147483647]), shape: [3] },
    odd: { data: Float32Array.from([1]), shape: [1] },
  };
  writeArrays(dir, 'checkpoint', arrays, { model: 'x' });
  const back = readArrays(dir, 'checkpoint');
  assert.deepEqual(back.arrays, arrays);
  assert.deepEqual(back.meta, { model: 'x' });
});
