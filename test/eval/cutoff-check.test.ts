import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCutoffs } from '../../src/eval/cutoff-check';
import { ConfigError } from '../../src/util/errors';

test('cut-offs above the number of items are a config error naming eval.cutoffs and where it was given', () => {
  assert.doesNotThrow(() => checkCutoffs([5, 10, 100], 100, 'x.yaml:3'));
  assert.throws(
    () => checkCutoffs([5, 5000], 100, 'x.yaml:3'),
    (err: unknown) => err instanceof ConfigError && err.exitCode === 2 && err.message === 'config error: x.yaml:3: eval.cutoffs: 5000 is larger than the catalogue (100 items); expected cut-offs <= 100',
  );
  assert.throws(() => checkCutoffs([101, 200], 100, '--set eval.cutoffs=[101,200]'), /--set eval\.cutoffs=\[101,200\]: eval\.cutoffs: 101, 200 are larger than the catalogue \(100 items\)/);
});
