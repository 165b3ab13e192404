/**
 * DMAN's and HPMN's cost against history length (issues 17 and 20): per user with a history of 100, 1,000 and
 * 10,000 random interactions (10,000 items, D 128, T 20, m 20, L 2; HPMN: 4 layers; untrained weights: the
 * cost does not depend on them),
 *  - DMAN's stream: building the user's state once (every window but the last, through the memory update);
 *  - DMAN's scoring after the stream: the last window against the m slots and the cached previous window,
 *    then every item (what a request costs once the state is kept);
 *  - HPMN's stream (the whole history through the periodic memory, once) and its scoring after it (every
 *    item reads the 4 slots);
 *  - SASRec over the whole history (model.max_length = the history's length): one scoring of every item;
 * and training throughput at the same D and T: DMAN and HPMN windows/s (lanes of users in lockstep; DMAN's
 * two steps) beside SASRec sequences/s with max_length T (one sequence is T predictions, as one window), batch 128. Each case
 * runs in its own process, so its peak resident memory (maxRSS) is its own. Prints a Markdown table.
 *
 * Usage: node dist/scripts/bench/dman-cost.js [--backend auto|native|wasm|cpu] [--repeats N]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '../../src/compute/backend';
import type { History, TrainableModel, TrainData } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';

const ITEMS = 10_000;
const DIM = 128;
const WINDOW = 20;
const LENGTHS = [100, 1_000, 10_000];
const TRAIN_USERS = 512;
const TRAIN_LENGTH = 201; // 10 windows of 20 predictions per user
const BATCH = 128;

/** Users of `length` random items each. */
function randomData(users: number, length: number): TrainData {
  const rng = stream(0, 'synthetic', 'dman-cost');
  const items = Int32Array.from({ length: users * length }, () => rng.int(ITEMS));
  return {
    numUsers: users,
    numItems: ITEMS,
    sequences: { offsets: Int32Array.from({ length: users + 1 }, (_, u) => u * length), items },
    timestamps: new Float64Array(items.length),
    itemCategory: new Int32Array(ITEMS).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(ITEMS + 1),
    itemTokens: new Int32Array(0),
    numTokens: 0,
  };
}

