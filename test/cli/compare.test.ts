import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairingDifferences } from '../../src/run/compare-runs';

const RUN = {
  protocol: { candidates: 'full', cutoffs: [5, 10, 20], excludeHistory: true },
  data: { source: 'synthetic', stats: { users: 30, items: 800 } },
  split: { method: 'leave_one_out', repeats: 1 },
  seed: 1,
};

test('compare names the part that keeps two runs from being paired, with its first difference', () => {
  assert.deepEqual(pairingDifferences(RUN, structuredClone(RUN)), []);
  assert.deepEqual(pairingDifferences(RUN, { ...RUN, seed: 2 }), ['seed (1 against 2)']);
  assert.deepEqual(pairingDifferences(RUN, { ...RUN, protocol: { ...RUN.protocol, cutoffs: [5, 10, 50], excludeHistory: false } }), [
    'protocol (cutoffs [5,10,20] against [5,10,50], and 1 more)',
  ]);
  assert.deepEqual(pairingDifferences(RUN, { ...RUN, data: { source: 'movielens', stats: { users: 30, items: 800 } }, split: { method: 'ratio_random', repeats: 1 } }), [
    'data (source "synthetic" against "movielens")',
    'split (method "leave_one_out" against "ratio_random")',
  ]);
  assert.deepEqual(pairingDifferences(RUN, { ...RUN, seed: undefined }), ['seed (1 against none)']);
});

test('a data statistic that only one run records (an earlier memrec wrote the other) is no difference; a protocol key is', () => {
  const newer = { ...RUN, data: { source: 'synthetic', stats: { users: 30, items: 800, vocabulary: 96 } } };
  assert.deepEqual(pairingDifferences(RUN, newer), []);
  assert.deepEqual(pairingDifferences(RUN, { ...newer, data: { source: 'synthetic', stats: { users: 31, items: 800, vocabulary: 96 } } }), [
    'data (stats.users 30 against 31)',
  ]);
  assert.deepEqual(pairingDifferences(RUN, { ...RUN, protocol: { ...RUN.protocol, keepTargets: true } }), ['protocol (keepTargets none against true)']);
});
