import * as tf from '@tensorflow/tfjs-core';

/*
 * A document encoder for item text (MARS, Zheng et al., eqs. 1-4; the ConvMF/DeepCoNN kind of text CNN):
 *   Π = [H(w_1), ..., H(w_n)]                        word embeddings, e per word        (eq. 1)
 *   z_f[s] = ReLU(Σ_{r<c} H(w_{s+r}) · K_f[r] + b_f)  g filters of c words each         (eq. 2)
 *   s_f = max_s z_f[s]                               max over time                      (eq. 3)
 *   v = tanh(s Ŵ + b̂)                               projection to K                    (eq. 4)
 * Documents are rows of shifted token ids (token + 1, 0 = padding), right-padded to a width of at least c.
 * Only windows inside the document are pooled (s + c <= n); a document shorter than c has one window, at 0,
 * its missing words being zero vectors (the padding row is zero and never trained). A document without any
 * word pools nothing: s = 0, so v = tanh(b̂). Because ReLU outputs are >= 0, masking a window to 0 before the
 * max is exact.
 */

export interface TextCnnWeights {
  /** H: [V, e], row t the embedding of token t (the padding row is added here, zero) */
  readonly words: tf.Tensor2D;
  /** K: [c·e, g], window word r and embedding column k at row r·e + k (Caser's layout) */
  readonly kernel: tf.Tensor2D;
  /** b: [g], one per filter */
  readonly bias: tf.Tensor1D;
  /** Ŵ: [g, K] */
  readonly projection: tf.Tensor2D;
  /** b̂: [K] */
  readonly projectionBias: tf.Tensor1D;
}

/** H with a zero row 0 for padding: [V + 1, e]; gathering shifted ids from it needs no mask. */
function paddedWords(words: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([tf.zeros([1, words.shape[1]]), words], 0);
}

/** [N, P] 1 where the window of c words at position s lies in the document (or s = 0 of a short, non-empty one). */
function windowMask(tokens: tf.Tensor2D, window: number): tf.Tensor2D {
  const [rows, width] = tokens.shape;
  const positions = width - window + 1;
  const lastWord = tf.slice(tokens, [0, window - 1], [rows, positions]);
  const inside = tf.greater(lastWord, 0);
  const first = tf.greater(tf.slice(tokens, [0, 0], [rows, 1]), 0);
  const atStart = tf.concat([first, tf.zeros([rows, positions - 1], 'bool')], 1);
  return tf.cast(tf.logicalOr(inside, atStart), 'float32') as tf.Tensor2D;
}

/** [e, c·g] the kernel by embedding column: column r·g + f holds filter f's weights on window word r. */
function kernelByWord(weights: TextCnnWeights): { byWord: tf.Tensor2D; window: number } {
  const dim = weights.words.shape[1];
  const filters = weights.bias.shape[0];
  const window = weights.kernel.shape[0] / dim;
  if (!Number.isInteger(window) || window < 1) throw new Error(`text CNN kernel [${weights.kernel.shape}] is not [c·${dim}, g]`);
  const byWord = tf.reshape(tf.transpose(tf.reshape(weights.kernel, [window, dim, filters]), [1, 0, 2]), [dim, window * filters]) as tf.Tensor2D;
  return { byWord, window };
}

/**
 * Every word's response to every filter row, [V + 1, c·g] (row 0, padding, zero): the convolution is linear
 * in the embeddings, so a document's responses can be gathered from this table instead of computed per
 * position. Worth it when V + 1 is below the number of token slots to encode (or for many calls in a row).
 */
export function wordResponses(weights: TextCnnWeights): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(paddedWords(weights.words), kernelByWord(weights).byWord));
}

/**
 * The text CNN's item vectors v [N, K] of documents `tokens` [N, L] (shifted ids, L >= c). The word responses
 * come from `responses` (wordResponses of the same weights) when given; otherwise from the per-word table when
 * V + 1 <= N·L (one [V+1, e]x[e, c·g] product, then a gather), else per document position. Either way z is the
 * sum over r of the responses shifted by r.
 */
export function textCnn(tokens: tf.Tensor2D, weights: TextCnnWeights, responses: tf.Tensor2D | null = null): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, width] = tokens.shape;
    const dim = weights.words.shape[1];
    const filters = weights.bias.shape[0];
    const { byWord, window } = kernelByWord(weights);
    if (width < window) throw new Error(`text CNN documents are ${width} wide, fewer than the window of ${window} words`);
    const table = responses ?? (weights.words.shape[0] + 1 <= rows * width ? wordResponses(weights) : null);
    const perSlot = table
      ? tf.gather(table, tokens)
      : tf.reshape(tf.matMul(tf.reshape(tf.gather(paddedWords(weights.words), tokens), [rows * width, dim]), byWord), [rows, width, window * filters]);
    const positions = width - window + 1;
    const shifted = Array.from({ length: window }, (_, r) => tf.slice(perSlot, [0, r, r * filters], [rows, positions, filters]));
    const z = tf.relu(tf.add(window === 1 ? shifted[0] : tf.addN(shifted), weights.bias));
    const pooled = tf.max(tf.mul(z, tf.expandDims(windowMask(tokens, window), 2)), 1) as tf.Tensor2D;
    return tf.tanh(tf.add(tf.matMul(pooled, weights.projection), weights.projectionBias)) as tf.Tensor2D;
  });
}

/** MARS+Embed's projected word table H Ŵ, [V + 1, K] (row 0, padding, zero), for meanEmbedding. */
export function projectedWords(words: tf.Tensor2D, projection: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(paddedWords(words), projection));
}

/**
 * MARS+Embed's item vectors (Figure 7): the mean of the document's word embeddings in place of eqs. 2-3, then
 * eq. 4's projection, v = tanh(mean_w H(w) Ŵ + b̂) with Ŵ [e, K], from `projected` = projectedWords(H, Ŵ) (the
 * mean commutes with Ŵ). An empty document gives tanh(b̂).
 */
export function meanEmbedding(tokens: tf.Tensor2D, projected: tf.Tensor2D, projectionBias: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const count = tf.sum(tf.cast(tf.greater(tokens, 0), 'float32'), 1, true);
    const mean = tf.div(tf.sum(tf.gather(projected, tokens), 1), tf.maximum(count, 1));
    return tf.tanh(tf.add(mean, projectionBias)) as tf.Tensor2D;
  });
}

/**
 * Each item's document as a [numItems, width] matrix of shifted token ids, right-padded, width = the longest
 * document but at least `minWidth` (a CNN's window), from the Interactions' token CSR.
 */
export function documentMatrix(offsets: Int32Array, tokens: Int32Array, minWidth: number): { ids: Int32Array; width: number } {
  const numItems = offsets.length - 1;
  let width = minWidth;
  for (let i = 0; i < numItems; i++) width = Math.max(width, offsets[i + 1] - offsets[i]);
  const ids = new Int32Array(numItems * width);
  for (let i = 0; i < numItems; i++) {
    for (let t = offsets[i]; t < offsets[i + 1]; t++) ids[i * width + t - offsets[i]] = tokens[t] + 1;
  }
  return { ids, width };
}
