import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrays, writeArrays } from '../../src/results/arrays-file';
import { writeFileAtomic } from '../../src/results/atomic';
import { appendRecord, type TrialRecord } from '../../src/sweep/index-file';
import { RunError } from '../../src/util/errors';

const temp = () => mkdtempSync(join(tmpdir(), 'memrec-writes-'));
// Linux's /dev/full fails every write with ENOSPC: a full disk without a full disk
const FULL = '/dev/full';
const noDevFull = !existsSync(FULL) && 'needs /dev/full';

function runError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RunError, `unexpected ${String(err)}`);
    assert.equal(err.exitCode, 1);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected a RunError');
}

test('an atomic write on a full disk names the file, removes its temporary file and keeps the old content', { skip: noDevFull }, () => {
  const dir = temp();
  const file = join(dir, 'metrics.json');
  writeFileAtomic(file, 'old');
  symlinkSync(FULL, `${file}.tmp-${process.pid}`);
  assert.equal(runError(() => writeFileAtomic(file, 'new')), `error: ${file}: cannot write (no space left on the device)`);
  assert.deepEqual(readdirSync(dir), ['metrics.json']);
  assert.equal(readFileSync(file, 'utf8'), 'old');
});

test('an atomic write into a missing folder is a RunError naming the file', () => {
  const file = join(temp(), 'gone', 'x.json');
  assert.equal(runError(() => writeFileAtomic(file, 'x')), `error: ${file}: cannot write (its folder does not exist)`);
});

test('an index line that cannot be written is a RunError naming index.jsonl', { skip: noDevFull }, () => {
  const out = temp();
  symlinkSync(FULL, join(out, 'index.jsonl'));
  const record: TrialRecord = { id: 'a', status: 'ok', point: {}, overrides: [], seed: 1, run_dir: null, valid: null, test: null, wall_seconds: 0, finished_at: '' };
  assert.equal(runError(() => appendRecord(out, record)), `error: ${join(out, 'index.jsonl')}: cannot write (no space left on the device)`);
});

const ARRAYS = {
  weights: { data: Float32Array.from([0.5, -1.25, 3, 4, 5, 6]), shape: [2, 3] },
  ids: { data: Int32Array.from([7, 8, 9]), shape: [3] },
};

test('a checkpoint with flipped bytes is refused in one line naming the file', () => {
  const dir = temp();
  writeArrays(dir, 'checkpoint', ARRAYS, { model: 'bpr' });
  const bin = join(dir, 'checkpoint.bin');
  const good = readFileSync(bin);
  // every single flipped byte is caught, including those in the alignment padding after `ids`
  for (let at = 0; at < good.length; at++) {
    const bad = Buffer.from(good);
    bad[at] ^= 0xff;
    writeFileSync(bin, bad);
    assert.equal(
      runError(() => readArrays(dir, 'checkpoint')),
      `error: ${bin}: corrupted (its sha256 does not match the one in ${join(dir, 'checkpoint.json')}); it cannot be used`,
    );
  }
  writeFileSync(bin, good.subarray(0, good.length - 8));
  assert.match(runError(() => readArrays(dir, 'checkpoint')), /checkpoint\.bin: corrupted/);
  writeFileSync(bin, good);
  assert.deepEqual(readArrays(dir, 'checkpoint').arrays, ARRAYS);
});

test('a manifest edited to describe other arrays is refused; a file of the format before checksums is still read', () => {
  const dir = temp();
  writeArrays(dir, 'checkpoint', ARRAYS);
  const manifestFile = join(dir, 'checkpoint.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const edit = (change: (m: typeof manifest) => void) => {
    const copy = JSON.parse(JSON.stringify(manifest));
    change(copy);
    writeFileSync(manifestFile, JSON.stringify(copy));
  };
  edit((m) => (m.arrays.weights.shape = [3, 2, 1, 2]));
  assert.match(runError(() => readArrays(dir, 'checkpoint')), /checkpoint\.json: corrupted \(array weights does not fit .*checkpoint\.bin\)/);
  edit((m) => (m.arrays.ids.byteOffset = 28));
  assert.match(runError(() => readArrays(dir, 'checkpoint')), /array ids does not fit/);
  edit((m) => (m.arrays.ids = { ...m.arrays.ids, length: 1, shape: [1] }));
  assert.match(runError(() => readArrays(dir, 'checkpoint')), /checkpoint\.json: corrupted \(it describes 32 bytes, .*checkpoint\.bin has 40\)/);
  edit((m) => {
    m.format = 'memrec-arrays/1';
    delete m.sha256;
  });
  assert.deepEqual(readArrays(dir, 'checkpoint').arrays, ARRAYS);
  writeFileSync(manifestFile, '{"format": "memrec-ar');
  assert.match(runError(() => readArrays(dir, 'checkpoint')), /checkpoint\.json: cannot read stored arrays/);
});
