/**
 * The built-in synthetic dataset: the default data and the test bed.
 *
 * Items fall into latent clusters; users hold a few drifting cluster interests. Each step follows the
 * previous item's fixed successor (a first-order pattern), re-consumes an item from long ago (what memory
 * should capture), or draws from the active interest by Zipf popularity. So a sequence model should beat
 * popularity clearly, and a long-range memory should help beyond that.
 *
 * Timestamps: by default each gap is a minute plus an exponential with a mean of one day, independent of the
 * items. With sessionLength > 0 they come in sessions instead: short gaps inside a session (a burst), long ones
 * between sessions; and with gapSwitch > 0 a long gap moves the user's active interest to another of their
 * interests, so that time tells what comes next (the data on which time-aware models must win).
 *
 * Home returns (homeGap > 0; the data on which a long-range memory must win): each user also has a home
 * cluster, none of their interests, whose items open the sequence (homeLength of them). After that, every
 * homeGap-th interaction counted back from the last one is a return home: a cue item shared by every user
 * (the last item id, outside every cluster) and then an item of the home cluster. The cue says when to go
 * home, only the sequence's opening and earlier returns say where: with homeGap longer than a model's window,
 * only a memory of earlier windows can tell. The last interaction is always a return.
 */
import { Interactions } from './interactions';
import { Rng } from '../random/streams';
import { ConfigError } from '../util/errors';

export interface SyntheticParams {
  numUsers: number;
  numItems: number;
  /** latent item clusters */
  numClusters: number;
  /** cluster c belongs to category c % numCategories, so categories are coarser than clusters */
  numCategories: number;
  /** text tokens per item, mostly from its cluster's own vocabulary (at most TOKENS_PER_CLUSTER) */
  tokensPerItem: number;
  /** per-user sequence length is uniform in [minLength, maxLength] */
  minLength: number;
  maxLength: number;
  /** distinct clusters each user is interested in */
  interestsPerUser: number;
  /** Zipf exponent of item popularity within a cluster (0 = uniform) */
  popularitySkew: number;
  /** probability that the next item is the previous item's fixed successor */
  transitionStrength: number;
  /** probability of re-consuming an item the user had at least repeatLag steps earlier */
  repeatStrength: number;
  repeatLag: number;
  /** per-step probability that the active interest switches, and (independently) that an interest is replaced */
  driftRate: number;
  /** mean interactions per session (geometric); 0 = no sessions, every gap a minute plus an exponential of a day */
  sessionLength: number;
  /** mean seconds between interactions of one session, beyond a minute (sessions only) */
  burstGap: number;
  /** mean seconds between sessions, beyond a minute (sessions only) */
  sessionGap: number;
  /** probability that a session's start (a long gap) moves the active interest to another of the user's interests */
  gapSwitch: number;
  /** 0: a session's first interaction is already drawn from the moved interest; 1: its second one (the first continues) */
  switchDelay: number;
  /** 0: no home returns; else every homeGap-th interaction counted back from the last is a return home (after a cue) */
  homeGap: number;
  /** home returns: items of the home cluster that open each sequence */
  homeLength: number;
}

export const DEFAULT_SYNTHETIC_PARAMS: SyntheticParams = Object.freeze({
  numUsers: 1000,
  numItems: 800,
  numClusters: 16,
  numCategories: 8,
  tokensPerItem: 3,
  minLength: 20,
  maxLength: 60,
  interestsPerUser: 3,
  popularitySkew: 1.0,
  transitionStrength: 0.5,
  repeatStrength: 0.15,
  repeatLag: 10,
  driftRate: 0.05,
  sessionLength: 0,
  burstGap: 600,
  sessionGap: 3 * 86_400,
  gapSwitch: 0,
  switchDelay: 0,
  homeGap: 0,
  homeLength: 10,
});

const TOKENS_PER_CLUSTER = 8;
const NOISE_TOKENS = 16;
const CLUSTER_TOKEN_PROBABILITY = 0.8;
const DAY = 86_400;
const FIRST_START_TIME = 1_500_000_000;
const START_TIME_SPREAD = 180 * DAY;
const MIN_GAP = 60;
const PROGRESS_EVERY = 1000;

