import * as tf from '@tensorflow/tfjs-core';
import type { NamedArrays } from '../../util/named-arrays';
import { num } from '../../config/spec';
import { ConfigError } from '../../util/errors';
import { alsUpdate, distinctLists, transposeLists, type AlsSide } from '../layers/als';
import { scoreItems } from '../layers/item-scores';
import type { Model, ModelContext, ScoreQuery, TrainData } from '../model';

/**
 * The shared part of the content models fitted by alternating least squares (CTR, CDL): they learn user
 * factors U [numUsers, K] and item factors V [numItems, K] in `fit`, outside the SGD training loop (their
 * papers' updates are closed-form solves, not gradient steps), and score s(u, i) = u_u · v_i.
 */
export abstract class FittedFactors<P> implements Model {
  private users: tf.Tensor2D | null = null;
  private items: tf.Tensor2D | null = null;
  protected readonly params: P;

  constructor(
    protected readonly context: ModelContext<P>,
    private readonly name: string,
  ) {
    this.params = context.params;
  }

  /** The fitted U and V (the model keeps them and disposes them). */
  protected abstract fit(train: TrainData): { users: tf.Tensor2D; items: tf.Tensor2D };

  init(train: TrainData): void {
    requireItemText(train, this.name, this.context.source);
    this.dispose();
    const { users, items } = this.fit(train);
    this.users = users;
    this.items = items;
  }

  score(query: ScoreQuery): tf.Tensor2D {
    const { users, items } = this.factors();
    return tf.tidy(() => scoreItems(tf.gather(users, tf.tensor1d(query.users, 'int32')), items, null, query.candidates));
  }

  private factors(): { users: tf.Tensor2D; items: tf.Tensor2D } {
    if (!this.users || !this.items) throw new Error(`${this.name}: used before init`);
    return { users: this.users, items: this.items };
  }

  async state(): Promise<NamedArrays> {
    const { users, items } = this.factors();
    return {
      user_factors: { data: Float32Array.from(await users.data()), shape: users.shape },
      item_factors: { data: Float32Array.from(await items.data()), shape: items.shape },
    };
  }

  restore(state: NamedArrays, train: TrainData): void {
    const users = state.user_factors;
    const items = state.item_factors;
    if (!users || !items || users.shape[0] !== train.numUsers || items.shape[0] !== train.numItems) {
      throw new Error(`${this.name}: checkpoint does not fit the data`);
    }
    this.dispose();
    this.users = tf.tensor2d(users.data, users.shape as [number, number]);
    this.items = tf.tensor2d(items.data, items.shape as [number, number]);
  }

  dispose(): void {
    this.users?.dispose();
    this.items?.dispose();
    this.users = null;
    this.items = null;
  }
}

/** A content model on data without item text stops in one line (exit 2) naming the model. */
export function requireItemText(train: TrainData, model: string, source: string): void {
  if (train.numTokens > 0 && train.itemTokens.length > 0) return;
  throw new ConfigError(`${source}: model.name: ${model} reads item text, and the data source has none (no item tokens); choose a source with item text`);
}

/** The keys of the confidence-weighted probabilistic MF that CTR and CDL share, with each model's λ defaults. */
export function confidenceKeys(lambdaU: number, lambdaV: number) {
  return {
    a: num(1, 'confidence c_ij of an observed (user, item) pair (CTR and CDL: 1)', { above: 0 }),
    b: num(0.01, 'confidence c_ij of an unobserved pair (CTR and CDL: 0.01)', { min: 0 }),
    lambda_u: num(lambdaU, 'λ_u: precision of the zero-mean prior on user factors', { above: 0 }),
    lambda_v: num(lambdaV, 'λ_v: precision of the prior pulling item factor v_j to item j\'s content vector', { above: 0 }),
  };
}

/** The user and item sides of the alternating least squares (layers/als.ts) on the training pairs. */
export function alsSides(train: TrainData, p: { a: number; b: number; lambda_u: number; lambda_v: number }): { users: AlsSide; items: AlsSide } {
  const lists = distinctLists(train.sequences, train.numItems);
  return {
    users: { lists, a: p.a, b: p.b, lambda: p.lambda_u },
    items: { lists: transposeLists(lists, train.numItems), a: p.a, b: p.b, lambda: p.lambda_v },
  };
}

/**
 * One sweep: u ← solve given V, then v ← solve given the new U and the items' content vectors (the prior
 * means). The old factors are disposed.
 */
export function alsSweep(
  sides: { users: AlsSide; items: AlsSide },
  factors: { users: tf.Tensor2D; items: tf.Tensor2D },
  content: tf.Tensor2D,
): { users: tf.Tensor2D; items: tf.Tensor2D } {
  factors.users.dispose();
  const users = alsUpdate(sides.users, factors.items, null);
  factors.items.dispose();
  return { users, items: alsUpdate(sides.items, users, content) };
}
