import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SYNTHETIC_PARAMS, SyntheticParams, generateSynthetic } from '../../src/data/synthetic';
import { Interactions, validateInteractions } from '../../src/data/interactions';
import { stream } from '../../src/random/streams';

const SMALL: SyntheticParams = { ...DEFAULT_SYNTHETIC_PARAMS, numUsers: 300 };
/** The first user's first items and timestamps under seed 7, from the generator before sessions existed. */
const FIRST_ITEMS_SEED_7 = [736, 736, 116, 326, 547];
const FIRST_TIMES_SEED_7 = [1508665244, 1508701987, 1508798758];

function generate(overrides: Partial<SyntheticParams> = {}, seed = 7): Interactions {
  return generateSynthetic({ ...SMALL, ...overrides }, stream(seed, 'synthetic'));
}

function typedArrays(data: Interactions) {
  return {
    offsets: data.offsets,
    items: data.items,
    timestamps: data.timestamps,
    ratings: data.ratings!,
    itemCategory: data.itemCategory,
    itemTokenOffsets: data.itemTokenOffsets,
    itemTokens: data.itemTokens,
  };
}

/**
 * Fits each item's most frequent next item on even users and returns how often it is the actual next item
 * for odd users; held out, so that small counts cannot inflate it.
 */
function heldOutSuccessorShare(data: Interactions): number {
  const pairCounts = new Map<number, number>();
  for (let u = 0; u < data.numUsers; u += 2) {
    for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
      const key = data.items[p - 1] * data.numItems + data.items[p];
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
    }
  }
  const best = new Int32Array(data.numItems).fill(-1);
  const bestCount = new Int32Array(data.numItems);
  for (const [key, count] of pairCounts) {
    const from = Math.floor(key / data.numItems);
    if (count > bestCount[from]) {
      bestCount[from] = count;
      best[from] = key % data.numItems;
    }
  }
  let hits = 0;
  let pairs = 0;
  for (let u = 1; u < data.numUsers; u += 2) {
    for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
      pairs++;
      if (best[data.items[p - 1]] === data.items[p]) hits++;
    }
  }
  return hits / pairs;
}

/** Shares of all interactions that go to the 10% most and the 50% least consumed items. */
function popularityShares(data: Interactions): { top10: number; bottom50: number } {
  const counts = new Int32Array(data.numItems);
  for (const item of data.items) counts[item]++;
  counts.sort().reverse();
  const share = (from: number, to: number) => counts.subarray(from, to).reduce((a, b) => a + b, 0) / data.items.length;
  return {
    top10: share(0, Math.ceil(data.numItems / 10)),
    bottom50: share(Math.floor(data.numItems / 2), data.numItems),
  };
}

/** Share of positions whose item the user already had at least `lag` steps earlier. */
function repeatRate(data: Interactions, lag: number): number {
  let repeats = 0;
  let positions = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.offsets[u];
    for (let p = start + lag; p < data.offsets[u + 1]; p++) {
      positions++;
      if (data.items.subarray(start, p - lag + 1).includes(data.items[p])) repeats++;
    }
  }
  return repeats / positions;
}

test('the same seed gives identical data, another seed different items', () => {
  const a = typedArrays(generate());
  const b = typedArrays(generate());
  for (const [name, array] of Object.entries(a)) {
    assert.ok(Buffer.from(array.buffer).equals(Buffer.from(b[name as keyof typeof b].buffer)), name);
  }
  assert.ok(!Buffer.from(generate({}, 8).items.buffer).equals(Buffer.from(a.items.buffer)));
});

test('the data is well formed', () => {
  const data = generate();
  validateInteractions(data);
  assert.equal(data.name, 'synthetic');
  assert.equal(data.numUsers, SMALL.numUsers);
  assert.equal(data.numItems, SMALL.numItems);
  assert.equal(data.userIds[0], 'u1');
  assert.equal(data.itemIds[SMALL.numItems - 1], `i${SMALL.numItems}`);
  assert.equal(data.behaviors, null);
  assert.deepEqual(data.behaviorNames, []);
  for (let u = 0; u < data.numUsers; u++) {
    const length = data.offsets[u + 1] - data.offsets[u];
    assert.ok(length >= SMALL.minLength && length <= SMALL.maxLength, `length ${length}`);
    for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
      assert.ok(data.timestamps[p] > data.timestamps[p - 1], `timestamps not increasing at ${p}`);
    }
  }
  assert.ok(data.timestamps.every(Number.isInteger));
  assert.ok(data.ratings!.every((r) => r >= 1 && r <= 5));
  assert.equal(data.numCategories, SMALL.numCategories);
  assert.ok(data.itemCategory.every((c) => c >= 0 && c < data.numCategories));
  assert.equal(data.numTokens, SMALL.numClusters * 8 + 16);
  assert.equal(data.itemTokenOffsets[data.numItems], data.numItems * SMALL.tokensPerItem);
  assert.ok(data.itemTokens.every((t) => t >= 0 && t < data.numTokens));
  for (let i = 0; i < data.numItems; i++) {
    const tokens = data.itemTokens.subarray(data.itemTokenOffsets[i], data.itemTokenOffsets[i + 1]);
    assert.equal(new Set(tokens).size, tokens.length, `item ${i} repeats a token`);
  }
});

