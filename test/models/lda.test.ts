import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLda } from '../../src/models/baselines/lda';
import { stream } from '../../src/random/streams';

/**
 * Collapsed Gibbs LDA on a planted corpus: 3 topics over disjoint blocks of 10 words, 90 documents of 60
 * words each; document d draws each word from its main topic with probability w_d (uniform in [0.6, 1], so
 * the mixtures differ and the topics are identifiable) and otherwise from the next topic. The sampler must
 * find the three blocks (each topic's top 10 words are one block) and each document's θ: its main topic
 * and a share near w_d.
 */
test('LDA recovers planted topics: each topic\'s top words are one block, each document\'s main topic is found', () => {
  const rng = stream(9, 'synthetic', 'lda');
  const topics = 3;
  const block = 10;
  const docs = 90;
  const length = 60;
  const planted = Int32Array.from({ length: docs }, (_, d) => d % topics);
  const share = Float64Array.from({ length: docs }, () => 0.6 + 0.4 * rng.uniform());
  const tokens = new Int32Array(docs * length);
  for (let d = 0; d < docs; d++) {
    for (let p = 0; p < length; p++) {
      const topic = rng.uniform() < share[d] ? planted[d] : (planted[d] + 1) % topics;
      tokens[d * length + p] = topic * block + rng.int(block);
    }
  }
  const offsets = Int32Array.from({ length: docs + 1 }, (_, d) => d * length);
  const words = topics * block;
  const fit = fitLda({ offsets, tokens, numWords: words }, { topics, alpha: 0.1, beta: 0.01, sweeps: 50 }, stream(1, 'init', 'lda'));
  // each found topic's ten most probable words: one planted block
  const blockOf = new Int32Array(topics);
  for (let t = 0; t < topics; t++) {
    const top = Array.from({ length: words }, (_, w) => w)
      .sort((x, y) => fit.phi[t * words + y] - fit.phi[t * words + x])
      .slice(0, block);
    const blocks = new Set(top.map((w) => Math.floor(w / block)));
    assert.equal(blocks.size, 1, `topic ${t}'s top words ${top} span blocks ${[...blocks]}`);
    blockOf[t] = [...blocks][0];
  }
  assert.equal(new Set(blockOf).size, topics, 'every block is found by one topic');
  const errors: number[] = [];
  for (let d = 0; d < docs; d++) {
    const row = fit.theta.subarray(d * topics, (d + 1) * topics);
    const main = row.indexOf(Math.max(...row));
    assert.equal(blockOf[main], planted[d], `document ${d}: θ ${[...row]}`);
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-5);
    // the sampling error of a 60-word document's share is about 0.06
    assert.ok(Math.abs(row[main] - share[d]) < 0.2, `document ${d}: θ ${[...row]}, planted share ${share[d]}`);
    errors.push(Math.abs(row[main] - share[d]));
  }
  const meanError = errors.reduce((a, b) => a + b, 0) / docs;
  assert.ok(meanError < 0.07, `mean |θ_main − w_d| ${meanError}`);
});
