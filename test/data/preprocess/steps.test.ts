import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateInteractions, type Interactions } from '../../../src/data/interactions';
import { applySteps, PREPROCESS_STEPS } from '../../../src/data/preprocess/registry';
import { parseStep, type ParsedStep } from '../../../src/data/preprocess/step';
import { ConfigError, RunError } from '../../../src/util/errors';
import { tinyData } from '../../helpers/tiny-data';

function steps(...texts: string[]): ParsedStep[] {
  return texts.map((text) => {
    const parsed = parseStep(text, PREPROCESS_STEPS);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  });
}

function run(data: Interactions, ...texts: string[]): Interactions {
  const result = applySteps(data, steps(...texts), 7).data;
  validateInteractions(result);
  return result;
}

/** Each user's raw item ids in order, keyed by raw user id: compares results by what they mean. */
function byRawIds(data: Interactions): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let u = 0; u < data.numUsers; u++) {
    out[data.userIds[u]] = Array.from(data.items.subarray(data.offsets[u], data.offsets[u + 1]), (i) => data.itemIds[i]);
  }
  return out;
}

/** tinyData with ratings and behaviours per position. */
function withColumns(data: Interactions, ratings: number[], behaviors: number[], names: string[]): Interactions {
  return { ...data, ratings: Uint8Array.from(ratings), behaviors: Uint8Array.from(behaviors), behaviorNames: names };
}

test('min_rating keeps ratings at or above the threshold and re-indexes items densely in their old order', () => {
  const data = withColumns(tinyData([[0, 1, 2], [2, 3]], 4), [5, 3, 4, 2, 5], [0, 0, 0, 0, 0], ['x']);
  const result = run(data, 'min_rating min=4');
  assert.deepEqual(byRawIds(result), { u0: ['i0', 'i2'], u1: ['i3'] });
  assert.deepEqual(result.itemIds, ['i0', 'i2', 'i3']);
  assert.deepEqual(Array.from(result.items), [0, 1, 2]);
  assert.deepEqual(Array.from(result.ratings ?? []), [5, 4, 5]);
  assert.deepEqual(Array.from(result.timestamps), [1, 3, 5]);
});

test('a user left with nothing disappears; categories are re-indexed over the remaining items', () => {
  const base = withColumns(tinyData([[0, 1], [2], [3, 0]], 4), [5, 5, 1, 5, 4], [0, 0, 0, 0, 0], ['x']);
  const data = { ...base, itemCategory: Int32Array.from([2, 0, 1, 2]), numCategories: 3 };
  const result = run(data, 'min_rating min=4');
  assert.deepEqual(result.userIds, ['u0', 'u2']);
  assert.deepEqual(result.itemIds, ['i0', 'i1', 'i3']);
  // categories 2, 0, 2 remain: category 0 -> 0, 2 -> 1
  assert.deepEqual(Array.from(result.itemCategory), [1, 0, 1]);
  assert.equal(result.numCategories, 2);
});

test('keep_behaviors keeps the named types; an unknown type is a config error naming the entry', () => {
  const data = withColumns(tinyData([[0, 1, 2, 3]], 4), [0, 0, 0, 0], [0, 1, 2, 1], ['pv', 'buy', 'cart']);
  assert.deepEqual(byRawIds(run(data, 'keep_behaviors types=buy,cart')), { u0: ['i1', 'i2', 'i3'] });
  assert.throws(() => run(data, 'keep_behaviors types=fav'), (err: Error) => err instanceof ConfigError && /data\.preprocess\[0\] "keep_behaviors types=fav": no behaviour type fav/.test(err.message));
  assert.throws(() => run(tinyData([[0]], 1), 'min_rating min=4'), /tiny has no ratings/);
});

test('implicit drops ratings and behaviour types and keeps every interaction', () => {
  const data = withColumns(tinyData([[0, 1]], 2), [1, 5], [0, 1], ['pv', 'buy']);
  const result = run(data, 'implicit');
  assert.equal(result.ratings, null);
  assert.equal(result.behaviors, null);
  assert.equal(result.items.length, 2);
});

test('dedupe: scope=all keeps first occurrences, scope=consecutive drops immediate repeats only', () => {
  const data = tinyData([[0, 0, 1, 0, 2, 2], [1, 1]], 3);
  assert.deepEqual(byRawIds(run(data, 'dedupe')), { u0: ['i0', 'i1', 'i2'], u1: ['i1'] });
  assert.deepEqual(byRawIds(run(data, 'dedupe scope=consecutive')), { u0: ['i0', 'i1', 'i0', 'i2'], u1: ['i1'] });
});

// Counts: item i0 4 times, i1 3, i2 2, i3 1; users u0 4, u1 3, u2 2, u3 1.
const COUNTS = tinyData([[0, 1, 2, 3], [0, 1, 2], [0, 1], [0]], 4);

test('min_count filters users and items counted once on the input', () => {
  // items with >= 2 (i0, i1, i2) and users with >= 2 (u0, u1, u2), decided together on the input
  assert.deepEqual(byRawIds(run(COUNTS, 'min_count users=2 items=2')), { u0: ['i0', 'i1', 'i2'], u1: ['i0', 'i1', 'i2'], u2: ['i0', 'i1'] });
  // one pass leaves u2's 2 items although i2 then has 2 left; with items=3 i2 goes and u1 drops to 2 < 3 but stays
  assert.deepEqual(byRawIds(run(COUNTS, 'min_count users=3 items=3')), { u0: ['i0', 'i1'], u1: ['i0', 'i1'] });
});