function modelFor(name: string, maxLength: number) {
  const sets = name === 'sasrec' ? ['model.name=sasrec', `model.max_length=${maxLength}`] : [`model.name=${name}`, `model.window=${WINDOW}`];
  const config = loadConfig(null, [...sets, `model.dim=${DIM}`, `train.batch_size=${BATCH}`, 'train.num_negatives=5']);
  return { config, model: createModel(config) as TrainableModel };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One case, in this process: milliseconds per user (inference) or units per second (training). */
async function runCase(kind: string, name: string, length: number, repeats: number): Promise<Record<string, number>> {
  if (kind === 'train') {
    const data = randomData(TRAIN_USERS, TRAIN_LENGTH);
    const { config, model } = modelFor(name, WINDOW);
    model.init(data);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), data, 1);
    const plan = session.source.epoch(stream(1, 'shuffle'), BATCH);
    const batches = Array.from({ length: Math.min(plan.batches, 12) }, (_, k) => plan.build(k));
    for (const b of batches.slice(0, 2)) await session.run(b);
    const start = performance.now();
    let units = 0;
    for (const b of batches.slice(2)) {
      await session.run(b);
      // rows (lanes or sequences) with at least one real prediction: idle lanes at an epoch's end do not count
      for (let row = 0; row < b.size; row++) units += b.mask.subarray(row * WINDOW, (row + 1) * WINDOW).some((x) => x > 0) ? 1 : 0;
    }
    return { perSecond: units / ((performance.now() - start) / 1000) };
  }
  const users = Int32Array.from([0]);
  const data = randomData(1, length);
  const history: History = { lists: data.sequences, timestamps: data.timestamps };
  const { model } = modelFor(name, length);
  model.init(data);
  const query = { users, history, targetTimes: null, candidates: null };
  const timeScore = (states: ReturnType<NonNullable<TrainableModel['userStates']>> | null) => {
    const start = performance.now();
    const scores = model.score({ ...query, states });
    scores.dataSync();
    scores.dispose();
    return performance.now() - start;
  };
  timeScore(null); // warm-up
  if (name === 'sasrec') return { scoreMs: median(Array.from({ length: repeats }, () => timeScore(null))) };
  const builder = model.userStates as NonNullable<TrainableModel['userStates']>;
  const streamMs: number[] = [];
  const scoreMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const states = builder.call(model, history, users);
    streamMs.push(performance.now() - start);
    scoreMs.push(timeScore(states));
    states.dispose();
  }
  return { streamMs: median(streamMs), scoreMs: median(scoreMs) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { backend: { type: 'string', default: 'auto' }, repeats: { type: 'string', default: '5' }, case: { type: 'string' } },
  });
  const repeats = Number(values.repeats);
  if (values.case) {
    const backend = await selectBackend(values.backend as BackendChoice, new Reporter(true));
    const [kind, name, length] = values.case.split(':');
    const result = await runCase(kind, name, Number(length), kind === 'infer' && Number(length) >= 10_000 && name === 'sasrec' ? 1 : repeats);
    process.stdout.write(`${JSON.stringify({ backend, ...result, maxRssMb: process.resourceUsage().maxRSS / 1024, tensors: tf.memory().numTensors })}\n`);
    return;
  }
  const run = (c: string) => JSON.parse(execFileSync(process.execPath, [__filename, '--case', c, '--backend', values.backend as string, '--repeats', String(repeats)], { encoding: 'utf8' }));
  const lines = [
    '| history | DMAN stream (ms/user, once) | DMAN score after stream (ms/user) | HPMN stream (ms/user, once) | HPMN score after stream (ms/user) | SASRec over the whole history (ms/user) | peak RSS DMAN / HPMN / SASRec (MB) |',
    '|---|---|---|---|---|---|---|',
  ];
  let backend = '';
  for (const length of LENGTHS) {
    const dman = run(`infer:dman:${length}`);
    const hpmn = run(`infer:hpmn:${length}`);
    const sasrec = run(`infer:sasrec:${length}`);
    backend = dman.backend;
    lines.push(
      `| ${length} | ${dman.streamMs.toFixed(1)} | ${dman.scoreMs.toFixed(2)} | ${hpmn.streamMs.toFixed(1)} | ${hpmn.scoreMs.toFixed(2)} | ${sasrec.scoreMs.toFixed(1)} | ${dman.maxRssMb.toFixed(0)} / ${hpmn.maxRssMb.toFixed(0)} / ${sasrec.maxRssMb.toFixed(0)} |`,
    );
  }
  const dmanTrain = run('train:dman:0');
  const hpmnTrain = run('train:hpmn:0');
  const sasTrain = run('train:sasrec:0');
  lines.push('', `| training (D ${DIM}, T ${WINDOW}, batch ${BATCH}, 5 negatives) | per second | peak RSS (MB) |`, '|---|---|---|');
  lines.push(`| DMAN windows (likelihood and L_ae steps) | ${dmanTrain.perSecond.toFixed(0)} | ${dmanTrain.maxRssMb.toFixed(0)} |`);
  lines.push(`| HPMN windows (4 layers) | ${hpmnTrain.perSecond.toFixed(0)} | ${hpmnTrain.maxRssMb.toFixed(0)} |`);
  lines.push(`| SASRec sequences of T (max_length ${WINDOW}) | ${sasTrain.perSecond.toFixed(0)} | ${sasTrain.maxRssMb.toFixed(0)} |`);
  process.stdout.write(`backend ${backend}, ${ITEMS} items, D ${DIM}, T ${WINDOW}, DMAN m 20, L 2, HPMN 4 layers; one user per request, median of ${repeats}\n\n${lines.join('\n')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`dman-cost: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
