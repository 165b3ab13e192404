/**
 * A reference check, not a test: trains MTAM (and its memory=states and T-GRU variants) for one epoch of
 * prefixes on small random data with timestamps, and prints a hash of the trained weights. Run it on a
 * commit before and after a speed change to the layers or kernels: the same hashes mean the same bits.
 *
 * Usage: node dist/scripts/bench/mtam-identity.js cpu|native
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../../src/schema/config-flags';
import { selectBackend, type BackendChoice } from '../../src/compute/backend';
import type { TrainData } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import { TrainingSession } from '../../src/train/trainer';
import { TRAIN_KEYS } from '../../src/train/schema';
import { Reporter } from '../../src/util/reporter';

async function main() {
  await selectBackend(process.argv[2] as BackendChoice, new Reporter(false));
  const rng = stream(1, 'synthetic', 'identity');
  const lengths = Array.from({ length: 40 }, () => 2 + rng.int(30));
  const offsets = Int32Array.from({ length: 41 }, (_, u) => lengths.slice(0, u).reduce((a, b) => a + b, 0));
  const items = Int32Array.from({ length: offsets[40] }, () => rng.int(300));
  const times = new Float64Array(items.length);
  for (let p = 1; p < times.length; p++) times[p] = times[p - 1] + rng.int(200000);
  const train: TrainData = {
    numUsers: 40, numItems: 300, sequences: { offsets, items }, timestamps: times,
    itemCategory: new Int32Array(300).fill(-1), numCategories: 0,
    itemTokenOffsets: new Int32Array(301), itemTokens: new Int32Array(0), numTokens: 0,
  };
  for (const flags of [['model.name=mtam'], ['model.name=mtam', 'model.memory=states'], ['model.name=tgru']]) {
    const config = loadConfig(null, [...flags, 'model.dim=16', 'model.max_length=12', 'train.batch_size=64']);
    const model = createModel(config) as NeuralModel;
    model.init(train);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, 0);
    const plan = session.source.epoch(stream(0, 'shuffle'), 64);
    const losses: number[] = [];
    for (let k = 0; k < plan.batches; k++) losses.push(await session.run(plan.build(k)));
    const hash = createHash('sha256');
    for (const v of model.variables()) hash.update(Buffer.from((await v.data() as Float32Array).buffer));
    console.log(flags.join(' '), plan.batches, 'batches, last loss', losses[losses.length - 1], hash.digest('hex').slice(0, 16));
    session.dispose();
    model.dispose();
  }
}
main();
