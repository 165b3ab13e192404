import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainData, Model } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import { loadConfig } from '../../src/schema/config-flags';
import { ConfigError } from '../../src/util/errors';
import type { NamedArrays } from '../../src/util/named-arrays';
import { useCpu } from '../helpers/backend';
import { assertClose, tensorsOf, wholeBatch } from '../helpers/model-fixtures';
import { plainTextCnn, type PlainCnn } from '../helpers/text-cnn-reference';
import { scoreAll, scoreCandidates } from '../helpers/tiny-models';
import { userLists } from '../helpers/tiny-data';

before(useCpu);

/**
 * Two users and four items, each item a document over V = 4 words; e = 2, g = 2, c = 2, K = 2. User 0 liked
 * items 0, 1, 2 (in that order), user 1 items 2 and 3. Item 3's document is empty, item 1's shorter than c.
 */
const DOCS = [[0, 1, 2], [3], [1, 3, 0, 2], []];
const LIKED = [[0, 1, 2], [2, 3]];

const TRAIN: TrainData = {
  numUsers: 2,
  numItems: 4,
  sequences: userLists(LIKED),
  timestamps: Float64Array.from({ length: 5 }, (_, p) => p + 1),
  itemCategory: new Int32Array(4).fill(-1),
  numCategories: 0,
  itemTokenOffsets: Int32Array.from([0, 3, 4, 8, 8]),
  itemTokens: Int32Array.from(DOCS.flat()),
  numTokens: 4,
};

const matrix = (rows: number, cols: number, f: (i: number) => number) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r * cols + c)));
const WORDS = matrix(4, 2, (i) => Math.sin(0.9 * i + 0.3));
/** f_user (Ψ) and f_item (Ω): different convolutions and projections over the one word table */
const CNN: Record<'memory' | 'candidate', PlainCnn> = {
  memory: { words: WORDS, kernel: matrix(4, 2, (i) => Math.cos(1.1 * i)), bias: [0.1, 0.05], projection: matrix(2, 2, (i) => 0.9 - 0.4 * i), projectionBias: [0.02, -0.03] },
  candidate: { words: WORDS, kernel: matrix(4, 2, (i) => Math.sin(0.5 * i + 1)), bias: [-0.05, 0.2], projection: matrix(2, 2, (i) => [1.2, -0.7, 0.4, 0.9][i]), projectionBias: [0.1, 0.0] },
};

function state(): NamedArrays {
  const out: NamedArrays = { words: { data: Float32Array.from(WORDS.flat()), shape: [4, 2] } };
  for (const side of ['memory', 'candidate'] as const) {
    const w = CNN[side];
    out[`${side}_kernel`] = { data: Float32Array.from(w.kernel.flat()), shape: [4, 2] };
    out[`${side}_bias`] = { data: Float32Array.from(w.bias), shape: [2] };
    out[`${side}_projection`] = { data: Float32Array.from(w.projection.flat()), shape: [2, 2] };
    out[`${side}_projection_bias`] = { data: Float32Array.from(w.projectionBias), shape: [2] };
  }
  return out;
}

const SIZES = ['model.name=mars', 'model.dim=2', 'model.word_dim=2', 'model.filters=2', 'model.window=2'];

function fixedModel(sets: string[] = []): Model {
  const model = createModel(loadConfig(null, [...SIZES, ...sets]));
  model.restore(state(), TRAIN);
  return model;
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
const memoryVector = (item: number) => plainTextCnn(DOCS[item], CNN.memory);
const itemVector = (item: number) => plainTextCnn(DOCS[item], CNN.candidate);

/** Eqs. 5, 7-9 by hand: the memory without the candidate, softmax attention (or all ones), u = C α, r = uᵀ v. */
function plainScore(memory: number[], item: number, attend = true): { score: number; user: number[]; weights: number[] } {
  const rows = memory.filter((m) => m !== item).map(memoryVector);
  const v = itemVector(item);
  const logits = rows.map((c) => dot(c, v));
  const top = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - top));
  const total = exp.reduce((a, b) => a + b, 0);
  const weights = attend ? exp.map((x) => x / total) : logits.map(() => 1);
  const user = [0, 1].map((k) => rows.reduce((s, c, m) => s + weights[m] * c[k], 0));
  return { score: dot(user, v), user, weights };
}

/** A user's memory at scoring time: the last `cap` liked items (0 = all). */
const memoryOf = (user: number, cap = 0) => (cap > 0 ? LIKED[user].slice(-cap) : LIKED[user]);

const USERS = Int32Array.from([0, 1]);

