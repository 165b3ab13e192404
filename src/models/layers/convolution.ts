import * as tf from '@tensorflow/tfjs-core';

/* Convolutions over a sequence's embedding matrix, Caser's kind (usable by any model, e.g. a text CNN). */

export type Activation = (x: tf.Tensor) => tf.Tensor;

/** The authors' activation_getter choices (iden, relu, tanh, sigm). */
export const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  identity: (x) => x,
};

/** The rows of every h-high window of an L-row matrix, window after window: s, s+1, ..., s+h-1 for s = 0..L-h. */
function windowRows(length: number, height: number): Int32Array {
  const rows = new Int32Array((length - height + 1) * height);
  for (let s = 0, k = 0; s + height <= length; s++) for (let r = 0; r < height; r++) rows[k++] = s + r;
  return rows;
}

/**
 * Caser's horizontal convolutions: for each height h = 1..L, n_h filters of h×d slide over the L rows of
 * `embeddings` [B, L, d]; each output goes through `activation` and is max-pooled over the L-h+1 positions.
 * kernels[h-1] is [h·d, n_h] (window row r, column j at r·d + j), biases[h-1] is [n_h]. Returns [B, L·n_h],
 * height-major. An h-high filter is a matmul over the stacked, flattened windows, because tfjs-backend-wasm
 * has no gradient for conv2d (Conv2DBackpropFilter); gathering the windows was also faster than conv2d on cpu.
 */
export function horizontalConvolutions(
  embeddings: tf.Tensor3D,
  kernels: readonly tf.Tensor2D[],
  biases: readonly tf.Tensor1D[],
  activation: Activation,
): tf.Tensor2D {
  const [batch, length, dim] = embeddings.shape;
  const pooled = kernels.map((kernel, index) => {
    const height = index + 1;
    const positions = length - height + 1;
    // heights 1 and L take every row in order: the matrix itself is the stack of windows
    const windows = height === 1 || height === length ? embeddings : tf.gather(embeddings, tf.tensor1d(windowRows(length, height), 'int32'), 1);
    const flat = tf.reshape(windows, [batch * positions, height * dim]);
    const conv = activation(tf.add(tf.matMul(flat, kernel), biases[index]));
    return tf.max(tf.reshape(conv, [batch, positions, -1]), 1);
  });
  return tf.concat(pooled, 1) as tf.Tensor2D;
}

/**
 * Caser's vertical convolution: n_v filters of L×1, each a weighted sum of the L rows of `embeddings`
 * [B, L, d] plus a bias, with no activation. kernel [L, n_v], bias [n_v]. Returns [B, n_v·d], filter-major
 * (the authors' view(-1, n_v·d) of the conv output).
 */
export function verticalConvolution(embeddings: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const [batch, length, dim] = embeddings.shape;
  const filters = kernel.shape[1];
  const columns = tf.reshape(tf.transpose(embeddings, [0, 2, 1]), [batch * dim, length]);
  const summed = tf.reshape(tf.matMul(columns, kernel), [batch, dim, filters]);
  const out = tf.add(tf.transpose(summed, [0, 2, 1]), tf.reshape(bias, [1, filters, 1]));
  return tf.reshape(out, [batch, filters * dim]) as tf.Tensor2D;
}