test('a fixed successor pattern is there, far beyond what popularity gives', () => {
  assert.ok(heldOutSuccessorShare(generate()) > 0.4);
  assert.ok(heldOutSuccessorShare(generate({ transitionStrength: 0, repeatStrength: 0 })) < 0.2);
  assert.ok(heldOutSuccessorShare(generate({ transitionStrength: 0, repeatStrength: 0, popularitySkew: 0 })) < 0.05);
});

test('popularitySkew concentrates interactions on few items', () => {
  const skewed = popularityShares(generate());
  assert.ok(skewed.top10 > 1.3 * skewed.bottom50, JSON.stringify(skewed));
  const uniform = popularityShares(generate({ popularitySkew: 0 }));
  assert.ok(uniform.top10 < 0.2 && uniform.bottom50 > 0.3, JSON.stringify(uniform));
});

test('repeatStrength makes users return to items from long ago', () => {
  const without = repeatRate(generate({ repeatStrength: 0 }), SMALL.repeatLag);
  const withRepeats = repeatRate(generate({ repeatStrength: 0.3 }), SMALL.repeatLag);
  assert.ok(withRepeats > without + 0.15, `${without} -> ${withRepeats}`);
});

/** Users with two interests over the only two clusters, so that the cluster itself tells the interest. */
const SESSIONS: Partial<SyntheticParams> = {
  numClusters: 2, numCategories: 2, interestsPerUser: 2, transitionStrength: 0, repeatStrength: 0, driftRate: 0,
  sessionLength: 3, burstGap: 600, sessionGap: 3 * 86_400,
};

/** Shares of short (under an hour) gaps, and of long ones, after which the cluster changes; `lag` 1 looks one step later. */
function clusterChanges(data: Interactions, clusterOf: (item: number) => number, lag: number) {
  const counts = { short: 0, shortChanged: 0, long: 0, longChanged: 0 };
  for (let u = 0; u < data.numUsers; u++) {
    for (let p = data.offsets[u] + 1; p + lag < data.offsets[u + 1]; p++) {
      const long = data.timestamps[p] - data.timestamps[p - 1] > 3600;
      const changed = clusterOf(data.items[p + lag]) !== clusterOf(data.items[p + lag - 1]);
      if (long) { counts.long++; if (changed) counts.longChanged++; } else { counts.short++; if (changed) counts.shortChanged++; }
    }
  }
  return { short: counts.shortChanged / counts.short, long: counts.longChanged / counts.long, longShare: counts.long / (counts.long + counts.short) };
}

test('default parameters leave the data as it was: no sessions, no gap effect', () => {
  assert.equal(DEFAULT_SYNTHETIC_PARAMS.sessionLength, 0);
  assert.equal(DEFAULT_SYNTHETIC_PARAMS.gapSwitch, 0);
  // the first user's first items and gaps under seed 7, as the generator made them before sessions existed
  const data = generate();
  assert.deepEqual(Array.from(data.items.subarray(0, 5)), FIRST_ITEMS_SEED_7);
  assert.deepEqual(Array.from(data.timestamps.subarray(0, 3)), FIRST_TIMES_SEED_7);
});

test('sessions: short gaps inside, long ones between, about one session start in sessionLength', () => {
  const data = generate(SESSIONS);
  validateInteractions(data);
  let short = 0;
  let long = 0;
  for (let u = 0; u < data.numUsers; u++) {
    for (let p = data.offsets[u] + 1; p < data.offsets[u + 1]; p++) {
      const gap = data.timestamps[p] - data.timestamps[p - 1];
      assert.ok(gap >= 60 && Number.isInteger(gap), `gap ${gap}`);
      if (gap < 3600) short++;
      else if (gap > 6 * 3600) long++;
    }
  }
  const longShare = long / (short + long);
  assert.ok(Math.abs(longShare - 1 / 3) < 0.03, `long gaps ${longShare}`);
  assert.ok(short + long > 0.97 * (data.items.length - data.numUsers), 'gaps between an hour and six hours are rare');
});

