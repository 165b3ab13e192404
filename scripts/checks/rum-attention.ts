/**
 * RUM's Figure 4 (Chen et al., WSDM 2018, section 5.4) from a finished item-level RUM run: the attention
 * weights z (eq. 7) over the memory slots at each training purchase of a few sampled users. At purchase i the
 * memory holds the user's K items before i, exactly the trainer's window for that interaction (TrainingSession's
 * batch builder makes it), and the candidate is the item bought at i, so the weights are those the model was
 * trained with; they come from RumItem.attention, the model's own read. Cell (i, j) of a user's map is the
 * weight on the user's j-th purchase when buying the i-th (i − K ≤ j < i; 1-based, training part only).
 *
 * Writes figure4.csv (one row per cell) and figure4.svg (a heat map per user) into OUT (default: the run
 * folder), and prints, over every user, the mean weight by lag (i − j) at purchases with a full memory and
 * how often the most recent item gets the largest weight: what the paper reads off its figure.
 *
 * Usage: node dist/scripts/checks/rum-attention.js RUN_DIR [--users N] [--out DIR]
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { activateBackend, loadConfig } from '../../src/cli/common';
import type { TrainData } from '../../src/models/model';
import type { RumItem } from '../../src/models/memory/rum-item';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { readArrays } from '../../src/results/arrays-file';
import { writeFileAtomic } from '../../src/results/atomic';
import { repeatName } from '../../src/results/run-folder';
import { loadData, prepareExperiment } from '../../src/run/experiment';
import { pointBatchParts } from '../../src/train/batches/point-batch';
import { positionsOf, type Positions } from '../../src/train/batches/positions';
import { Reporter } from '../../src/util/reporter';
import { svgDocument, text } from '../../src/reproduce/svg';

/** Users longer than this are not sampled: their maps would be too large to read (the paper's have ~20 purchases). */
const MAX_PURCHASES = 30;
/** Heat map cell size in pixels. */
const CELL = 12;

/** One user's weights: row t − 1 for the purchase at 0-based position t ≥ 1, column k for memory slot k. */
interface AttentionMap {
  readonly user: number;
  /** the user's training items in order */
  readonly items: Int32Array;
  /** [items.length − 1, K]; slot k holds the purchase at position t − K + k (0 where that is before the first) */
  readonly weights: Float32Array;
  readonly slots: number;
}

function attentionMap(model: RumItem, trainPositions: Positions, train: TrainData, user: number): AttentionMap {
  const { offsets, items } = train.sequences;
  const [start, end] = [offsets[user], offsets[user + 1]];
  // the first purchase is never a target (nothing precedes it); positions are global, as in the trainer
  const positions = Int32Array.from({ length: end - start - 1 }, (_, k) => start + 1 + k);
  const batch = pointBatchParts(train, trainPositions, positions, model.inputLength);
  const z = tf.tidy(() => {
    const inputs = tf.tensor2d(batch.inputs, [positions.length, batch.inputLength], 'int32');
    return model.attention(inputs, tf.tensor2d(batch.positives, [positions.length, 1], 'int32')).z;
  });
  const weights = Float32Array.from(z.dataSync() as Float32Array);
  z.dispose();
  return { user, items: items.slice(start, end), weights, slots: batch.inputLength };
}

/** Every cell of a map with the weight's 1-based purchase numbers: at purchase i, on the j-th purchase. */
function cells(map: AttentionMap): { i: number; j: number; weight: number }[] {
  const out: { i: number; j: number; weight: number }[] = [];
  for (let t = 1; t < map.items.length; t++) {
    for (let k = 0; k < map.slots; k++) {
      const previous = t - map.slots + k;
      if (previous >= 0) out.push({ i: t + 1, j: previous + 1, weight: map.weights[(t - 1) * map.slots + k] });
    }
  }
  return out;
}

/**
 * Over all maps, at purchases whose memory is full: the mean weight per lag 1..K, the mean of each purchase's
 * largest weight (1/K for uniform attention, 1 for attention on one item), and the share where lag 1 weighs most.
 */
