import * as tf from '@tensorflow/tfjs-core';
import { int, num, type ParamsOf } from '../../config/spec';
import { stream } from '../../random/streams';
import { alsLargestTensor } from '../layers/als';
import { modelEntry, type TrainData } from '../model';
import { alsSides, alsSweep, confidenceKeys, FittedFactors } from './fitted-factors';
import { fitLda } from './lda';

const KEYS = {
  dim: int(50, 'latent factors K, which are also the LDA topics', { min: 1 }),
  ...confidenceKeys(0.01, 100),
  iterations: int(20, 'alternating least squares sweeps (users, then items)', { min: 1 }),
  lda_alpha: num(0.1, 'LDA: Dirichlet prior α on topic proportions (MARS: "α of CTR is set as 0.1")', { above: 0 }),
  lda_beta: num(0.01, 'LDA: Dirichlet prior β on topic-word distributions', { above: 0 }),
  lda_sweeps: int(200, 'LDA: collapsed Gibbs sweeps over every token', { min: 1 }),
};

type CtrParams = ParamsOf<typeof KEYS>;

/**
 * CTR, collaborative topic regression (Wang and Blei, KDD 2011). Item j's text gets topic proportions θ_j
 * from LDA (collapsed Gibbs, lda.ts); its latent vector is v_j = θ_j + ε_j with ε_j ~ N(0, λ_v⁻¹ I), users
 * u_i ~ N(0, λ_u⁻¹ I), and r_ij ~ N(u_iᵀ v_j, c_ij⁻¹) with c_ij = a for observed pairs, b otherwise. The MAP
 * estimate alternates the closed forms (the paper's eqs. 8–9, layers/als.ts):
 *
 *   u_i ← (V C_i Vᵀ + λ_u I)⁻¹ V C_i R_i
 *   v_j ← (U C_j Uᵀ + λ_v I)⁻¹ (U C_j R_j + λ_v θ_j)
 *
 * and scores r̂_ij = u_iᵀ v_j (for an item without training pairs v_j shrinks to θ_j's pull: the paper's
 * out-of-matrix prediction u_iᵀ θ_j, up to the b-weighted term).
 * Choices where the paper leaves room:
 * - θ_j is fixed at the LDA estimate, not refined with the ratings (the paper's eq. 10 step is optional; its
 *   released code leaves it off by default), so LDA runs once before the sweeps.
 * - LDA's α = 0.1 is MARS's "α of CTR"; β = 0.01 is the usual Gibbs default. The topics are the latent
 *   dimension K, as in the paper.
 * - U starts at 0 and V at θ (as the released code); the first sweep solves U. The Gibbs draws come from the
 *   `init` stream, so the whole fit is a function of the seed.
 * - A user's repeated item counts once (r_ij is 0 or 1).
 */
export class Ctr extends FittedFactors<CtrParams> {
  protected fit(train: TrainData): { users: tf.Tensor2D; items: tf.Tensor2D } {
    const p = this.params;
    const lda = fitLda(
      { offsets: train.itemTokenOffsets, tokens: train.itemTokens, numWords: train.numTokens },
      { topics: p.dim, alpha: p.lda_alpha, beta: p.lda_beta, sweeps: p.lda_sweeps },
      stream(this.context.seed, 'init', 'ctr-lda'),
    );
    const theta = tf.tensor2d(lda.theta, [train.numItems, p.dim]);
    const sides = alsSides(train, p);
    let factors = { users: tf.zeros([train.numUsers, p.dim]) as tf.Tensor2D, items: tf.clone(theta) };
    for (let sweep = 0; sweep < p.iterations; sweep++) factors = alsSweep(sides, factors, theta);
    theta.dispose();
    return factors;
  }
}

export const ctrEntry = modelEntry({
  name: 'ctr',
  title: 'CTR: collaborative topic regression (LDA topics + offsets, weighted ALS)',
  paper: 'Wang, Blei. Collaborative Topic Modeling for Recommending Scientific Articles. KDD 2011',
  keys: KEYS,
  memory: (p, s) => ({ parameters: (s.numUsers + 2 * s.numItems) * p.dim, largestTensor: Math.max(alsLargestTensor(p.dim), Math.max(s.numUsers, s.numItems) * p.dim) }),
  create: (context) => new Ctr(context, 'ctr'),
});
