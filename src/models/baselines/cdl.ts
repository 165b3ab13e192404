import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient with tfjs-core, which the SDAE's updates need.
import '@tensorflow/tfjs';
import { int, ints, num, type ParamsOf } from '../../config/spec';
import { stream, type Rng } from '../../random/streams';
import { alsLargestTensor } from '../layers/als';
import { glorotInit, zerosInit } from '../layers/init';
import { modelEntry, type TrainData } from '../model';
import { alsSides, alsSweep, confidenceKeys, FittedFactors } from './fitted-factors';

const KEYS = {
  dim: int(50, 'latent factors K, the width of the SDAE\'s middle layer', { min: 1 }),
  hidden: ints([200], 'SDAE encoder widths between the words and the middle layer (the decoder mirrors them): L = 2 (entries + 1) layers', { min: 1 }),
  vocabulary: int(8000, 'the most frequent words (by number of item texts) kept as SDAE inputs (the paper: 8000)', { min: 1 }),
  ...confidenceKeys(1, 10),
  lambda_n: num(1000, 'λ_n: precision of the reconstruction of the clean text', { above: 0 }),
  lambda_w: num(0.0001, 'λ_w: precision of the prior on SDAE weights and biases', { min: 0 }),
  noise: num(0.3, 'masking noise: the share of an item\'s words zeroed in the SDAE input', { min: 0, max: 0.99 }),
  iterations: int(20, 'EM-style rounds: an SDAE pass, then the closed-form user and item updates', { min: 1 }),
  sdae_epochs: int(1, 'passes over all items by the SDAE per round', { min: 1 }),
  sdae_batch: int(128, 'items per SDAE mini-batch', { min: 1 }),
  sdae_lr: num(0.001, 'Adam learning rate of the SDAE updates', { above: 0 }),
};

type CdlParams = ParamsOf<typeof KEYS>;

/** Items encoded per batch when the whole catalogue is encoded (the priors of the item update). */
const ENCODE_BATCH = 1024;

/**
 * CDL, collaborative deep learning (Wang, Wang and Yeung, KDD 2015). A stacked denoising autoencoder reads
 * item j's bag of words X_c,j corrupted to X_0,j; its layers are X_l = σ(X_{l−1} W_l + b_l), l = 1..L, with
 * the middle layer X_{L/2} of width K and the last X_L reconstructing X_c. Item factors are tied to the
 * middle layer, v_j = X_{L/2,j}ᵀ + ε_j, and ratings are as in CTR (c_ij = a or b). The MAP objective is
 *
 *   −λ_u/2 Σ‖u_i‖² − λ_w/2 Σ_l (‖W_l‖² + ‖b_l‖²) − λ_v/2 Σ_j ‖v_j − X_{L/2,j}ᵀ‖² − λ_n/2 Σ_j ‖X_{L,j} − X_c,j‖²
 *   − Σ_ij c_ij/2 (r_ij − u_iᵀ v_j)²
 *
 * and training alternates as the paper's EM-style algorithm: given the SDAE, U and V have closed forms
 * (layers/als.ts, CTR's eqs. with θ_j replaced by the encoding), and given V the SDAE weights follow the
 * gradient of the λ_v, λ_n and λ_w terms. Scores are u_iᵀ v_j.
 * Choices where the paper leaves room:
 * - One round = `sdae_epochs` passes of Adam mini-batches over the items (the paper says back-propagation;
 *   its learning rate and batch are not given), then u ← solve, v ← solve. Before the first round V is the
 *   encoding of the initial network, so the first pass is pure reconstruction (no layer-wise pre-training).
 * - Per mini-batch the data terms are means over its items and λ_w's term is divided by the number of
 *   items, so a pass estimates the whole objective / N.
 * - The encoder reads the corrupted text during the gradient steps and the clean text for the item
 *   update's prior (no noise at inference). Masking noise zeroes each present word with probability
 *   `noise`, drawn from the `dropout` stream; absent words are zero anyway. No dropout layers.
 * - X_c is each item's word counts divided by its largest count (values in [0, 1], matching the sigmoid
 *   output); words outside the `vocabulary` most frequent are dropped.
 * - Defaults: a = 1, b = 0.01, K = 50, 8000 words, one hidden layer of 200 (L = 4) as the paper's citeulike
 *   runs; λ_u = 1, λ_v = 10, λ_n = 1000, λ_w = 1e-4 are our reading of its best settings (MARS grid-searched
 *   λ_n, λ_w and L and does not report the values).
 */
