/** Plain-array text CNN weights: words [V][e], kernel [c·e][g] (window word r, column k at r·e + k), bias [g], projection [g][K], projectionBias [K]. */
export interface PlainCnn {
  words: number[][];
  kernel: number[][];
  bias: number[];
  projection: number[][];
  projectionBias: number[];
}

/**
 * MARS eqs. 1-4 on plain arrays for one document of token ids: the windows inside the document (one
 * zero-padded window when 1 <= n < c, none when n = 0), ReLU, max over the windows (0 without any), tanh
 * projection.
 */
export function plainTextCnn(doc: readonly number[], w: PlainCnn): number[] {
  const dim = w.words[0].length;
  const window = w.kernel.length / dim;
  const n = doc.length;
  const windows = n === 0 ? 0 : Math.max(1, n - window + 1);
  const pooled = w.bias.map((b, f) => {
    let best = 0;
    for (let s = 0; s < windows; s++) {
      let z = b;
      for (let r = 0; r < window && s + r < n; r++) {
        for (let k = 0; k < dim; k++) z += w.words[doc[s + r]][k] * w.kernel[r * dim + k][f];
      }
      best = Math.max(best, z);
    }
    return best;
  });
  return w.projectionBias.map((b, j) => Math.tanh(pooled.reduce((sum, v, f) => sum + v * w.projection[f][j], b)));
}
