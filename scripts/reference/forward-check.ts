/**
 * What the forward-pass reference checks share (tisasrec-forward.ts, shan-sdm-forward.ts): train a model a
 * little on small random data, score every user, hand its weights and the users' histories to a PyTorch
 * script, and measure how far the two sets of scores are apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/config/resolved';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import type { NamedArrays } from '../../src/util/named-arrays';

export interface Trained {
  readonly model: NeuralModel;
  /** every user's score of every item, [numUsers][numItems] */
  readonly scores: number[][];
  /** the weights as JSON-ready { name: { shape, data } } */
  readonly weights: Record<string, { shape: readonly number[]; data: number[] }>;
  /** each user's training items and times, JSON-ready */
  readonly users: { user: number; items: number[]; times: number[] }[];
}

/** `config`'s model trained two epochs on `train` (batches of 8, so that weights move off their start), then every user scored in one batch. */
export async function trainAndScore(config: ResolvedConfig, train: TrainData): Promise<Trained> {
  const model = createModel(config) as NeuralModel;
  model.init(train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, 0);
  for (let epoch = 0; epoch < 2; epoch++) {
    const plan = session.source.epoch(stream(epoch, 'shuffle'), 8);
    for (let k = 0; k < plan.batches; k++) await session.run(plan.build(k));
  }
  session.dispose();
  const users = Int32Array.from({ length: train.numUsers }, (_, u) => u);
  const ours = model.score({ users, history: { lists: train.sequences, timestamps: train.timestamps }, targetTimes: null, candidates: null, states: null });
  const scores = ours.arraySync();
  ours.dispose();
  const state: NamedArrays = await model.state();
  const { offsets, items } = train.sequences;
  return {
    model,
    scores,
    weights: Object.fromEntries(Object.entries(state).map(([name, w]) => [name, { shape: w.shape, data: Array.from(w.data) }])),
    users: Array.from(users, (u) => ({ user: u, items: Array.from(items.subarray(offsets[u], offsets[u + 1])), times: Array.from(train.timestamps.subarray(offsets[u], offsets[u + 1])) })),
  };
}

/** The scores printed by `python scripts/reference/<script> ...args INPUT.json`, INPUT.json holding `spec`. */
export function referenceScores(script: string, args: string[], spec: object): number[][] {
  const input = join(mkdtempSync(join(tmpdir(), 'reference-')), 'input.json');
  writeFileSync(input, JSON.stringify(spec));
  const path = join(__dirname, '..', '..', '..', 'scripts', 'reference', script);
  return JSON.parse(execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [path, ...args, input], { encoding: 'utf8' })).scores as number[][];
}

/** The largest difference of two score tables (relative above 1 in size) and the largest |score| of `mine`. */
export function compareScores(mine: number[][], theirs: number[][]): { worst: number; largest: number } {
  let worst = 0;
  let largest = 0;
  mine.forEach((row, u) => row.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - theirs[u][i]) / Math.max(1, Math.abs(theirs[u][i])));
    largest = Math.max(largest, Math.abs(v));
  }));
  return { worst, largest };
}

/** The range of history lengths, for the printed line. */
export function lengthRange(train: TrainData): string {
  const { offsets } = train.sequences;
  const lengths = Array.from({ length: train.numUsers }, (_, u) => offsets[u + 1] - offsets[u]);
  return `${Math.min(...lengths)}-${Math.max(...lengths)}`;
}