function lagSummary(maps: AttentionMap[]): { purchases: number; meanByLag: number[]; meanLargest: number; recentFirst: number } {
  const K = maps[0].slots;
  const sums = new Float64Array(K + 1);
  let [purchases, largest, recentFirst] = [0, 0, 0];
  for (const map of maps) {
    for (let t = K; t < map.items.length; t++) {
      const row = map.weights.subarray((t - 1) * K, t * K);
      for (let k = 0; k < K; k++) sums[K - k] += row[k];
      const max = Math.max(...row);
      largest += max;
      if (row[K - 1] === max) recentFirst++;
      purchases++;
    }
  }
  return { purchases, meanByLag: Array.from(sums.subarray(1), (s) => s / purchases), meanLargest: largest / purchases, recentFirst: recentFirst / purchases };
}

/** White to dark blue: the darker, the more attention (as in the paper's figure). */
function colour(weight: number): string {
  const [from, to] = [[247, 251, 255], [8, 48, 107]];
  return `rgb(${from.map((c, k) => Math.round(c + Math.min(1, Math.max(0, weight)) * (to[k] - c))).join(',')})`;
}

/**
 * One panel per user, three to a row: rows i (purchase), columns j (earlier purchase), the current purchase
 * (j = i) outlined in blue as in the paper, earlier purchases that have left the K-slot memory in grey. A
 * colour scale (0 to 1) on the right.
 */
function heatMaps(maps: AttentionMap[], userIds: readonly string[], title: string): string {
  const perRow = Math.min(3, maps.length);
  const rows = Array.from({ length: Math.ceil(maps.length / perRow) }, (_, r) => maps.slice(r * perRow, (r + 1) * perRow));
  const size = (map: AttentionMap) => map.items.length * CELL;
  const [left, top] = [34, 44];
  const slotWidth = Math.max(250, left + Math.max(...maps.map(size)) + 30);
  const body = [text(10, 20, title, 'start', 'font-size="14" font-weight="bold"')];
  let oy = 34;
  for (const row of rows) {
    row.forEach((map, m) => {
      const [x0, y0, n] = [m * slotWidth + left, oy + top, map.items.length];
      body.push(text(x0, oy + 14, `user ${userIds[map.user]} (${n} purchases)`, 'start', 'font-weight="bold"'));
      for (let i = 1; i <= n; i++) {
        for (let j = 1; j < i - map.slots; j++) body.push(`<rect x="${x0 + (j - 1) * CELL}" y="${y0 + (i - 1) * CELL}" width="${CELL}" height="${CELL}" fill="#e2e8f0"/>`);
      }
      for (const c of cells(map)) {
        body.push(`<rect x="${x0 + (c.j - 1) * CELL}" y="${y0 + (c.i - 1) * CELL}" width="${CELL}" height="${CELL}" fill="${colour(c.weight)}" stroke="#cbd5e0" stroke-width="0.5"><title>i=${c.i} j=${c.j} z=${c.weight.toFixed(3)}</title></rect>`);
      }
      for (let i = 1; i <= n; i++) body.push(`<rect x="${x0 + (i - 1) * CELL + 1}" y="${y0 + (i - 1) * CELL + 1}" width="${CELL - 2}" height="${CELL - 2}" fill="none" stroke="#3182ce" stroke-width="1.5"/>`);
      for (let k = 5; k <= n; k += 5) {
        body.push(text(x0 - 4, y0 + (k - 0.5) * CELL + 4, String(k), 'end', 'font-size="10"'));
        body.push(text(x0 + (k - 0.5) * CELL, y0 - 4, String(k), 'middle', 'font-size="10"'));
      }
      body.push(text(x0 - 4, y0 - 4, 'j →', 'end', 'font-size="10" font-style="italic"'), text(x0 - 18, y0 + 10, 'i ↓', 'middle', 'font-size="10" font-style="italic"'));
    });
    oy += top + Math.max(...row.map(size)) + 24;
  }
  const scaleX = perRow * slotWidth + 10;
  const [barTop, barHeight] = [60, 200];
  body.push(
    '<defs><linearGradient id="scale" x1="0" y1="1" x2="0" y2="0">',
    `<stop offset="0" stop-color="${colour(0)}"/><stop offset="1" stop-color="${colour(1)}"/></linearGradient></defs>`,
    `<rect x="${scaleX}" y="${barTop}" width="16" height="${barHeight}" fill="url(#scale)" stroke="#000" stroke-width="0.5"/>`,
    text(scaleX, barTop - 10, 'weight z', 'start'),
  );
  for (const v of [0, 0.25, 0.5, 0.75, 1]) body.push(text(scaleX + 22, barTop + barHeight * (1 - v) + 4, v.toFixed(2), 'start', 'font-size="10"'));
  const legendY = barTop + barHeight + 30;
  body.push(
    `<rect x="${scaleX}" y="${legendY}" width="${CELL}" height="${CELL}" fill="none" stroke="#3182ce" stroke-width="1.5"/>`,
    text(scaleX + CELL + 6, legendY + 10, 'purchase i itself', 'start', 'font-size="10"'),
    `<rect x="${scaleX}" y="${legendY + 20}" width="${CELL}" height="${CELL}" fill="#e2e8f0"/>`,
    text(scaleX + CELL + 6, legendY + 30, 'not in memory', 'start', 'font-size="10"'),
  );
  return svgDocument(scaleX + 110, Math.max(oy, legendY + 50), body);
}