test('gap_switch: a long gap moves the interest, at the session\'s first interaction or (switch_delay 1) its second', () => {
  const clusterOf = (data: Interactions) => (item: number) => data.itemCategory[item];
  const on = generate({ ...SESSIONS, gapSwitch: 1 });
  const now = clusterChanges(on, clusterOf(on), 0);
  // a few session gaps fall under an hour and a few burst gaps over it, hence the margins
  assert.ok(now.long > 0.95 && now.short < 0.05, JSON.stringify(now));
  const late = generate({ ...SESSIONS, gapSwitch: 1, switchDelay: 1 });
  const atSecond = clusterChanges(late, clusterOf(late), 1);
  assert.ok(atSecond.long > 0.95 && atSecond.short < 0.05, JSON.stringify(atSecond));
  const off = generate(SESSIONS);
  const none = clusterChanges(off, clusterOf(off), 0);
  assert.ok(none.long === 0 && none.short === 0, JSON.stringify(none));
  assert.ok(Math.abs(none.longShare - 1 / 3) < 0.03, JSON.stringify(none));
});

test('progress is reported every 1000 users and at the end', () => {
  const done: number[] = [];
  const params = { ...SMALL, numUsers: 2500, maxLength: SMALL.minLength };
  generateSynthetic(params, stream(7, 'synthetic'), (n) => done.push(n));
  assert.deepEqual(done, [1000, 2000, 2500]);
});

test('home returns: the opening and every home_gap-th item from the end come from a home cluster, each after the cue', () => {
  // with as many categories as clusters an item's category is its cluster; clusters 10-19 are the homes
  const gap = 7;
  const data = generate({ numClusters: 20, numCategories: 20, homeGap: gap, homeLength: 5, repeatStrength: 0 });
  const cue = data.numItems - 1;
  const cluster = (p: number) => data.itemCategory[data.items[p]];
  let returns = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.offsets[u];
    const last = data.offsets[u + 1] - 1;
    const home = cluster(start);
    assert.ok(home >= 10, `user ${u}: home cluster ${home} is an interest cluster`);
    for (let p = start; p < start + 5; p++) assert.equal(cluster(p), home, `user ${u}: opening at ${p - start}`);
    for (let p = start + 5; p <= last; p++) {
      const isReturn = p - start > 5 && (last - p) % gap === 0;
      if (isReturn) {
        returns++;
        assert.equal(data.items[p - 1], cue, `user ${u}: no cue before the return at ${p - start}`);
        assert.equal(cluster(p), home, `user ${u}: the return at ${p - start} is not home`);
      } else if (data.items[p] !== cue) {
        // off the returns only an interest, or a home item's successor (its cluster's cycle) right after one
        assert.ok(cluster(p) < 10 || cluster(p - 1) === cluster(p), `user ${u}: home item ${data.items[p]} at ${p - start}`);
      } else {
        assert.ok(p < last && (last - p - 1) % gap === 0, `user ${u}: a cue at ${p - start} before no return`);
      }
    }
  }
  const expected = Array.from({ length: data.numUsers }, (_, u) => Math.floor((data.offsets[u + 1] - data.offsets[u] - 1 - 6) / gap) + 1);
  assert.equal(returns, expected.reduce((a, b) => a + b, 0));
});

test('nonsensical parameters throw', () => {
  const invalid: [Partial<SyntheticParams>, RegExp][] = [
    [{ numItems: 10, numClusters: 16 }, /numItems/],
    [{ minLength: 1 }, /minLength/],
    [{ minLength: 30, maxLength: 20 }, /maxLength/],
    [{ transitionStrength: 1.5 }, /transitionStrength/],
    [{ repeatStrength: -0.1 }, /repeatStrength/],
    [{ driftRate: Number.NaN }, /driftRate/],
    [{ transitionStrength: 0.7, repeatStrength: 0.4 }, /transitionStrength \+ repeatStrength/],
    [{ interestsPerUser: 17 }, /interestsPerUser/],
    [{ numUsers: 2.5 }, /numUsers/],
    [{ tokensPerItem: 9 }, /tokensPerItem/],
    [{ sessionLength: 0.5 }, /sessionLength/],
    [{ sessionGap: -1 }, /sessionGap/],
    [{ gapSwitch: 0.5 }, /gapSwitch \(0.5\) needs sessions/],
    [{ ...SESSIONS, interestsPerUser: 1, gapSwitch: 0.5 }, /needs another interest/],
    [{ switchDelay: 2 }, /switchDelay/],
    [{ homeGap: 1 }, /homeGap must be 0 \(no home returns\) or at least 2/],
    [{ ...SESSIONS, homeGap: 5 }, /does not combine with sessions/],
    [{ homeGap: 5, numClusters: 4, numCategories: 4, interestsPerUser: 3 }, /interestsPerUser \(3\) at most 2/],
    [{ homeGap: 5, minLength: 11, homeLength: 10 }, /minLength \(11\) must be at least homeLength \+ 2/],
  ];
  for (const [overrides, message] of invalid) {
    assert.throws(() => generate(overrides), message, JSON.stringify(overrides));
  }
});
