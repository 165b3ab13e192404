import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/schema/config-flags';
import type { Interactions } from '../../src/data/interactions';
import { prepareData } from '../../src/data/pipeline';
import { stream } from '../../src/random/streams';
import { writeFileAtomic } from '../../src/results/atomic';
import { PACKAGE_ROOT } from '../../src/results/environment';
import { Reporter } from '../../src/util/reporter';

/**
 * Data loading bench (issue 6): reading and preprocessing MovieLens ratings.dat from the raw file, cold and
 * from the cache, and the bytes the in-memory dataset costs per interaction. Files: a generated 1,000,000-row
 * ratings.dat and, when present, the ML-1M half in ../shared/datasets (gzip, as published).
 *   node --expose-gc dist/scripts/bench/data-load.js
 * Writes results/bench/data.{json,md}.
 */

const STEPS = '["dedupe", "k_core users=5 items=5"]';
const GENERATED_ROWS = 1_000_000;

/** A ratings.dat of `rows` lines for 6,040 users and 3,706 items, each user's lines together, times rising. */
function generateRatings(file: string, rows: number): void {
  const rng = stream(1, 'synthetic', 'bench-ratings');
  const fd = openSync(file, 'w');
  const perUser = Math.ceil(rows / 6040);
  let lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const user = 1 + Math.floor(r / perUser);
    lines.push(`${user}::${1 + Math.floor(3706 * rng.uniform() ** 2)}::${1 + rng.int(5)}::${978300000 + r}`);
    if (lines.length === 50_000) {
      writeSync(fd, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
  closeSync(fd);
}

/** Bytes held by the dataset's typed arrays and raw id strings (2 bytes a character plus a 16-byte header). */
function datasetBytes(data: Interactions): number {
  const arrays = [data.offsets, data.items, data.timestamps, data.ratings, data.behaviors, data.itemCategory, data.itemTokenOffsets, data.itemTokens];
  const arrayBytes = arrays.reduce((sum, a) => sum + (a ? a.byteLength : 0), 0);
  const idBytes = [...data.userIds, ...data.itemIds].reduce((sum, id) => sum + 16 + 2 * id.length, 0);
  return arrayBytes + idBytes;
}

const quiet = new Reporter(true, new Writable({ write: (_c, _e, done) => done() }));

async function timeLoad(file: string, cacheDir: string) {
  const config = loadConfig(null, ['data.source=movielens', `data.movielens.path=${file}`, `data.preprocess=${STEPS}`, `data.cache_dir=${cacheDir}`]);
  global.gc?.();
  const heapBefore = process.memoryUsage();
  const started = performance.now();
  const prepared = await prepareData(config, quiet);
  const seconds = (performance.now() - started) / 1000;
  global.gc?.();
  const heapAfter = process.memoryUsage();
  const retained = heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers;
  return { seconds, data: prepared.data, rawRows: prepared.log[0].stats.interactions, retained };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-bench-data-'));
  const files: { label: string; file: string }[] = [];
  const generated = join(dir, 'ratings.dat');
  generateRatings(generated, GENERATED_ROWS);
  files.push({ label: `generated ratings.dat, ${GENERATED_ROWS.toLocaleString('en')} rows`, file: generated });
  const half = join(PACKAGE_ROOT, '..', 'shared', 'datasets', 'movielens-1m', 'ratings.dat.gz');
  if (existsSync(half)) files.push({ label: 'ML-1M half, ratings.dat.gz (gzip)', file: half });
  // a warm-up load, so that compiling the loader's code is not counted against the first file's heap
  const warmUp = join(dir, 'warm-up.dat');
  generateRatings(warmUp, 10_000);
  await timeLoad(warmUp, '');
  const rows: Record<string, unknown>[] = [];
  for (const { label, file } of files) {
    const cacheDir = join(dir, `cache-${rows.length}`);
    const cold = await timeLoad(file, cacheDir);
    const cached = await timeLoad(file, cacheDir);
    const interactions = cold.data.items.length;
    const row = {
      file: label,
      rawRows: cold.rawRows,
      interactions,
      coldSeconds: Number(cold.seconds.toFixed(3)),
      rowsPerSecond: Math.round(cold.rawRows / cold.seconds),
      cachedSeconds: Number(cached.seconds.toFixed(3)),
      datasetBytesPerInteraction: Number((datasetBytes(cold.data) / interactions).toFixed(1)),
      retainedHeapBytesPerInteraction: global.gc ? Number((cold.retained / interactions).toFixed(1)) : null,
    };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  const header = `Loading MovieLens ratings.dat, then preprocess ${STEPS}, on ${new Date().toISOString()}. Goals: under 3 s for 1,000,000 rows, under 40 bytes per interaction.`;
  const table = [
    '| file | raw rows | interactions kept | cold load + preprocess s | rows/s | from the cache s | dataset bytes / interaction | retained heap bytes / interaction |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${Object.values(r).map((v) => (v === null ? '– (run with --expose-gc)' : String(v))).join(' | ')} |`),
  ];
  const out = join(PACKAGE_ROOT, 'results', 'bench');
  writeFileAtomic(join(out, 'data.json'), `${JSON.stringify({ header, rows }, null, 2)}\n`);
  writeFileAtomic(join(out, 'data.md'), `${header}\n\n${table.join('\n')}\n`);
  process.stdout.write(`${header}\n\n${table.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