/**
 * Throws a ConfigError naming the first nonsensical parameter; `nameOf` gives the name a parameter has
 * where the user set it (the config loader passes its key path, e.g. data.synthetic.num_items).
 */
export function validateSyntheticParams(
  p: SyntheticParams,
  nameOf: (param: keyof SyntheticParams) => string = (param) => param,
): void {
  const fail = (message: string): never => {
    throw new ConfigError(`synthetic data: ${message}`);
  };
  const integerAtLeast = (name: keyof SyntheticParams, min: number) => {
    if (!Number.isInteger(p[name]) || p[name] < min) fail(`${nameOf(name)} must be an integer >= ${min}, got ${p[name]}`);
  };
  const probability = (name: keyof SyntheticParams) => {
    if (!(p[name] >= 0 && p[name] <= 1)) fail(`${nameOf(name)} must be a probability in [0, 1], got ${p[name]}`);
  };
  integerAtLeast('numUsers', 1);
  integerAtLeast('numClusters', 1);
  integerAtLeast('numItems', 1);
  if (p.numItems < p.numClusters) fail(`${nameOf('numItems')} (${p.numItems}) must be at least ${nameOf('numClusters')} (${p.numClusters})`);
  integerAtLeast('numCategories', 1);
  if (p.numCategories > p.numClusters) {
    fail(`${nameOf('numCategories')} (${p.numCategories}) must not exceed ${nameOf('numClusters')} (${p.numClusters})`);
  }
  integerAtLeast('tokensPerItem', 0);
  if (p.tokensPerItem > TOKENS_PER_CLUSTER) {
    fail(`${nameOf('tokensPerItem')} must be at most ${TOKENS_PER_CLUSTER}, got ${p.tokensPerItem}`);
  }
  integerAtLeast('minLength', 2);
  integerAtLeast('maxLength', 2);
  if (p.maxLength < p.minLength) fail(`${nameOf('maxLength')} (${p.maxLength}) must be at least ${nameOf('minLength')} (${p.minLength})`);
  integerAtLeast('interestsPerUser', 1);
  if (p.interestsPerUser > p.numClusters) {
    fail(`${nameOf('interestsPerUser')} (${p.interestsPerUser}) must not exceed ${nameOf('numClusters')} (${p.numClusters})`);
  }
  if (!(p.popularitySkew >= 0 && Number.isFinite(p.popularitySkew))) {
    fail(`${nameOf('popularitySkew')} must be a finite number >= 0, got ${p.popularitySkew}`);
  }
  probability('transitionStrength');
  probability('repeatStrength');
  probability('driftRate');
  if (p.transitionStrength + p.repeatStrength > 1) {
    fail(`${nameOf('transitionStrength')} + ${nameOf('repeatStrength')} must be at most 1, got ${p.transitionStrength + p.repeatStrength}`);
  }
  integerAtLeast('repeatLag', 1);
  if (!(p.sessionLength === 0 || (p.sessionLength >= 1 && Number.isFinite(p.sessionLength)))) {
    fail(`${nameOf('sessionLength')} must be 0 (no sessions) or a finite number >= 1, got ${p.sessionLength}`);
  }
  for (const name of ['burstGap', 'sessionGap'] as const) {
    if (!(p[name] >= 0 && Number.isFinite(p[name]))) fail(`${nameOf(name)} must be a finite number of seconds >= 0, got ${p[name]}`);
  }
  probability('gapSwitch');
  if (p.gapSwitch > 0 && p.sessionLength === 0) {
    fail(`${nameOf('gapSwitch')} (${p.gapSwitch}) needs sessions: set ${nameOf('sessionLength')} >= 1`);
  }
  if (p.gapSwitch > 0 && p.interestsPerUser < 2) {
    fail(`${nameOf('gapSwitch')} (${p.gapSwitch}) needs another interest to move to: set ${nameOf('interestsPerUser')} >= 2`);
  }
  if (p.switchDelay !== 0 && p.switchDelay !== 1) fail(`${nameOf('switchDelay')} must be 0 or 1, got ${p.switchDelay}`);
  integerAtLeast('homeGap', 0);
  integerAtLeast('homeLength', 1);
  if (p.homeGap > 0) {
    if (p.homeGap < 2) fail(`${nameOf('homeGap')} must be 0 (no home returns) or at least 2 (a cue and a return), got ${p.homeGap}`);
    if (p.sessionLength > 0) fail(`${nameOf('homeGap')} (${p.homeGap}) does not combine with sessions: set ${nameOf('sessionLength')} to 0`);
    if (p.numClusters < 2 || p.interestsPerUser > interestClusters(p)) {
      fail(
        `${nameOf('homeGap')} (${p.homeGap}) keeps half the clusters for homes: ${nameOf('numClusters')} (${p.numClusters}) must be at least 2 and ${nameOf('interestsPerUser')} (${p.interestsPerUser}) at most ${Math.max(1, interestClusters(p))}`,
      );
    }
    if (p.numItems <= p.numClusters) fail(`${nameOf('homeGap')} (${p.homeGap}) reserves an item for the cue: ${nameOf('numItems')} must exceed ${nameOf('numClusters')}`);
    if (p.minLength < p.homeLength + 2) {
      fail(`${nameOf('homeGap')} (${p.homeGap}): ${nameOf('minLength')} (${p.minLength}) must be at least ${nameOf('homeLength')} + 2 (the opening, a cue and a return)`);
    }
  }
}

