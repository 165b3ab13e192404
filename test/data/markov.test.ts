import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainOptimum, drawChain, generateMarkov, type MarkovChain } from '../../src/data/markov';
import { DATA_SOURCES } from '../../src/data/sources';
import { validateInteractions } from '../../src/data/interactions';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';

test('drawChain: each item has distinct successors other than itself, most probable first, probabilities summing to 1', () => {
  const chain = drawChain(20, 4, stream(1, 'synthetic', 'markov'));
  for (let i = 0; i < 20; i++) {
    const next = Array.from(chain.next.subarray(i * 4, i * 4 + 4));
    const prob = Array.from(chain.prob.subarray(i * 4, i * 4 + 4));
    assert.equal(new Set(next).size, 4);
    assert.ok(!next.includes(i) && next.every((j) => j >= 0 && j < 20));
    assert.ok(Math.abs(prob.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(prob.every((p, k) => p > 0 && (k === 0 || p <= prob[k - 1])));
  }
});

test('chainOptimum by hand: Σ p_(r) / log2(r + 1) over the first K successors, averaged over the last items', () => {
  // item 0 -> 1 (0.7), 2 (0.3); item 1 -> 0 (0.5), 2 (0.5); item 2 -> 0 (0.9), 1 (0.1)
  const chain: MarkovChain = { numItems: 3, successors: 2, next: Int32Array.from([1, 2, 0, 2, 0, 1]), prob: Float64Array.from([0.7, 0.3, 0.5, 0.5, 0.9, 0.1]) };
  const second = 1 / Math.log2(3);
  const at10 = chainOptimum(chain, [0, 1, 2, 2], 10);
  assert.ok(Math.abs(at10.ndcg - (0.7 + 0.3 * second + 0.5 + 0.5 * second + 2 * (0.9 + 0.1 * second)) / 4) < 1e-12);
  assert.ok(Math.abs(at10.hr - 1) < 1e-12);
  const at1 = chainOptimum(chain, [0, 1, 2, 2], 1);
  assert.ok(Math.abs(at1.ndcg - (0.7 + 0.5 + 0.9 + 0.9) / 4) < 1e-12);
  assert.ok(Math.abs(at1.hr - at1.ndcg) < 1e-12);
});

test('generateMarkov: every step of every walk is an edge of the chain, taken about as often as its probability', () => {
  const { data, chain } = generateMarkov({ numUsers: 2000, numItems: 10, successors: 3, minLength: 5, maxLength: 9 }, stream(3, 'synthetic', 'markov'));
  validateInteractions(data);
  const counts = new Float64Array(10 * 3);
  for (let u = 0; u < data.numUsers; u++) {
    const length = data.offsets[u + 1] - data.offsets[u];
    assert.ok(length >= 5 && length <= 9);
    for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
      const from = data.items[p - 1];
      const s = Array.from(chain.next.subarray(from * 3, from * 3 + 3)).indexOf(data.items[p]);
      assert.ok(s >= 0, `step ${from} -> ${data.items[p]} is not an edge`);
      counts[from * 3 + s] += 1;
    }
  }
  for (let i = 0; i < 10; i++) {
    const total = counts[i * 3] + counts[i * 3 + 1] + counts[i * 3 + 2];
    for (let s = 0; s < 3; s++) assert.ok(Math.abs(counts[i * 3 + s] / total - chain.prob[i * 3 + s]) < 0.06, `item ${i} successor ${s}`);
  }
});

test('data.source markov: the config keys reach the generator, and the same seed gives the same walks', async () => {
  const config = loadConfig(null, ['data.source=markov', 'data.markov.num_users=30', 'data.markov.num_items=12', 'data.markov.successors=2']);
  const a = await DATA_SOURCES.markov.load(config, new Reporter(true));
  const b = await DATA_SOURCES.markov.load(config, new Reporter(true));
  assert.equal(a.numUsers, 30);
  assert.equal(a.numItems, 12);
  assert.deepEqual(a.items, b.items);
  const tooMany = loadConfig(null, ['data.source=markov', 'data.markov.num_items=3', 'data.markov.successors=3']);
  await assert.rejects(DATA_SOURCES.markov.load(tooMany, new Reporter(true)), /data\.markov\.successors \(3\) must be below data\.markov\.num_items \(3\)/);
});