export class Cdl extends FittedFactors<CdlParams> {
  protected fit(train: TrainData): { users: tf.Tensor2D; items: tf.Tensor2D } {
    const p = this.params;
    const text = itemBagOfWords(train, p.vocabulary);
    const net = new Sdae(text.words, p, stream(this.context.seed, 'init', 'cdl'));
    const noiseRng = stream(this.context.seed, 'dropout', 'cdl');
    const order = stream(this.context.seed, 'shuffle', 'cdl');
    const sides = alsSides(train, p);
    let factors = { users: tf.zeros([train.numUsers, p.dim]) as tf.Tensor2D, items: net.encodeAll(text) };
    const optimizer = tf.train.adam(p.sdae_lr);
    for (let round = 0; round < p.iterations; round++) {
      for (let epoch = 0; epoch < p.sdae_epochs; epoch++) {
        const shuffled = order.shuffle(Int32Array.from({ length: train.numItems }, (_, i) => i));
        for (let start = 0; start < shuffled.length; start += p.sdae_batch) {
          const batch = shuffled.subarray(start, Math.min(shuffled.length, start + p.sdae_batch));
          const clean = denseRows(text, batch, null);
          const noisy = denseRows(text, batch, { rng: noiseRng, rate: p.noise });
          tf.tidy(() => {
            const targets = tf.gather(factors.items, tf.tensor1d(batch, 'int32'));
            optimizer.minimize(() => net.loss(noisy, clean, targets, train.numItems), false, net.variables);
          });
          tf.dispose([clean, noisy]);
        }
      }
      const encoded = net.encodeAll(text);
      factors = alsSweep(sides, factors, encoded);
      encoded.dispose();
    }
    optimizer.dispose();
    net.dispose();
    return factors;
  }
}

/** Items' texts over the kept vocabulary: CSR of (column, value) with value = count / the item's largest count. */
interface BagOfWords {
  readonly offsets: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float32Array;
  readonly words: number;
}

