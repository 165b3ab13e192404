import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeReports } from '../../src/reproduce/report';
import { reproduceTable, type CellOutcome } from '../../src/reproduce/run';
import { TABLES, type TableSpec } from '../../src/reproduce/tables';
import { Reporter } from '../../src/util/reporter';

/**
 * RUM's stand-in column (2014 5-core reviews, the RUM protocol: each user's first 70% train, the rest test, no
 * validation part), with made-up users a day apart per review: `sequences[u]` are user u's items in time order.
 */
function dataFolder(root: string, sequences: string[][]): string {
  const data = join(root, 'data');
  mkdirSync(join(data, 'amazon-2014-5core'), { recursive: true });
  const lines = sequences.flatMap((items, u) => items.map((asin, k) => JSON.stringify({ reviewerID: `A${u}`, asin, overall: 5, unixReviewTime: 1400000000 + 86400 * k })));
  writeFileSync(join(data, 'amazon-2014-5core', 'reviews_Musical_Instruments_5.json.gz'), gzipSync(`${lines.join('\n')}\n`));
  return data;
}

const RUM = TABLES.rum[0];
const COLUMN = RUM.columns.filter((c) => c.key === 'musical_instrument_5core');
const FAST = ['compute.backend=cpu', "data.cache_dir=''", 'train.batch_size=32'];
const f1 = (cell: CellOutcome) => (cell.kind === 'ok' ? cell.test['f1@5'].mean : NaN);

test('--tune reverses a built order: MostPop beats FPMC at a learning rate too small to learn, and loses once FPMC is tuned on validation', async () => {
  // 40 users walk the chain i -> i+1 over 30 items for 12 steps; every other user starts at item 0-3 (MostPop's
  // strength), the others anywhere. FPMC at lr 1e-5 stays near its random start.
  const root = mkdtempSync(join(tmpdir(), 'memrec-tune-reverse-'));
  const sequences = Array.from({ length: 40 }, (_, u) => Array.from({ length: 12 }, (_, k) => `B${((u % 2 === 0 ? (u * 7) % 30 : u % 4) + k) % 30}`));
  const table: TableSpec = {
    ...RUM,
    columns: COLUMN,
    rows: [{ label: 'MP', model: 'mostpop', baseline: true }, { label: 'FPMC', model: 'fpmc', baseline: false }],
    sets: ['train.epochs=10', 'train.lr=0.00001', ...FAST],
    tuneSpace: { 'train.lr': [0.00001, 0.05] },
    tuneSpaceNote: 'a built case',
    tuneSets: undefined,
  };
  const options = { dataDir: dataFolder(root, sequences), out: join(root, 'runs'), seeds: [1], quick: false, jobs: 2 };
  const [untuned] = await reproduceTable(table, options, new Reporter(true));
  const [tuned] = await reproduceTable(table, { ...options, tune: { budget: 2, search: 'tpe' } }, new Reporter(true));
  assert.ok(f1(untuned.cells.MP) > f1(untuned.cells.FPMC) + 0.05, `untuned: MP ${f1(untuned.cells.MP)}, FPMC ${f1(untuned.cells.FPMC)}`);
  assert.ok(f1(tuned.cells.FPMC) > f1(tuned.cells.MP) + 0.02, `tuned: MP ${f1(tuned.cells.MP)}, FPMC ${f1(tuned.cells.FPMC)}`);
  // MostPop has nothing to tune: its untuned run is reused; FPMC's choice is on the table's settings line
  assert.equal(f1(tuned.cells.MP), f1(untuned.cells.MP));
  const fpmc = tuned.cells.FPMC;
  assert.ok(fpmc.kind === 'ok' && fpmc.tuning);
  assert.deepEqual(fpmc.tuning.chosen, { 'train.lr': 0.05 });
  assert.equal(fpmc.tuning.tried, 2);
  const tables = join(root, 'tables');
  mkdirSync(tables);
  const { markdown } = writeReports(table, [tuned], tables, 'header');
  assert.match(markdown, /^- settings MP: nothing to tune$/m);
  assert.match(markdown, /^- settings FPMC: lr=0\.05 \(2 of 2 points by tpe, valid f1@5 \d\.\d{4}\)$/m);
});

test('--tune chooses on a validation part carved from the training part only: the test part is never loaded', async () => {
  // 20 users of 14 reviews: 6 items of their own, the popular item P twice, Z, then 5 of their own items again;
  // 10 more users review only P. The protocol trains on the first 9 (floor(14 × 0.7)) and tests on the 5
  // repeats, where P-Pop (the user's own items first) wins. Tuning sees the 9 only: it trains on 6 and validates
  // on P, P, where MostPop wins.
  const root = mkdtempSync(join(tmpdir(), 'memrec-tune-valid-'));
  const sequences = [
    ...Array.from({ length: 20 }, (_, u) => {
      const own = Array.from({ length: 6 }, (_, k) => `X${u}_${k}`);
      return [...own, 'P', 'P', 'Z', ...own.slice(0, 5)];
    }),
    ...Array.from({ length: 10 }, () => new Array<string>(14).fill('P')),
  ];
  const table: TableSpec = {
    ...RUM,
    columns: COLUMN,
    rows: [{ label: 'popularity', model: 'mostpop', baseline: true }],
    sets: ['eval.exclude_history=false', ...FAST],
    tuneSpace: { 'model.name': ['ppop', 'mostpop'] },
    tuneSpaceNote: 'a built case',
    tuneSets: undefined,
  };
  const options = { dataDir: dataFolder(root, sequences), out: join(root, 'runs'), seeds: [1], quick: false, jobs: 2, tune: { budget: 2, search: 'grid' as const } };
  const [outcome] = await reproduceTable(table, options, new Reporter(true));
  const cell = outcome.cells.popularity;
  assert.ok(cell.kind === 'ok' && cell.tuning);
  assert.deepEqual(cell.tuning.chosen, { 'model.name': 'mostpop' });
  const tuning = JSON.parse(readFileSync(join(cell.tuning.out as string, 'summary.json'), 'utf8'));
  const [ppop, mostpop] = tuning.points;
  assert.ok(mostpop.valid.mean > ppop.valid.mean);
  // on the protocol's test part P-Pop is far better: choosing there would have picked it
  const [ppopOutcome] = await reproduceTable({ ...table, rows: [{ label: 'P-Pop', model: 'ppop', baseline: true }] }, { ...options, tune: null }, new Reporter(true));
  assert.ok(f1(ppopOutcome.cells['P-Pop']) > f1(cell) + 0.3, `test f1@5: P-Pop ${f1(ppopOutcome.cells['P-Pop'])}, MostPop ${f1(cell)}`);
  // every tuning run kept 9 interactions per user, never a test one
  const trials = join(cell.tuning.out as string, 'trials');
  for (const trial of readdirSync(trials)) {
    const [run] = readdirSync(join(trials, trial));
    assert.match(readFileSync(join(trials, trial, run, 'log.txt'), 'utf8'), /data after head share=0\.7: 30 users, \d+ items, 270 interactions/);
  }
});
