/**
 * A reference check, not a test: memrec's tisasrec scores against the PyTorch port of TiSASRec
 * (scripts/reference/tisasrec_forward.py) run with the same weights. Trains a small tisasrec (2 heads, 2 blocks,
 * intervals clipped at k = 6 so that clipping happens) for two epochs on random data with irregular gaps
 * (repeated times included), then scores users of different history lengths in one batch, so that memrec's
 * input has left padding, and compares every item's score. Prints the largest difference; exits 1 above 1e-5.
 *
 * Usage: node dist/scripts/reference/tisasrec-forward.js PORT_DIR   (a checkout of pmixer/TiSASRec.pytorch)
 */
import { selectBackend } from '../../src/compute/backend';
import type { TrainData } from '../../src/models/model';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { Reporter } from '../../src/util/reporter';
import { compareScores, lengthRange, referenceScores, trainAndScore } from './forward-check';

const [USERS, ITEMS, MAX_LENGTH] = [30, 60, 8];
const TOLERANCE = 1e-5;

function randomData(): TrainData {
  const rng = stream(3, 'synthetic', 'tisasrec-reference');
  const lengths = Array.from({ length: USERS }, () => 2 + rng.int(12));
  const offsets = Int32Array.from({ length: USERS + 1 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const items = Int32Array.from({ length: offsets[USERS] }, () => rng.int(ITEMS));
  const times = new Float64Array(items.length);
  // gaps of 0 (a repeated time), minutes, hours or days, whole seconds so that both sides divide exactly
  const gaps = [0, 60, 600, 3600, 7200, 86400, 3 * 86400];
  for (let u = 0; u < USERS; u++) {
    times[offsets[u]] = 1.6e9 + rng.int(1e6);
    for (let p = offsets[u] + 1; p < offsets[u + 1]; p++) times[p] = times[p - 1] + gaps[rng.int(gaps.length)] * (1 + rng.int(3));
  }
  return {
    numUsers: USERS, numItems: ITEMS, sequences: { offsets, items }, timestamps: times,
    itemCategory: new Int32Array(ITEMS).fill(-1), numCategories: 0,
    itemTokenOffsets: new Int32Array(ITEMS + 1), itemTokens: new Int32Array(0), numTokens: 0,
  };
}

async function main() {
  const portDir = process.argv[2];
  if (!portDir) throw new Error('usage: tisasrec-forward.js PORT_DIR (a checkout of pmixer/TiSASRec.pytorch)');
  await selectBackend('cpu', new Reporter(false));
  const train = randomData();
  const config = loadConfig(null, ['model.name=tisasrec', 'model.dim=8', 'model.num_heads=2', 'model.num_blocks=2', `model.max_length=${MAX_LENGTH}`, 'model.time_span=6', 'train.lr=0.01']);
  const { model, scores: mine, weights, users } = await trainAndScore(config, train);
  const spec = { dim: 8, heads: 2, blocks: 2, max_length: MAX_LENGTH, time_span: 6, num_items: ITEMS, weights, users };
  const { worst, largest } = compareScores(mine, referenceScores('tisasrec_forward.py', [portDir], spec));
  console.log(`tisasrec vs pmixer/TiSASRec.pytorch: ${USERS} users (histories ${lengthRange(train)} items, input width ${MAX_LENGTH}), ${ITEMS} items; largest |score| ${largest.toFixed(3)}, largest difference ${worst.toExponential(2)} (tolerance ${TOLERANCE})`);
  model.dispose();
  process.exit(worst <= TOLERANCE ? 0 : 1);
}

main();
