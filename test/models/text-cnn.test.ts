import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { documentMatrix, meanEmbedding, projectedWords, textCnn, wordResponses } from '../../src/models/layers/text-cnn';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { plainTextCnn, type PlainCnn } from '../helpers/text-cnn-reference';

before(useCpu);

/** Hand-sized weights: V = 5 tokens, e = 3, c = 2, g = 2 filters, K = 2. */
const V = 5;
const E = 3;
const C = 2;
const G = 2;
const K = 2;
const plain: PlainCnn = {
  words: Array.from({ length: V }, (_, t) => Array.from({ length: E }, (_, k) => Math.sin(1 + t * E + k))),
  kernel: Array.from({ length: C * E }, (_, row) => Array.from({ length: G }, (_, f) => Math.cos(0.7 * row + 1.3 * f))),
  bias: [0.1, -0.2],
  projection: [[0.5, -0.3], [0.8, 0.2]],
  projectionBias: [0.05, -0.1],
};
const { words, projectionBias } = plain;
const referenceCnn = (doc: number[]) => plainTextCnn(doc, plain);

function referenceMean(doc: number[], proj: number[][]): number[] {
  const mean = Array.from({ length: E }, (_, k) => (doc.length === 0 ? 0 : doc.reduce((sum, t) => sum + words[t][k], 0) / doc.length));
  return Array.from({ length: K }, (_, j) => Math.tanh(mean.reduce((sum, v, k) => sum + v * proj[k][j], projectionBias[j])));
}

/** Documents as the token CSR of an Interactions, then the model's padded matrix of shifted ids. */
function tokensOf(docs: number[][], minWidth: number): tf.Tensor2D {
  const offsets = Int32Array.from([0, ...docs.map((_, i) => docs.slice(0, i + 1).reduce((n, d) => n + d.length, 0))]);
  const { ids, width } = documentMatrix(offsets, Int32Array.from(docs.flat()), minWidth);
  return tf.tensor2d(ids, [docs.length, width], 'int32');
}

const weights = () => ({
  words: tf.tensor2d(plain.words),
  kernel: tf.tensor2d(plain.kernel),
  bias: tf.tensor1d(plain.bias),
  projection: tf.tensor2d(plain.projection),
  projectionBias: tf.tensor1d(plain.projectionBias),
});

test('text CNN (eqs. 1-4) equals a plain-array convolution, max over time and tanh projection, padding masked', () => {
  // a long document, a repeated word, one shorter than the window, an empty one, and the padding-heavy row
  const docs = [[0, 1, 2, 3], [4, 4, 1], [2], [], [3, 0]];
  const expected = docs.flatMap(referenceCnn);
  // 5 documents of width 4: V + 1 = 6 <= 20 token slots, so the per-token route
  const got = tf.tidy(() => textCnn(tokensOf(docs, C), weights()));
  assertClose(got.dataSync(), expected, 'per-token responses');
  got.dispose();
  // one document at a time (V + 1 > its slots): the per-position route, the same numbers
  for (const [i, doc] of docs.entries()) {
    const one = tf.tidy(() => textCnn(tokensOf([doc], C), weights()));
    assertClose(one.dataSync(), referenceCnn(doc), `document ${i} alone`);
    one.dispose();
  }
  // the per-word table computed once and handed in (whole-catalogue encoding in blocks)
  const given = tf.tidy(() => textCnn(tokensOf(docs.slice(0, 2), C), weights(), wordResponses(weights())));
  assertClose(given.dataSync(), expected.slice(0, 2 * K), 'given word responses');
  given.dispose();
});

test('MARS+Embed: the mean of the word embeddings through the tanh projection; an empty document gives tanh(b̂)', () => {
  const docs = [[0, 1, 2, 3], [4, 4, 1], [2], []];
  const proj = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.6]]; // [e][K]
  const got = tf.tidy(() => meanEmbedding(tokensOf(docs, 1), projectedWords(tf.tensor2d(words), tf.tensor2d(proj)), tf.tensor1d(projectionBias)));
  assertClose(got.dataSync(), docs.flatMap((doc) => referenceMean(doc, proj)), 'mean embedding');
  got.dispose();
});