/** Home returns: clusters 0 .. interestClusters-1 are interests, the rest homes. */
function interestClusters(p: SyntheticParams): number {
  return Math.ceil(p.numClusters / 2);
}

export function generateSynthetic(
  params: SyntheticParams,
  rng: Rng,
  onProgress?: (usersDone: number) => void,
): Interactions {
  validateSyntheticParams(params);
  const catalog = buildCatalog(params, rng);
  const tokens = drawItemTokens(catalog.clusterOf, params, rng);
  const offsets = drawSequenceOffsets(params, rng);
  const total = offsets[params.numUsers];
  const out: Sequences = {
    items: new Int32Array(total),
    timestamps: new Float64Array(total),
    ratings: new Uint8Array(total),
  };
  const interests = new UserInterests(params.homeGap > 0 ? interestClusters(params) : params.numClusters, params.interestsPerUser);
  for (let u = 0; u < params.numUsers; u++) {
    interests.reset(rng);
    if (params.homeGap > 0) fillWithHomeReturns(offsets[u], offsets[u + 1], catalog, interests, params, rng, out);
    else fillSequence(offsets[u], offsets[u + 1], catalog, interests, params, rng, out);
    const done = u + 1;
    if (onProgress && (done % PROGRESS_EVERY === 0 || done === params.numUsers)) onProgress(done);
  }
  const itemCategory = new Int32Array(params.numItems);
  for (let i = 0; i < params.numItems; i++) itemCategory[i] = catalog.clusterOf[i] % params.numCategories;
  return {
    name: 'synthetic',
    numUsers: params.numUsers,
    numItems: params.numItems,
    offsets,
    items: out.items,
    timestamps: out.timestamps,
    ratings: out.ratings,
    behaviors: null,
    behaviorNames: [],
    itemCategory,
    numCategories: params.numCategories,
    itemTokenOffsets: tokens.offsets,
    itemTokens: tokens.tokens,
    numTokens: params.numClusters * TOKENS_PER_CLUSTER + NOISE_TOKENS,
    userIds: Array.from({ length: params.numUsers }, (_, u) => `u${u + 1}`),
    itemIds: Array.from({ length: params.numItems }, (_, i) => `i${i + 1}`),
  };
}

/** Item structure: clusters, within-cluster popularity, and each item's fixed successor. */
interface Catalog {
  /** cluster of each item */
  readonly clusterOf: Int32Array;
  /** CSR over clusters, each cluster's items in popularity-rank order */
  readonly clusterOffsets: Int32Array;
  readonly clusterItems: Int32Array;
  /** running sum of popularity weights, aligned with clusterItems and restarting at each cluster */
  readonly cumulativeWeight: Float64Array;
  readonly successor: Int32Array;
}

/**
 * With home returns the last item id is the cue, outside every cluster: the clusters share the others. It
 * counts as cluster 0 for its category and text tokens (a cue has no content of its own).
 */