for (const { label, sets, cap, attend } of [
  { label: 'MARS', sets: [], cap: 0, attend: true },
  { label: 'MARS with model.memory 2 (the most recent two likes)', sets: ['model.memory=2'], cap: 2, attend: true },
  { label: 'MARS w/o Att (α = 1: u is the sum of the memory)', sets: ['model.variant=no_attention'], cap: 0, attend: false },
]) {
  test(`${label}: every item's score equals eqs. 1-9 computed by hand, through both scoring routes`, () => {
    const model = fixedModel(sets);
    const expected = [0, 1].flatMap((u) => [0, 1, 2, 3].map((j) => plainScore(memoryOf(u, cap), j, attend).score));
    const full = scoreAll(model, USERS, TRAIN.sequences);
    assertClose(full.dataSync(), expected, 'full scores');
    // the evaluator's route: every item encoded once in userStates, then scores read from it
    const states = (model.userStates as NonNullable<Model['userStates']>)({ lists: TRAIN.sequences, timestamps: TRAIN.timestamps }, USERS);
    const viaStates = model.score({ users: USERS, history: { lists: TRAIN.sequences, timestamps: TRAIN.timestamps }, targetTimes: null, candidates: null, states });
    assertClose(viaStates.dataSync(), expected, 'scores from the per-evaluation item vectors');
    const candidates = Int32Array.from([3, 0, 1, 2]);
    const picked = scoreCandidates(model, USERS, TRAIN.sequences, candidates, 2);
    assertClose(picked.dataSync(), [expected[3], expected[0], expected[4 + 1], expected[4 + 2]], 'candidate scores');
    states.dispose();
    tf.dispose([full, viaStates, picked]);
    model.dispose();
  });
}

test('eq. 11 (sign corrected) on a liked_sets batch: BPR on r_ij − r_ij′ plus λ_u‖u‖² and λ_v‖v‖² of both, by hand', () => {
  const model = fixedModel(['model.lambda_u=0.01', 'model.lambda_v=0.02']) as unknown as { loss(batch: unknown): tf.Scalar } & Model;
  const batch = wholeBatch(TRAIN, 'liked_sets', 0, 1);
  // one example per training like: the memory is the user's other likes, most recent first
  assert.deepEqual(Array.from(batch.positives), [0, 1, 2, 2, 3]);
  const slots = batch.fields.memory_slots;
  const distinct = Array.from(batch.fields.memory_items.data);
  const memories = Array.from({ length: 5 }, (_, b) =>
    Array.from(slots.data.subarray(b * slots.shape[1], (b + 1) * slots.shape[1])).filter((s) => s > 0).map((s) => distinct[s - 1]),
  );
  assert.deepEqual(memories, [[2, 1], [2, 0], [1, 0], [3], [2]]);
  let expected = 0;
  for (let b = 0; b < 5; b++) {
    const pos = plainScore(memories[b], batch.positives[b]);
    const neg = plainScore(memories[b], batch.negatives[b]);
    const norm = (x: number[]) => dot(x, x);
    const bpr = Math.log1p(Math.exp(neg.score - pos.score));
    expected += bpr + 0.01 * (norm(pos.user) + norm(neg.user)) + 0.02 * (norm(itemVector(batch.positives[b])) + norm(itemVector(batch.negatives[b])));
  }
  const loss = tf.tidy(() => model.loss(tensorsOf(batch)));
  assertClose([loss.dataSync()[0]], [expected / 5], 'loss');
  loss.dispose();
  model.dispose();
});

test('an example whose memory is empty (a user with one like) scores 0 and leaves every gradient finite', () => {
  const single: TrainData = { ...TRAIN, numUsers: 3, sequences: userLists([...LIKED, [1]]), timestamps: Float64Array.from({ length: 6 }, (_, p) => p + 1) };
  const model = createModel(loadConfig(null, SIZES)) as unknown as { loss(batch: unknown): tf.Scalar } & Model;
  model.restore(state(), single);
  const batch = wholeBatch(single, 'liked_sets', 0, 1);
  const { value, grads } = tf.variableGrads(() => model.loss(tensorsOf(batch)));
  const values = Object.values(grads).flatMap((g) => Array.from(g.dataSync()));
  assert.ok(Number.isFinite(value.dataSync()[0]) && values.every(Number.isFinite), 'finite loss and gradients');
  tf.dispose([value, ...Object.values(grads)]);
  const scores = scoreAll(model, Int32Array.of(2), userLists([[], [], []]));
  assert.deepEqual(Array.from(scores.dataSync()), [0, 0, 0, 0]);
  scores.dispose();
  model.dispose();
});

test('explain: the memory items and their attention for a candidate, largest first, the candidate left out', async () => {
  const model = fixedModel();
  const history = { lists: TRAIN.sequences, timestamps: TRAIN.timestamps };
  const got = await (model.explain as NonNullable<Model['explain']>)(history, 0, 1);
  const { weights } = plainScore([2, 1, 0], 1);
  const expected = [2, 0].map((item, m) => ({ item, weight: weights[m] })).sort((a, b) => b.weight - a.weight);
  assert.deepEqual(Array.from(got.items), expected.map((e) => e.item));
  assertClose(got.weights, expected.map((e) => e.weight), 'attention');
  model.dispose();
});

test('a text variant on a source without text is refused in one line naming the key; no_text is accepted', () => {
  assert.throws(
    () => loadConfig(null, ['model.name=mars', 'data.synthetic.tokens_per_item=0']),
    (err: Error) => err instanceof ConfigError && /model\.variant: mars with model\.variant mars reads item text, but data\.synthetic\.tokens_per_item is 0/.test(err.message) && !err.message.includes('\n'),
  );
  assert.doesNotThrow(() => loadConfig(null, ['model.name=mars', 'model.variant=no_text', 'data.synthetic.tokens_per_item=0']));
});