function itemBagOfWords(train: TrainData, vocabulary: number): BagOfWords {
  const offsets = train.itemTokenOffsets;
  const documentFrequency = new Int32Array(train.numTokens);
  const lastItem = new Int32Array(train.numTokens).fill(-1);
  for (let i = 0; i < train.numItems; i++) {
    for (let p = offsets[i]; p < offsets[i + 1]; p++) {
      const token = train.itemTokens[p];
      if (lastItem[token] !== i) documentFrequency[token]++;
      lastItem[token] = i;
    }
  }
  // the most frequent words, ties to the lower token id, numbered in that order
  const kept = Int32Array.from({ length: train.numTokens }, (_, t) => t)
    .sort((x, y) => documentFrequency[y] - documentFrequency[x] || x - y)
    .subarray(0, Math.min(vocabulary, train.numTokens));
  const column = new Int32Array(train.numTokens).fill(-1);
  kept.forEach((token, c) => (column[token] = c));
  const out = { offsets: new Int32Array(train.numItems + 1), columns: [] as number[], values: [] as number[] };
  const counts = new Map<number, number>();
  for (let i = 0; i < train.numItems; i++) {
    counts.clear();
    for (let p = offsets[i]; p < offsets[i + 1]; p++) {
      const c = column[train.itemTokens[p]];
      if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const largest = Math.max(1, ...counts.values());
    for (const [c, count] of [...counts.entries()].sort((x, y) => x[0] - y[0])) {
      out.columns.push(c);
      out.values.push(count / largest);
    }
    out.offsets[i + 1] = out.columns.length;
  }
  return { offsets: out.offsets, columns: Int32Array.from(out.columns), values: Float32Array.from(out.values), words: kept.length };
}

/** Rows `items` of the bag of words as a dense [items, words] tensor; with `noise`, each present word zeroed at `rate`. */
function denseRows(text: BagOfWords, items: Int32Array, noise: { rng: Rng; rate: number } | null): tf.Tensor2D {
  const out = new Float32Array(items.length * text.words);
  items.forEach((item, r) => {
    for (let p = text.offsets[item]; p < text.offsets[item + 1]; p++) {
      if (noise && noise.rng.uniform() < noise.rate) continue;
      out[r * text.words + text.columns[p]] = text.values[p];
    }
  });
  return tf.tensor2d(out, [items.length, text.words]);
}

/** The SDAE: sigmoid layers words → hidden… → K → …hidden → words. */
export class Sdae {
  readonly variables: tf.Variable[] = [];
  private readonly layers: { w: tf.Variable; b: tf.Variable }[] = [];
  private readonly middle: number;

  constructor(
    words: number,
    private readonly params: Pick<CdlParams, 'dim' | 'hidden' | 'lambda_v' | 'lambda_n' | 'lambda_w'>,
    rng: Rng,
  ) {
    const widths = [words, ...params.hidden, params.dim, ...[...params.hidden].reverse(), words];
    for (let l = 0; l + 1 < widths.length; l++) {
      const w = tf.variable(glorotInit(rng, [widths[l], widths[l + 1]]));
      const b = tf.variable(zerosInit([widths[l + 1]]));
      this.layers.push({ w, b });
      this.variables.push(w, b);
    }
    this.middle = params.hidden.length + 1;
  }

  /** The middle layer X_{L/2} [B, K] and the reconstruction X_L [B, words] of input [B, words]. */
  forward(input: tf.Tensor2D): { code: tf.Tensor2D; output: tf.Tensor2D } {
    let x = input;
    let code = input;
    this.layers.forEach(({ w, b }, l) => {
      x = tf.sigmoid(tf.add(tf.matMul(x, w as tf.Tensor2D), b)) as tf.Tensor2D;
      if (l + 1 === this.middle) code = x;
    });
    return { code, output: x };
  }

  /**
   * The SDAE's share of the negative MAP objective on a mini-batch, over N items in all:
   * mean_j [λ_n/2 ‖X_L,j − X_c,j‖² + λ_v/2 ‖X_{L/2},j − v_j‖²] + λ_w/(2N) Σ (‖W‖² + ‖b‖²).
   */
  loss(noisy: tf.Tensor2D, clean: tf.Tensor2D, targets: tf.Tensor2D, items: number): tf.Scalar {
    const { lambda_n: ln, lambda_v: lv, lambda_w: lw } = this.params;
    const { code, output } = this.forward(noisy);
    const reconstruction = tf.sum(tf.squaredDifference(output, clean), 1);
    const tie = tf.sum(tf.squaredDifference(code, targets), 1);
    const data = tf.mean(tf.add(tf.mul(ln / 2, reconstruction), tf.mul(lv / 2, tie)));
    if (lw === 0) return data as tf.Scalar;
    const weights = tf.addN(this.variables.map((v) => tf.sum(tf.square(v))));
    return tf.add(data, tf.mul(lw / (2 * items), weights)) as tf.Scalar;
  }

  /** The middle layer of every item's clean text [N, K]. */
  encodeAll(text: BagOfWords): tf.Tensor2D {
    const n = text.offsets.length - 1;
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += ENCODE_BATCH) {
      const rows = Int32Array.from({ length: Math.min(n, start + ENCODE_BATCH) - start }, (_, r) => start + r);
      const input = denseRows(text, rows, null);
      parts.push(tf.tidy(() => this.forward(input).code));
      input.dispose();
    }
    const out = tf.concat(parts) as tf.Tensor2D;
    tf.dispose(parts);
    return out;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

export const cdlEntry = modelEntry({
  name: 'cdl',
  title: 'CDL: collaborative deep learning (stacked denoising autoencoder + probabilistic MF)',
  paper: 'Wang, Wang, Yeung. Collaborative Deep Learning for Recommender Systems. KDD 2015',
  keys: KEYS,
  memory: (p, s) => ({
    parameters: (s.numUsers + s.numItems) * p.dim + 2 * Math.min(p.vocabulary, 100000) * (p.hidden[0] ?? p.dim),
    largestTensor: Math.max(alsLargestTensor(p.dim), Math.max(ENCODE_BATCH, p.sdae_batch) * p.vocabulary),
  }),
  create: (context) => new Cdl(context, 'cdl'),
});