function buildCatalog(params: SyntheticParams, rng: Rng): Catalog {
  const numClusters = params.numClusters;
  const numItems = params.homeGap > 0 ? params.numItems - 1 : params.numItems;
  const order = rng.shuffle(Int32Array.from({ length: numItems }, (_, i) => i));
  const clusterOffsets = new Int32Array(numClusters + 1);
  for (let c = 0; c < numClusters; c++) {
    const size = Math.floor(numItems / numClusters) + (c < numItems % numClusters ? 1 : 0);
    clusterOffsets[c + 1] = clusterOffsets[c] + size;
  }
  // Dealing the shuffled items round-robin balances the clusters and leaves each one in random (rank) order.
  const clusterOf = new Int32Array(params.numItems);
  const clusterItems = new Int32Array(numItems);
  for (let k = 0; k < numItems; k++) {
    const c = k % numClusters;
    clusterOf[order[k]] = c;
    clusterItems[clusterOffsets[c] + Math.floor(k / numClusters)] = order[k];
  }
  const cumulativeWeight = new Float64Array(numItems);
  const successor = new Int32Array(params.numItems).fill(-1);
  for (let c = 0; c < numClusters; c++) {
    const start = clusterOffsets[c];
    const end = clusterOffsets[c + 1];
    let sum = 0;
    for (let p = start; p < end; p++) {
      sum += Math.pow(p - start + 1, -params.popularitySkew);
      cumulativeWeight[p] = sum;
    }
    linkRandomCycle(clusterItems.subarray(start, end), successor, rng);
  }
  return { clusterOf, clusterOffsets, clusterItems, cumulativeWeight, successor };
}

/** Sets successor[] along a random cycle through `members`, independent of their popularity order. */
function linkRandomCycle(members: Int32Array, successor: Int32Array, rng: Rng): void {
  const cycle = rng.shuffle(Int32Array.from(members));
  for (let j = 0; j < cycle.length; j++) successor[cycle[j]] = cycle[(j + 1) % cycle.length];
}