test('k_core repeats until every user and item meets its threshold', () => {
  // after one pass (users >= 3, items >= 3): u0 [i0 i1], u1 [i0 i1] - both users below 3, so the core is empty
  const [kCore] = steps('k_core users=3 items=3');
  const empty = kCore.step.apply(COUNTS, kCore.args, { seed: 7, index: 0, where: 'k_core' });
  assert.equal(empty.numUsers, 0);
  assert.equal(empty.items.length, 0);
  const core = run(COUNTS, 'k_core users=2 items=2');
  // pass 1 as min_count; pass 2: i2 has 2 (u0, u1), everyone has >= 2: fixed point
  assert.deepEqual(byRawIds(core), { u0: ['i0', 'i1', 'i2'], u1: ['i0', 'i1', 'i2'], u2: ['i0', 'i1'] });
});

test('recent keeps the last n of each user', () => {
  assert.deepEqual(byRawIds(run(COUNTS, 'recent n=2')), { u0: ['i2', 'i3'], u1: ['i1', 'i2'], u2: ['i0', 'i1'], u3: ['i0'] });
});

test("head keeps each user's training part of a ratio split: floor(n × share), at least 1, one left for n >= 2", () => {
  // n = 4: floor(2.8) = 2; n = 3: floor(2.1) = 2; n = 2: floor(1.4) = 1; n = 1: the one interaction
  assert.deepEqual(byRawIds(run(COUNTS, 'head share=0.7')), { u0: ['i0', 'i1'], u1: ['i0', 'i1'], u2: ['i0'], u3: ['i0'] });
  // share 1 keeps all but the last of users with 2 or more, as ratio_chrono with train_ratio 1 trains
  assert.deepEqual(byRawIds(run(COUNTS, 'head share=1')), { u0: ['i0', 'i1', 'i2'], u1: ['i0', 'i1'], u2: ['i0'], u3: ['i0'] });
});

test('keep_users draws round(fraction * users) users from the split stream: same seed, same users', () => {
  const data = tinyData(Array.from({ length: 40 }, (_, u) => [u % 5]), 5);
  const first = run(data, 'keep_users fraction=0.25');
  assert.equal(first.numUsers, 10);
  assert.deepEqual(run(data, 'keep_users fraction=0.25').userIds, first.userIds);
  const otherSeed = applySteps(data, steps('keep_users fraction=0.25'), 8).data;
  assert.notDeepEqual(otherSeed.userIds, first.userIds);
  // users keep their old relative order
  assert.deepEqual([...first.userIds].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))), first.userIds);
});

test('sessions_as_users cuts at gaps above gap_minutes', () => {
  const base = tinyData([[0, 1, 2, 3], [4]], 5);
  const minutes = [0, 10, 50, 55, 0].map((m) => m * 60);
  const result = run({ ...base, timestamps: Float64Array.from(minutes) }, 'sessions_as_users gap_minutes=30');
  assert.deepEqual(byRawIds(result), { 'u0#1': ['i0', 'i1'], 'u0#2': ['i2', 'i3'], 'u1#1': ['i4'] });
});

test('the log has the statistics as loaded and after each step', () => {
  const { log } = applySteps(COUNTS, steps('recent n=2', 'min_count items=2'), 7);
  assert.deepEqual(log.map((row) => [row.step, row.stats.users, row.stats.items, row.stats.interactions]), [
    ['as loaded', 4, 4, 10],
    ['recent n=2', 4, 4, 7],
    // after recent: u0 [i2 i3], u1 [i1 i2], u2 [i0 i1], u3 [i0], so i0, i1, i2 have 2 each and i3 has 1
    ['min_count items=2', 4, 3, 6],
  ]);
});

test('step syntax errors say what is wrong', () => {
  const error = (text: string) => parseStep(text, PREPROCESS_STEPS) as string;
  assert.match(error('kcore users=5'), /unknown step "kcore".*did you mean k_core/);
  assert.match(error('k_core user=5'), /k_core has no parameter "user"; it takes users, items.*did you mean users/);
  assert.match(error('k_core users=five'), /users: expected a number, got "five"/);
  assert.match(error('k_core users=2.5'), /users: expected a whole number/);
  assert.match(error('recent'), /recent needs n=/);
  assert.match(error('dedupe scope=some'), /scope: "some" is not one of all, consecutive/);
  assert.match(error('keep_users fraction=1.5'), /fraction: 1.5 is above the maximum 1/);
  assert.match(error('recent 5'), /"5": parameters are written name=value/);
});

test('a step that leaves no interactions is a RunError naming it and the counts before it', () => {
  // recent n=3 leaves u0 [i1 i2 i3], u1 [i0 i1 i2], u2 [i0 i1], u3 [i0]; then the 3-core is empty (see above)
  assert.throws(
    () => applySteps(COUNTS, steps('recent n=3', 'k_core users=3 items=3'), 7),
    (err: unknown) =>
      err instanceof RunError &&
      err.exitCode === 1 &&
      err.message === 'error: data.preprocess[1] "k_core users=3 items=3" left no interactions (before it: 4 users, 4 items, 9 interactions); relax it or use more data',
  );
});
