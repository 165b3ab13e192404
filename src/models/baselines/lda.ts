import type { Rng } from '../../random/streams';

/** Documents as a CSR of word ids: the words of document d are tokens[offsets[d] .. offsets[d+1]-1]. */
export interface Corpus {
  readonly offsets: Int32Array;
  readonly tokens: Int32Array;
  readonly numWords: number;
}

export interface LdaSettings {
  readonly topics: number;
  /** symmetric Dirichlet prior on each document's topic proportions */
  readonly alpha: number;
  /** symmetric Dirichlet prior on each topic's word distribution */
  readonly beta: number;
  readonly sweeps: number;
}

/** A fitted LDA: θ [documents × topics] and φ [topics × words], row-major, each row summing to 1. */
export interface LdaFit {
  readonly theta: Float32Array;
  readonly phi: Float32Array;
}

/**
 * Latent Dirichlet allocation (Blei, Ng and Jordan, JMLR 2003) by collapsed Gibbs sampling (Griffiths and
 * Steyvers, PNAS 2004): every token's topic z is resampled in turn from
 *
 *   p(z = k | the rest) ∝ (n_dk + α) (n_kw + β) / (n_k + Vβ)
 *
 * with the token's own assignment removed from the counts n_dk (document-topic), n_kw (topic-word) and n_k.
 * After `sweeps` passes the point estimates are θ_dk = (n_dk + α) / (n_d + Kα) and
 * φ_kw = (n_kw + β) / (n_k + Vβ), from the last sample (no averaging over samples). A document without words
 * gets θ = 1/K. The sampler is sequential by nature (each draw conditions on all others), so it runs over
 * typed arrays in JavaScript; every draw comes from `rng`.
 */
export function fitLda(corpus: Corpus, settings: LdaSettings, rng: Rng): LdaFit {
  const { topics: k, alpha, beta, sweeps } = settings;
  const { offsets, tokens, numWords: v } = corpus;
  const docs = offsets.length - 1;
  const docTopic = new Int32Array(docs * k);
  // word-major ([V × K]), so that one token's K counts are contiguous
  const wordTopic = new Int32Array(v * k);
  const topicTotal = new Int32Array(k);
  const assignment = new Int32Array(tokens.length);
  for (let d = 0; d < docs; d++) {
    for (let p = offsets[d]; p < offsets[d + 1]; p++) {
      const z = rng.int(k);
      assignment[p] = z;
      docTopic[d * k + z]++;
      wordTopic[tokens[p] * k + z]++;
      topicTotal[z]++;
    }
  }
  const weights = new Float64Array(k);
  const vBeta = v * beta;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let d = 0; d < docs; d++) {
      const row = d * k;
      for (let p = offsets[d]; p < offsets[d + 1]; p++) {
        const w = tokens[p] * k;
        const old = assignment[p];
        docTopic[row + old]--;
        wordTopic[w + old]--;
        topicTotal[old]--;
        let total = 0;
        for (let t = 0; t < k; t++) {
          total += ((docTopic[row + t] + alpha) * (wordTopic[w + t] + beta)) / (topicTotal[t] + vBeta);
          weights[t] = total;
        }
        const u = rng.uniform() * total;
        let z = 0;
        while (z < k - 1 && weights[z] <= u) z++;
        assignment[p] = z;
        docTopic[row + z]++;
        wordTopic[w + z]++;
        topicTotal[z]++;
      }
    }
  }
  const theta = new Float32Array(docs * k);
  for (let d = 0; d < docs; d++) {
    const length = offsets[d + 1] - offsets[d];
    for (let t = 0; t < k; t++) theta[d * k + t] = (docTopic[d * k + t] + alpha) / (length + k * alpha);
  }
  const phi = new Float32Array(k * v);
  for (let t = 0; t < k; t++) {
    for (let w = 0; w < v; w++) phi[t * v + w] = (wordTopic[w * k + t] + beta) / (topicTotal[t] + vBeta);
  }
  return { theta, phi };
}