function csv(maps: AttentionMap[], userIds: readonly string[], itemIds: readonly string[]): string {
  const lines = ['user,purchase,item,previous,previous_item,lag,weight'];
  for (const map of maps) {
    for (const c of cells(map)) {
      lines.push([userIds[map.user], c.i, itemIds[map.items[c.i - 1]], c.j, itemIds[map.items[c.j - 1]], c.i - c.j, c.weight].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { users: { type: 'string', default: '5' }, out: { type: 'string' } } });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: rum-attention.js RUN_DIR [--users N] [--out DIR]');
  const config = loadConfig(join(dir, 'config.yaml'), []);
  if (config.str('model.name') !== 'rum_item') throw new Error(`${dir}: a ${config.str('model.name')} run; Figure 4 needs rum_item`);
  const reporter = new Reporter(true);
  await activateBackend(undefined, config.str('compute.backend'), reporter);
  const { data } = await loadData(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as RumItem;
  model.restore(readArrays(dir, repeatName('checkpoint', 0, config.int('split.repeats'))).arrays, exp.train);
  const trainPositions = positionsOf(exp.train.sequences);
  const { offsets } = exp.train.sequences;
  const maps = Array.from({ length: data.numUsers }, (_, u) => u)
    .filter((u) => offsets[u + 1] - offsets[u] >= 2)
    .map((u) => attentionMap(model, trainPositions, exp.train, u));
  model.dispose();
  const K = maps[0].slots;
  // long enough that the memory fills and then shifts at least once, short enough to read
  const eligible = maps.filter((m) => m.items.length >= K + 2 && m.items.length <= MAX_PURCHASES);
  const sampled = stream(config.int('seed'), 'sampling', 'rum-attention-users')
    .shuffle(eligible.map((_, k) => k))
    .slice(0, Number(values.users))
    .sort((a, b) => a - b)
    .map((k) => eligible[k]);
  const out = values.out ?? dir;
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'figure4.csv'), csv(sampled, data.userIds, data.itemIds));
  writeFileAtomic(join(out, 'figure4.svg'), heatMaps(sampled, data.userIds, `RUM Figure 4: item-level RUM attention weights, K = ${K}, ${data.name}`));
  const summary = lagSummary(maps);
  const lags = summary.meanByLag.map((w, k) => `lag ${k + 1}: ${w.toFixed(3)}`).join(', ');
  process.stdout.write(
    `${maps.length} users, ${summary.purchases} training purchases with a full memory (K = ${K}): mean weight ${lags}; mean largest weight ${summary.meanLargest.toFixed(3)}; the most recent item weighs most at ${(100 * summary.recentFirst).toFixed(1)}% of them\n` +
      `sampled users (${eligible.length} with ${K + 2}..${MAX_PURCHASES} training purchases): ${sampled.map((m) => data.userIds[m.user]).join(', ')}\n` +
      `wrote ${join(out, 'figure4.csv')} and ${join(out, 'figure4.svg')}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`rum-attention: ${err.message}\n`);
  process.exit(1);
});
