/**
 * A reference check, not a test: memrec's shan or sdm scores against an independent PyTorch forward pass
 * (scripts/reference/shan_forward.py, sdm_forward.py) run with the same weights. Trains a small model for two
 * epochs on random data whose gaps straddle the session gap (a gap of exactly the threshold included) and whose
 * items have categories (some none), then scores every user in one batch, so that memrec's inputs are
 * left-padded and its sessions found in tensors, while the reference takes each user alone, unpadded, and cuts
 * the sessions from the float64 times in plain Python. Compares every item's score; prints the largest
 * difference and exits 1 above 1e-5.
 *
 * Usage: node dist/scripts/reference/shan-sdm-forward.js shan|sdm
 */
import { selectBackend } from '../../src/compute/backend';
import type { TrainData } from '../../src/models/model';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';
import { compareScores, lengthRange, referenceScores, trainAndScore } from './forward-check';

const [USERS, ITEMS, CATEGORIES] = [30, 60, 5];
const TOLERANCE = 1e-5;

/** Each model's keys for the check: windows wider than some histories, sessions cut by size and by gap. */
const SETS: Record<string, string[]> = {
  shan: ['model.dim=8', 'model.max_length=10', 'model.session_gap=3600', 'train.lr=0.01'],
  sdm: ['model.dim=8', 'model.num_heads=2', 'model.max_length=10', 'model.session_gap=3600', 'model.session_length=4', 'model.long_term_days=0.5', 'train.lr=0.01'],
};

function randomData(): TrainData {
  const rng = stream(7, 'synthetic', 'shan-sdm-reference');
  const lengths = Array.from({ length: USERS }, () => 1 + rng.int(14));
  const offsets = Int32Array.from({ length: USERS + 1 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const items = Int32Array.from({ length: offsets[USERS] }, () => rng.int(ITEMS));
  const times = new Float64Array(items.length);
  // whole seconds: a repeated time, minutes, exactly the session gap, hours, days (float32 ages stay exact)
  const gaps = [0, 60, 600, 3599, 3600, 5400, 4 * 3600, 10 * 3600, 86400];
  for (let u = 0; u < USERS; u++) {
    times[offsets[u]] = 1.6e9 + rng.int(1e6);
    for (let p = offsets[u] + 1; p < offsets[u + 1]; p++) times[p] = times[p - 1] + gaps[rng.int(gaps.length)];
  }
  return {
    numUsers: USERS, numItems: ITEMS, sequences: { offsets, items }, timestamps: times,
    itemCategory: Int32Array.from({ length: ITEMS }, () => rng.int(CATEGORIES + 1) - 1), numCategories: CATEGORIES,
    itemTokenOffsets: new Int32Array(ITEMS + 1), itemTokens: new Int32Array(0), numTokens: 0,
  };
}

async function main() {
  const name = process.argv[2];
  if (!SETS[name]) throw new Error('usage: shan-sdm-forward.js shan|sdm');
  await selectBackend('cpu', new Reporter(false));
  const train = randomData();
  const config = loadConfig(null, [`model.name=${name}`, ...SETS[name]]);
  const { model, scores: mine, weights, users } = await trainAndScore(config, train);
  const keys = Object.fromEntries(SETS[name].filter((s) => s.startsWith('model.')).map((s) => s.slice('model.'.length).split('=')).map(([k, v]) => [k, Number(v)]));
  const { worst, largest } = compareScores(mine, referenceScores(`${name}_forward.py`, [], { keys, item_category: Array.from(train.itemCategory), weights, users }));
  console.log(`${name} vs ${name}_forward.py (PyTorch, float64): ${USERS} users (histories ${lengthRange(train)} items), ${ITEMS} items; largest |score| ${largest.toFixed(3)}, largest difference ${worst.toExponential(2)} (tolerance ${TOLERANCE})`);
  model.dispose();
  process.exit(worst <= TOLERANCE ? 0 : 1);
}

main();