/** An item of `cluster` drawn by popularity: binary search in the cluster's cumulative weights. */
function drawFromCluster(catalog: Catalog, cluster: number, rng: Rng): number {
  let lo = catalog.clusterOffsets[cluster];
  let hi = catalog.clusterOffsets[cluster + 1] - 1;
  const target = rng.uniform() * catalog.cumulativeWeight[hi];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (catalog.cumulativeWeight[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return catalog.clusterItems[lo];
}

/**
 * tokensPerItem distinct tokens per item: cluster c owns tokens c*8 .. c*8+7, the noise tokens come last.
 * Offsets are fixed (i * tokensPerItem), so the arrays are filled in one pass.
 */
function drawItemTokens(clusterOf: Int32Array, params: SyntheticParams, rng: Rng) {
  const perItem = params.tokensPerItem;
  const firstNoiseToken = params.numClusters * TOKENS_PER_CLUSTER;
  const offsets = Int32Array.from({ length: params.numItems + 1 }, (_, i) => i * perItem);
  const tokens = new Int32Array(params.numItems * perItem);
  const vocabSlots = Int32Array.from({ length: TOKENS_PER_CLUSTER }, (_, s) => s);
  for (let i = 0; i < params.numItems; i++) {
    const start = offsets[i];
    let clusterTokensUsed = 0;
    for (let p = start; p < start + perItem; p++) {
      if (rng.uniform() < CLUSTER_TOKEN_PROBABILITY) {
        // Partial Fisher-Yates over the cluster's slots keeps the item's cluster tokens distinct.
        swap(vocabSlots, clusterTokensUsed, clusterTokensUsed + rng.int(TOKENS_PER_CLUSTER - clusterTokensUsed));
        tokens[p] = clusterOf[i] * TOKENS_PER_CLUSTER + vocabSlots[clusterTokensUsed++];
      } else {
        tokens[p] = drawNewNoiseToken(tokens.subarray(start, p), firstNoiseToken, rng);
      }
    }
  }
  return { offsets, tokens };
}

/** A noise token not yet in `taken`; at most 8 of the 16 can be taken, so rejection ends quickly. */
function drawNewNoiseToken(taken: Int32Array, firstNoiseToken: number, rng: Rng): number {
  for (;;) {
    const token = firstNoiseToken + rng.int(NOISE_TOKENS);
    if (!taken.includes(token)) return token;
  }
}

function swap(values: Int32Array, a: number, b: number): void {
  const tmp = values[a];
  values[a] = values[b];
  values[b] = tmp;
}

/** CSR offsets from per-user lengths drawn uniformly in [minLength, maxLength]. */
function drawSequenceOffsets(params: SyntheticParams, rng: Rng): Int32Array {
  const offsets = new Int32Array(params.numUsers + 1);
  const span = params.maxLength - params.minLength + 1;
  for (let u = 0; u < params.numUsers; u++) offsets[u + 1] = offsets[u] + params.minLength + rng.int(span);
  return offsets;
}

/** One user's interests: distinct clusters with Dirichlet(1) weights, one of them active. Reused across users. */
class UserInterests {
  private readonly clusters: Int32Array;
  private readonly weights: Float64Array;
  private active = 0;
  /** a permutation of all clusters; a partial shuffle of it draws distinct interests */
  private readonly pool: Int32Array;

  /** interests are drawn from clusters 0 .. numClusters-1 */
  constructor(numClusters: number, count: number) {
    this.clusters = new Int32Array(count);
    this.weights = new Float64Array(count);
    this.pool = Int32Array.from({ length: numClusters }, (_, c) => c);
  }

  get activeCluster(): number {
    return this.clusters[this.active];
  }

  reset(rng: Rng): void {
    let sum = 0;
    for (let k = 0; k < this.clusters.length; k++) {
      swap(this.pool, k, k + rng.int(this.pool.length - k));
      this.clusters[k] = this.pool[k];
      this.weights[k] = -Math.log(1 - rng.uniform());
      sum += this.weights[k];
    }
    for (let k = 0; k < this.weights.length; k++) this.weights[k] /= sum;
    this.active = this.drawIndex(rng, -1);
  }

  /** Switches the active interest, and separately replaces an interest by a new cluster, each with chance `rate`. */
  drift(rate: number, rng: Rng): void {
    if (rng.uniform() < rate && this.clusters.length > 1) this.active = this.drawIndex(rng, this.active);
    if (rng.uniform() < rate && this.clusters.length < this.pool.length) {
      this.clusters[rng.int(this.clusters.length)] = this.drawNewCluster(rng);
    }
  }

  /** Moves the active interest to another of the user's interests, drawn by weight (needs at least two). */
  move(rng: Rng): void {
    this.active = this.drawIndex(rng, this.active);
  }

  /** Whether `cluster` is one of the two most weighted interests. */
  isStrong(cluster: number): boolean {
    const k = this.clusters.indexOf(cluster);
    if (k < 0) return false;
    let heavier = 0;
    for (let j = 0; j < this.weights.length; j++) if (this.weights[j] > this.weights[k]) heavier++;
    return heavier < 2;
  }

  /** An interest index drawn by weight, never `exclude`. */
  private drawIndex(rng: Rng, exclude: number): number {
    const total = 1 - (exclude < 0 ? 0 : this.weights[exclude]);
    let target = rng.uniform() * total;
    let last = -1;
    for (let k = 0; k < this.weights.length; k++) {
      if (k === exclude) continue;
      last = k;
      target -= this.weights[k];
      if (target < 0) return k;
    }
    return last; // rounding left target a hair above zero
  }

  private drawNewCluster(rng: Rng): number {
    for (;;) {
      const cluster = rng.int(this.pool.length);
      if (!this.clusters.includes(cluster)) return cluster;
    }
  }
}

interface Sequences {
  readonly items: Int32Array;
  readonly timestamps: Float64Array;
  readonly ratings: Uint8Array;
}

/** Fills positions start .. end-1 with one user's interactions. */
type FillSequence = (start: number, end: number, catalog: Catalog, interests: UserInterests, params: SyntheticParams, rng: Rng, out: Sequences) => void;

const fillSequence: FillSequence = (start, end, catalog, interests, params, rng, out) => {
  if (params.sessionLength > 0) {
    fillSessions(start, end, catalog, interests, params, rng, out);
    return;
  }
  for (let p = start; p < end; p++) {
    const item = nextItem(start, p, out.items, catalog, interests, params, rng);
    out.items[p] = item;
    out.ratings[p] = drawRating(interests.isStrong(catalog.clusterOf[item]), rng);
    out.timestamps[p] = p === start ? drawStartTime(rng) : out.timestamps[p - 1] + drawGap(DAY, rng);
    interests.drift(params.driftRate, rng);
  }
};

/**
 * fillSequence with sessions: each interaction after the first starts a new session with chance
 * 1 / sessionLength, after a long gap (sessionGap) instead of a short one (burstGap). A session's start moves
 * the active interest with chance gapSwitch, before its first interaction (switchDelay 0) or its second (1);
 * the interaction at the move is drawn from the new interest (no successor, no repeat), so the move shows at once.
 */
const fillSessions: FillSequence = (start, end, catalog, interests, params, rng, out) => {
  let moveNext = false;
  for (let p = start; p < end; p++) {
    const newSession = p > start && rng.uniform() * params.sessionLength < 1;
    out.timestamps[p] =
      p === start ? drawStartTime(rng) : out.timestamps[p - 1] + drawGap(newSession ? params.sessionGap : params.burstGap, rng);
    const moves = newSession && params.gapSwitch > 0 && rng.uniform() < params.gapSwitch;
    const moveNow = params.switchDelay === 0 ? moves : moveNext;
    moveNext = moves;
    let item: number;
    if (moveNow) {
      interests.move(rng);
      item = drawFromCluster(catalog, interests.activeCluster, rng);
    } else {
      item = nextItem(start, p, out.items, catalog, interests, params, rng);
    }
    out.items[p] = item;
    out.ratings[p] = drawRating(interests.isStrong(catalog.clusterOf[item]), rng);
    interests.drift(params.driftRate, rng);
  }
};

/**
 * fillSequence with home returns (see the file's header): the opening from the home cluster, then the usual
 * process, except at each return (every homeGap-th position counted back from the last, after the opening)
 * and the cue just before it. Every item is drawn by popularity within its cluster.
 */
const fillWithHomeReturns: FillSequence = (start, end, catalog, interests, params, rng, out) => {
  const first = interestClusters(params);
  const home = first + rng.int(params.numClusters - first);
  const cue = params.numItems - 1;
  const last = end - 1;
  const isReturn = (p: number) => p - start > params.homeLength && (last - p) % params.homeGap === 0;
  for (let p = start; p < end; p++) {
    let item: number;
    if (p - start < params.homeLength || isReturn(p)) item = drawFromCluster(catalog, home, rng);
    else if (isReturn(p + 1)) item = cue;
    else item = nextItem(start, p, out.items, catalog, interests, params, rng);
    out.items[p] = item;
    out.ratings[p] = drawRating(interests.isStrong(catalog.clusterOf[item]), rng);
    out.timestamps[p] = p === start ? drawStartTime(rng) : out.timestamps[p - 1] + drawGap(DAY, rng);
    interests.drift(params.driftRate, rng);
  }
};

/** The item at position p of a sequence that starts at `start`; items[start .. p-1] is the history. */
function nextItem(
  start: number,
  p: number,
  items: Int32Array,
  catalog: Catalog,
  interests: UserInterests,
  params: SyntheticParams,
  rng: Rng,
): number {
  const t = p - start;
  if (t > 0) {
    const r = rng.uniform();
    // the cue of home returns has no successor
    if (r < params.transitionStrength && catalog.successor[items[p - 1]] >= 0) return catalog.successor[items[p - 1]];
    // Steps 0 .. t-repeatLag are at least repeatLag steps back.
    if (r < params.transitionStrength + params.repeatStrength && t >= params.repeatLag) {
      return items[start + rng.int(t - params.repeatLag + 1)];
    }
  }
  return drawFromCluster(catalog, interests.activeCluster, rng);
}

function drawRating(strongInterest: boolean, rng: Rng): number {
  const raw = 3.5 + (strongInterest ? 1.0 : -0.5) + 0.8 * rng.normal();
  return Math.round(Math.min(5, Math.max(1, raw)));
}

function drawStartTime(rng: Rng): number {
  return FIRST_START_TIME + rng.int(START_TIME_SPREAD);
}

/** Seconds to the next interaction: at least a minute, plus an exponential with mean `meanExtra` seconds. */
function drawGap(meanExtra: number, rng: Rng): number {
  return Math.round(MIN_GAP - meanExtra * Math.log(1 - rng.uniform()));
}
