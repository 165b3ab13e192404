import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { gzipSync } from 'node:zlib';
import { isOneLineError, memrec, REPO } from '../helpers/cli';
import { resolveConfig } from '../../src/config/load';
import { paperTablesDir } from '../../src/data/paper-stats';
import { presetFile } from '../../src/data/presets';
import { renderReports, writeReports } from '../../src/reproduce/report';
import { firstExisting, planSentence, planTable, reproduceTable, type ColumnOutcome } from '../../src/reproduce/run';
import { readIndex } from '../../src/sweep/index-file';
import { MODELS } from '../../src/models/registry';
import { TABLES, type RowSpec, type TableSpec } from '../../src/reproduce/tables';
import { schemaProvider } from '../../src/schema/schema';
import { Reporter } from '../../src/util/reporter';

/**
 * A data folder holding only RUM's stand-in file, amazon-2014-5core/reviews_Musical_Instruments_5.json.gz:
 * 14 users with 12 reviews each over 30 items (each user's items shifted by one), a day apart.
 */
function dataFolder(root: string): string {
  const data = join(root, 'data');
  mkdirSync(join(data, 'amazon-2014-5core'), { recursive: true });
  const lines: string[] = [];
  for (let u = 0; u < 14; u++) {
    for (let k = 0; k < 12; k++) {
      lines.push(JSON.stringify({ reviewerID: `A${u}`, asin: `B${(u + k) % 30}`, overall: 5.0, unixReviewTime: 1400000000 + 86400 * k }));
    }
  }
  writeFileSync(join(data, 'amazon-2014-5core', 'reviews_Musical_Instruments_5.json.gz'), gzipSync(`${lines.join('\n')}\n`));
  return data;
}

function paperTables(root: string): string {
  const dir = join(root, 'tables-in');
  mkdirSync(dir);
  const column = (f1: number) => `{MP: [1, 1, ${f1}, 4, 1], BPR: [1, 1, 1.1, 4, 1], FPMC: [1, 1, 1, 4, 1], DREAM: [1, 1, 1, 4, 1], RUM-I: [1, 1, 1, 4, 1], RUM-F: [1, 1, 1.2, 4, 1]}`;
  writeFileSync(join(dir, 'rum.yaml'), `table2:\n  musical_instrument: ${column(0.5)}\n  instant_video: ${column(0.5)}\n`);
  return dir;
}

test('reproduce --quick runs the columns whose data is at hand, says why the others are empty, and resumes', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-'));
  const args = ['reproduce', '--paper', 'rum', '--quick', '--data', dataFolder(root), '--out', join(root, 'runs'), '--tables', join(root, 'tables')];
  const env = { MEMREC_PAPER_TABLES: paperTables(root) };
  const first = memrec(args, env);
  assert.equal(first.status, 0, first.stderr);
  const markdown = readFileSync(join(root, 'tables', 'rum-table2.md'), 'utf8');
  assert.match(markdown.split('\n')[0], /^# RUM .* \(--quick: a check of the pipeline, not a result\)$/);
  // the columns without data come last, on one line: what is missing and where it was looked for
  assert.match(markdown, /\nNot run, no data under .*data: instant_video \(amazon-2014\/ratings_Amazon_Instant_Video\.csv or 5 other names\); musical_instrument \(amazon-2014\/ratings_Musical_Instruments\.csv or 5 other names\); automotive .*; baby_care .*\.\n$/);
  assert.doesNotMatch(markdown, /## instant_video/);
  // the stand-in column has a figure for every model, in %, beside the paper's (0.5 for MP's F1@5 here), the best in bold
  const section = markdown.slice(markdown.indexOf('## musical_instrument_5core'));
  for (const row of ['MP', 'BPR', 'FPMC', 'DREAM', 'RUM-I', 'RUM-F']) assert.match(section, new RegExp(`\\| ${row} \\| (\\*\\*)?\\d+\\.\\d{3}(\\*\\*| ≈)? \\| 1\\.000 \\| [+-]\\d+\\.\\d%`), row);
  assert.match(section, /\| 0\.500 \| [+-]\d+\.\d% \|/);
  assert.equal(section.split('\n').filter((line) => /^\| (MP|BPR|FPMC|DREAM|RUM-I|RUM-F) \|/.test(line)).join('').match(/\*\*/g)?.length, 2 * 5, 'one best per metric');
  // the statistics: every model of every metric against RUM-I and RUM-F, over the 14 test users
  assert.match(section, /Per-user statistics on the test part: 14 users, seed 1\. .*Holm–Bonferroni adjusted over the \d+ comparisons of this table/);
  assert.match(section, /\| metric \| model \| mean \[95% CI\] \| − RUM-I \[95% CI\] \| t-test p \(Holm\) \| Wilcoxon p \(Holm\) \| − RUM-F \[95% CI\] \| t-test p \(Holm\) \| Wilcoxon p \(Holm\) \| vs best: t-test p \(Holm\) \|/);
  assert.match(section, /\| f1@5 \| RUM-I \| (\*\*)?\d+\.\d{3} \[\d+\.\d{3}, \d+\.\d{3}\](\*\*| ≈)? \| — \|  \|  \| [+-]\d+\.\d{3} \[-?\d+\.\d{3}, -?\d+\.\d{3}\] \| [\d.e-]+ \([\d.e-]+\) \| [\d.e-]+ \([\d.e-]+\) \|/);
  const csv = readFileSync(join(root, 'tables', 'rum-table2.csv'), 'utf8').trim().split('\n');
  // header + 5 columns x 6 rows x 5 metrics
  assert.equal(csv.length, 1 + 5 * 6 * 5);
  const html = readFileSync(join(root, 'tables', 'rum-table2.html'), 'utf8');
  assert.match(html, /<title>RUM .*\(--quick: a check of the pipeline, not a result\)<\/title>/);
  assert.match(html, /<svg[^>]*>[^]*musical_instrument_5core: test f1@5<\/text>\n<text [^>]*>our mean with its 95% bootstrap interval over users, the best in orange; the paper's in grey/);
  assert.match(html, /<p class="missing">Not run, no data under /);
  assert.ok(html.indexOf('<h2>musical_instrument_5core</h2>') < html.indexOf('<p class="missing">'));
  const tests = readFileSync(join(root, 'tables', 'rum-table2-tests.csv'), 'utf8').trim().split('\n');
  assert.equal(tests[0], 'paper,table,column,metric,model,against,difference,ci95_low,ci95_high,t,t_p,t_p_holm,wilcoxon_p,wilcoxon_p_holm,users,seeds');
  assert.ok(tests.slice(1).every((line) => line.startsWith('rum,table2,musical_instrument_5core,')));
  const column = join(root, 'runs', 'rum', 'musical_instrument_5core-quick');
  const trials = () => readdirSync(column).flatMap((model) => readdirSync(join(column, model, 'trials')).map((t) => `${model}/${t}`)).sort();
  const before = trials();
  assert.equal(before.length, 6);
  const second = memrec(args, env);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(trials(), before);
  assert.equal(readFileSync(join(root, 'tables', 'rum-table2.md'), 'utf8').replace(/, \d+\.\d min in this invocation/, ''), markdown.replace(/, \d+\.\d min in this invocation/, ''));
});

test('reproduce --rows runs only those cells; a later invocation shows them without rerunning; a repeated split gives one value per split', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-rows-'));
  const data = dataFolder(root);
  const [rum] = TABLES.rum;
  // MostPop twice: as printed, and on three random 70/0/30 splits (MARS's kind of repetition)
  const repeated: RowSpec = { label: 'MP x3', model: 'mostpop', key: 'mostpop-splits', baseline: true, sets: ['split.method=ratio_random', 'split.repeats=3'] };
  const table: TableSpec = { ...rum, rows: [rum.rows[0], repeated] };
  const options = { dataDir: data, out: join(root, 'runs'), seeds: [1], quick: true, jobs: 1 };
  const column = (outcomes: ColumnOutcome[]) => outcomes.find((o) => o.column.key === 'musical_instrument_5core') as ColumnOutcome;
  const first = column(await reproduceTable(table, { ...options, rows: ['mostpop-splits'] }, new Reporter(true)));
  assert.deepEqual(first.cells.MP, { kind: 'missing', why: 'not selected (--columns, --rows), and no earlier run with these settings' });
  assert.ok(!existsSync(join(root, 'runs', 'rum', 'musical_instrument_5core-quick', 'mostpop')), 'a cell not selected writes nothing');
  const cell = first.cells['MP x3'];
  assert.equal(cell.kind, 'ok');
  if (cell.kind !== 'ok') return;
  const perRepeat = (JSON.parse(readFileSync(join(cell.runDirs[0], 'metrics.json'), 'utf8')).results.test.per_repeat as Record<string, number>[]).map((m) => m['f1@5']);
  assert.equal(perRepeat.length, 3);
  const mean = perRepeat.reduce((a, b) => a + b, 0) / 3;
  const sd = Math.sqrt(perRepeat.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
  assert.ok(sd > 0, 'the three splits differ');
  assert.deepEqual(cell.test['f1@5'], { mean, sd, n: 3 }, 'one seed, three splits: mean and sd over the splits');
  // the other row now, and the first shown as it was, not run again
  const trialsOf = (key: string) => readdirSync(join(root, 'runs', 'rum', 'musical_instrument_5core-quick', key, 'trials'));
  const before = trialsOf('mostpop-splits');
  const second = column(await reproduceTable(table, { ...options, rows: ['mostpop'] }, new Reporter(true)));
  assert.deepEqual(trialsOf('mostpop-splits'), before);
  assert.deepEqual(second.cells['MP x3'], cell);
  assert.equal(second.cells.MP.kind, 'ok');
  // the plan before a run: seed 1 of both cells is finished; each seed 2 is estimated at its cell's seed-1 time
  const wall = (key: string) => [...readIndex(join(root, 'runs', 'rum', 'musical_instrument_5core-quick', key)).records.values()].map((r) => r.wall_seconds);
  assert.deepEqual(planTable(table, { ...options, seeds: [1, 2] }), { cells: 2, trials: 4, finished: 2, estimatedSeconds: wall('mostpop')[0] + wall('mostpop-splits')[0], unestimated: 0 });
  assert.deepEqual(planTable(table, { ...options, rows: ['mostpop'] }), { cells: 1, trials: 1, finished: 1, estimatedSeconds: 0, unestimated: 0 });
  assert.deepEqual(planTable(table, { ...options, out: join(root, 'elsewhere-plan') }), { cells: 2, trials: 2, finished: 0, estimatedSeconds: 0, unestimated: 2 });
  assert.equal(
    planSentence('rum-table2', { cells: 2, trials: 4, finished: 2, estimatedSeconds: 7200, unestimated: 0 }, false),
    "reproduce rum-table2: 2 cells, 4 trials, 2 finished earlier, 2 to run; about 2.0 h for them, one after another, from their cells' finished seeds",
  );
  assert.equal(
    planSentence('rum-table2', { cells: 2, trials: 4, finished: 1, estimatedSeconds: 40, unestimated: 2 }, false),
    "reproduce rum-table2: 2 cells, 4 trials, 1 finished earlier, 3 to run; about 40 s for 1 of them, one after another, from their cells' finished seeds; 2 in cells with no finished trial to go by",
  );
  assert.equal(planSentence('rum-table2', { cells: 1, trials: 1, finished: 1, estimatedSeconds: 0, unestimated: 0 }, false), 'reproduce rum-table2: 1 cell, 1 trial, every one finished earlier: writing the table');
  // --columns leaves the stand-in column out: nothing runs, what is finished is shown
  const third = column(await reproduceTable(table, { ...options, columns: ['instant_video'] }, new Reporter(true)));
  assert.deepEqual(third.cells, second.cells);
  // asked for seeds 1 and 2 without running them: the finished seed-1 trials are what the cells show
  const withSeed2 = column(await reproduceTable(table, { ...options, seeds: [1, 2], columns: ['instant_video'] }, new Reporter(true)));
  assert.deepEqual(withSeed2.cells, second.cells);
  // a column with data left out and nothing finished: no table of dashes, one line under the tables
  const elsewhere = await reproduceTable(table, { ...options, out: join(root, 'elsewhere'), columns: ['instant_video'] }, new Reporter(true));
  mkdirSync(join(root, 'tables'));
  const markdown = await withPaperTables(paperTables(root), () => writeReports(table, elsewhere, join(root, 'tables'), 'header').markdown);
  assert.doesNotMatch(markdown, /## musical_instrument_5core/);
  assert.match(markdown, /\nNot run, no data: instant_video .*\. Not run, left out by --columns or --rows \(its data is at hand\): musical_instrument_5core\.\n$/);
});

test('reproduce --set: every cell runs with the setting over the table\'s, beside the cells without it; the header says so', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-set-'));
  const base = ['reproduce', '--paper', 'rum', '--quick', '--data', dataFolder(root), '--out', join(root, 'runs'), '--rows', 'mostpop'];
  const env = { MEMREC_PAPER_TABLES: paperTables(root) };
  const plain = memrec([...base, '--tables', join(root, 'plain')], env);
  assert.equal(plain.status, 0, plain.stderr);
  const set = memrec([...base, '--tables', join(root, 'set'), '--set', 'split.train_ratio=0.5'], env);
  assert.equal(set.status, 0, set.stderr);
  assert.match(readFileSync(join(root, 'set', 'rum-table2.md'), 'utf8'), /^memrec reproduce --paper rum --quick --set split\.train_ratio=0\.5: seeds 1,/m);
  // one cell, two trials: 12 reviews a user split 8/4 by the preset's 0.7, 6/6 under the --set
  const cell = join(root, 'runs', 'rum', 'musical_instrument_5core-quick', 'mostpop');
  const tests = [...readIndex(cell).records.values()].map((r) => JSON.parse(readFileSync(join(cell, r.run_dir ?? '', 'metrics.json'), 'utf8')).split.interactions.test).sort();
  assert.deepEqual(tests, [14 * 4, 14 * 6]);
  for (const [flags, message] of [
    [['--set', 'epochs=3'], /--set epochs=3: expected section\.key=value/],
    [['--set', 'model.name=bpr'], /--set model\.name=bpr: the rows choose the models/],
    [['--set', 'train.epochs=3', '--tune', '2'], /--set and --tune/],
    [['--set', 'train.epochz=3'], /--set train\.epochz=3: train\.epochz: unknown key \(did you mean train\.epochs\?\)/],
    [['--set', 'train.epochs=abc'], /--set train\.epochs=abc: train\.epochs: "abc" is not a number/],
  ] as const) {
    const result = memrec(['reproduce', '--paper', 'rum', ...flags]);
    assert.ok(isOneLineError(result, 2), result.stderr);
    assert.match(result.stderr, message);
  }
});

test('reproduce: --columns and --rows name keys of the tables run, else a one-line usage error', () => {
  const columns = memrec(['reproduce', '--paper', 'dman', '--columns', 'ml100k']);
  assert.ok(isOneLineError(columns, 2), columns.stderr);
  assert.match(columns.stderr, /--columns: ml100k is not a key of dman-table3; expected one of movielens, taobao, ml_100k \(did you mean ml_100k\?\)/);
  const rows = memrec(['reproduce', '--paper', 'mars', '--rows', 'mars-no-txt']);
  assert.ok(isOneLineError(rows, 2), rows.stderr);
  assert.match(rows.stderr, /--rows: mars-no-txt is not a key of mars-table1; expected one of bpr, ncf, .*, mars \(did you mean mars-no-text\?\)/);
});

test('reproduce: an unknown paper is a one-line usage error', () => {
  const result = memrec(['reproduce', '--paper', 'rumm']);
  assert.ok(isOneLineError(result, 2), result.stderr);
  assert.match(result.stderr, /--paper rumm: expected rum, dman, mtam, mars or all \(did you mean rum\?\)/);
});

test('reproduce --quick refuses a tables folder holding a full table, before running anything', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-full-'));
  const tables = join(root, 'tables');
  mkdirSync(tables);
  const full = '# RUM\n\nmemrec reproduce --paper rum: seeds 1, 2, 3, 2026-12-01, commit 0d7a171, 50.0 min\n';
  writeFileSync(join(tables, 'rum-table2.md'), full);
  const result = memrec(['reproduce', '--paper', 'rum', '--quick', '--data', join(root, 'no-data'), '--out', join(root, 'runs'), '--tables', tables]);
  assert.ok(isOneLineError(result, 2), result.stderr);
  assert.match(result.stderr, /rum-table2\.md is a full table, which a --quick run must not replace; give another --tables folder \(the default for --quick is results\/tables-quick\)/);
  assert.equal(readFileSync(join(tables, 'rum-table2.md'), 'utf8'), full);
  assert.deepEqual(readdirSync(root).sort(), ['tables']);
});

test('reproduce (full) refuses a tables folder holding a --quick table, before running anything', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-quick-'));
  const tables = join(root, 'tables');
  mkdirSync(tables);
  const quick = '# RUM (--quick: a check of the pipeline, not a result)\n\nmemrec reproduce --paper rum --quick: seeds 1\n';
  writeFileSync(join(tables, 'rum-table2.md'), quick);
  const result = memrec(['reproduce', '--paper', 'rum', '--data', join(root, 'no-data'), '--out', join(root, 'runs'), '--tables', tables]);
  assert.ok(isOneLineError(result, 2), result.stderr);
  assert.match(result.stderr, /rum-table2\.md is a --quick table, which a full run does not replace; give another --tables folder \(the default is results\/tables\) or delete it/);
  assert.equal(readFileSync(join(tables, 'rum-table2.md'), 'utf8'), quick);
  assert.deepEqual(readdirSync(root).sort(), ['tables']);
});

test('reproduce finds a raw file under the names users get it by', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-names-'));
  const column = (paper: string, key: string) => TABLES[paper][0].columns.find((c) => c.key === key)?.files ?? [];
  const cases: [string, string, string][] = [
    ['mtam', 'ali_mobile', 'tianchi-mobile/tianchi_mobile_recommend_train_user.csv'],
    ['mtam', 'ali_mobile', 'tianchi_mobile_recommend_train_user.csv'],
    ['mtam', 'yoochoose4', 'yoochoose-data/yoochoose-clicks.dat'],
    ['rum', 'baby_care', 'ratings_Baby.csv'],
    ['mars', 'video_games', 'amazon-2014-5core/reviews_Video_Games_5.json.gz'],
    ['dman', 'movielens', 'movielens-1m/ratings.dat.gz'],
  ];
  for (const [k, [paper, key, name]] of cases.entries()) {
    const data = join(root, String(k));
    mkdirSync(join(data, name, '..'), { recursive: true });
    assert.equal(firstExisting(data, column(paper, key)), null);
    writeFileSync(join(data, name), 'x');
    assert.equal(firstExisting(data, column(paper, key)), join(data, name), `${paper} ${key}: ${name}`);
  }
  // the preferred name wins where both are present
  const both = join(root, 'both');
  for (const folder of ['ali-mobile', 'tianchi-mobile']) {
    mkdirSync(join(both, folder), { recursive: true });
    writeFileSync(join(both, folder, 'tianchi_mobile_recommend_train_user.csv'), 'x');
  }
  assert.equal(firstExisting(both, column('mtam', 'ali_mobile')), join(both, 'ali-mobile', 'tianchi_mobile_recommend_train_user.csv'));
});

test("reproduce --paper mtam: Table 2, Table 3 and Figure 5, every runnable row a valid config in every column, full and --quick", () => {
  const tables = TABLES.mtam;
  assert.deepEqual(tables.map((t) => t.id), ['table2', 'table3', 'figure5']);
  for (const key of ['ml_1m', 'ml_100k', 'taobao', 'yoochoose_sample', 'diginetica']) assert.ok(tables[0].columns.some((c) => c.key === key), key);
  const rows = (table: TableSpec) => Object.fromEntries(table.rows.map((r) => [r.label, r]));
  const table2 = rows(tables[0]);
  assert.deepEqual([table2['GRU--'].model, table2.GRU.model, table2.GRU.sets, table2['T-GRU'].model, table2.MTAM.model], ['gru4rec', 'gru4rec', ['model.category=concat'], 'tgru', 'mtam']);
  assert.deepEqual([table2['T-SeqRec'].model, table2.TiSASRec.model], ['tseqrec', 'tisasrec']);
  assert.deepEqual(
    [table2.NARM.model, table2['NARM+'].sets, table2['NARM++'].sets, table2.STAMP.model],
    ['narm', ['model.dim=128', 'model.embedding_dim=128', 'model.attention=time_aware'], ['model.dim=128', 'model.embedding_dim=128', 'model.attention=time_aware', 'model.unit=tgru'], 'stamp'],
  );
  assert.equal(rows(tables[1])['time-aware-self-attention'].model, 'sasrec');
  assert.deepEqual(rows(tables[1])['MTAM-with-T-SeqRec'].sets, ['model.unit=tseqrec']);
  for (const table of tables) {
    for (const column of table.columns) {
      for (const row of table.rows.filter((r) => r.model !== null)) {
        for (const quick of [false, true]) {
          const sets = [...table.sets, ...(row.sets ?? []), ...(quick ? [...table.quickSets, ...(column.quickSets ?? []), ...(row.quickSets ?? [])] : []), `model.name=${row.model}`];
          assert.doesNotThrow(() => resolveConfig(schemaProvider, presetFile(column.preset), sets), `${table.id} ${column.key} ${row.label}${quick ? ' --quick' : ''}`);
        }
      }
    }
  }
});

test("reproduce --paper mtam: a row that several tables share is one cell (the same key, model and settings), so one run fills them all", () => {
  const byKey = new Map<string, RowSpec>();
  for (const row of TABLES.mtam.flatMap((t) => t.rows).filter((r) => r.model !== null)) {
    const key = row.key ?? (row.model as string);
    const seen = byKey.get(key);
    if (seen) assert.deepEqual({ ...row, label: '', baseline: false }, { ...seen, label: '', baseline: false }, key);
    else byKey.set(key, row);
  }
  const [table2, , figure5] = TABLES.mtam;
  assert.deepEqual(figure5.series, { axis: 'hops', x: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
  const keyOf = (r: RowSpec) => r.key ?? r.model;
  assert.equal(keyOf(figure5.rows[0]), keyOf(table2.rows.find((r) => r.label === 'T-GRU') as RowSpec));
  assert.equal(keyOf(figure5.rows[4]), keyOf(table2.rows.find((r) => r.label === 'MTAM') as RowSpec));
  assert.deepEqual(figure5.rows.slice(1).map((r) => r.sets), [1, 2, 3, 4, 5, 6, 7, 8].map((k) => (k === 4 ? ['model.hops=4'] : [`model.hops=${k}`])));
  assert.equal(new Set(figure5.rows.map(keyOf)).size, 9);
});

test('a figure table (series) writes its points as CSV and one SVG panel per metric, a line per column with figures', () => {
  const out = mkdtempSync(join(tmpdir(), 'memrec-reproduce-figure-'));
  const figure: TableSpec = {
    paper: 'p',
    id: 'figure1',
    title: 'a figure',
    metrics: ['hr@10', 'ndcg@10'],
    primary: 'hr@10',
    scale: 1,
    columns: [],
    rows: [0, 1, 2].map((k) => ({ label: `${k} hops`, model: 'mtam', key: `h${k}`, baseline: true })),
    sets: [],
    quickSets: [],
    published: () => null,
    series: { axis: 'hops', x: [0, 1, 2] },
  };
  const column = (key: string, hr: number[] | null): ColumnOutcome => ({
    column: { key, published: null, preset: 'mtam/diginetica', files: [] },
    file: hr ? `/data/${key}` : null,
    cells: Object.fromEntries(
      figure.rows.map((r, k) => [
        r.label,
        hr ? { kind: 'ok', test: { 'hr@10': { mean: hr[k], sd: 0.01, n: 3 }, 'ndcg@10': { mean: hr[k] / 2, sd: null, n: 1 } }, runDirs: [] } : { kind: 'missing', why: 'data not available' },
      ]),
    ),
  });
  const { files } = writeReports(figure, [column('a', [0.1, 0.2, 0.15]), column('b', null)], out, 'header');
  assert.deepEqual(files.map((f) => f.slice(out.length + 1)), ['p-figure1.md', 'p-figure1.csv', 'p-figure1-tests.csv', 'p-figure1.html', 'p-figure1.svg']);
  const csv = readFileSync(join(out, 'p-figure1.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + 2 * 3 * 2);
  // no statistics without run folders: the interval and the marks are empty
  assert.ok(csv.includes('p,figure1,a,1 hops,hr@10,0.2,0.01,3,,,,,,,'), csv.join('\n'));
  const svg = readFileSync(join(out, 'p-figure1.svg'), 'utf8');
  // one line per metric for column a only, its three points each, and the x axis's labels
  assert.equal(svg.match(/<polyline points="[^"]*" fill="none" stroke="#2b6cb0"/g)?.length, 2);
  assert.equal(svg.match(/<circle /g)?.length, 6);
  assert.match(svg, /test hr@10/);
  assert.match(svg, /a \(mean over seeds, bars ±1 sd\)/);
  assert.doesNotMatch(svg, />b \(mean/);
  // HR@10's points lie at x = 0, 1, 2 (panel from 60 to 480) and in the order of their values
  const points = (svg.match(/<polyline points="([^"]*)" fill="none" stroke="#2b6cb0"/) as RegExpMatchArray)[1].split(' ').map((p) => p.split(',').map(Number));
  assert.deepEqual(points.map((p) => p[0]), [60, 270, 480]);
  assert.ok(points[1][1] < points[2][1] && points[2][1] < points[0][1]);
  // a --quick figure says so in its title, as the tables do
  assert.match(renderReports(figure, [column('a', [0.1, 0.2, 0.15])], 'header', { quick: true }).svg ?? '', />a figure \(--quick: a check of the pipeline, not a result\)</);
});

/** DMAN's paper tables in the published file's layout, with a few of its figures (the rest are not read here). */
function dmanPaperTables(root: string): string {
  const dir = join(root, 'dman-tables');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'dman.yaml'),
    [
      'table3:',
      '  columns: {movielens: [HR@10, HR@50, NDCG@100], taobao: [HR@50, HR@100, NDCG@100], jd: [HR@10, HR@50, NDCG@100]}',
      '  rows:',
      '    GRU4Rec*: {movielens: [17.69, 43.13, 16.90], taobao: [10.42, 14.01, 4.23], jd: [27.65, 38.73, 23.40]}',
      '    SASRec:   {movielens: [22.96, 50.09, 20.36], taobao: [20.47, 24.48, 9.84], jd: [38.99, 52.64, 31.32]}',
      '    DMAN:     {movielens: [25.18, 53.24, 22.03], taobao: [24.92, 29.37, 11.13], jd: [44.58, 58.82, 36.93]}',
      'table5:',
      '  taobao: {DMAN-XL: [0.237, 0.094], DMAN-FIFO: [0.263, 0.108], DMAN-NRAN: [0.257, 0.104], DMAN: [0.293, 0.111]}',
      '  xlong:  {DMAN-XL: [0.021, 0.013], DMAN-FIFO: [0.036, 0.017], DMAN-NRAN: [0.043, 0.019], DMAN: [0.054, 0.022]}',
      '',
    ].join('\n'),
  );
  return dir;
}

test('reproduce stopped by SIGTERM in a cell exits 143 and starts no further cell; the same command goes on from there', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-term-'));
  const column = join(root, 'runs', 'rum', 'musical_instrument_5core-quick');
  // BPR for 100,000 epochs: a cell that is still training when the signal comes; FPMC the cell after it
  const args = ['reproduce', '--paper', 'rum', '--quick', '--rows', 'bpr,fpmc', '--set', 'train.epochs=100000', '--data', dataFolder(root), '--out', join(root, 'runs'), '--tables', join(root, 'tables')];
  const child = spawn(process.execPath, [join(REPO, 'bin', 'memrec'), ...args], { cwd: REPO, detached: true, env: { ...process.env, MEMREC_DEBUG: '', MEMREC_PAPER_TABLES: paperTables(root) } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const trials = join(column, 'bpr', 'trials');
  const deadline = Date.now() + 60_000;
  // the trial's own progress file appears once its training has started
  while (Date.now() < deadline && !(existsSync(trials) && readdirSync(trials).some((t) => readdirSync(join(trials, t)).length > 0))) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  // a reproduction that goes on to the next cell would train for hours: stop its whole group after a minute
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running a minute after SIGTERM'), 60_000).unref())]);
  if (code !== 143) process.kill(-(child.pid as number), 'SIGKILL');
  assert.equal(code, 143, stderr);
  assert.match(stderr, /\ninterrupted by SIGTERM at rum musical_instrument_5core\/bpr \(the same command goes on from there\)\n$/);
  assert.ok(!existsSync(join(column, 'fpmc')), 'the next cell never started');
  assert.ok(!existsSync(join(root, 'tables', 'rum-table2-set.md')) && !existsSync(join(root, 'tables', 'rum-table2.md')), 'no table from a stopped reproduction');
});

const DMAN_LABELS = ['GRU4Rec*', 'Caser*', 'SASRec*', 'GRU4Rec', 'Caser', 'SASRec', 'SHAN', 'HPMN', 'SDM', 'DMAN', 'DMAN-XL', 'DMAN-FIFO', 'DMAN-NRAN'];
const DMAN_VARIANTS = ['DMAN', 'DMAN-XL', 'DMAN-FIFO', 'DMAN-NRAN'];

test("reproduce --paper dman: Table 3's rows, the '*' rows on the latest window, DMAN's variants, every runnable row a valid config in both columns", () => {
  const [table] = TABLES.dman;
  assert.deepEqual(table.rows.map((r) => r.label), DMAN_LABELS);
  assert.deepEqual(table.columns.map((c) => [c.key, c.preset]), [['movielens', 'dman/movielens'], ['taobao', 'dman/taobao'], ['ml_100k', 'dman/ml-100k']]);
  assert.equal(table.columns[2].published, 'movielens', "ML-100K stands in for ML-1M: the paper's MovieLens figures beside it");
  const rows = Object.fromEntries(table.rows.map((r) => [r.label, r]));
  // a '*' row is its full-history model's run on the latest 20 training items, scoring from the last 20
  assert.deepEqual(rows['SASRec*'].sets, ['train.latest_window=20', 'model.max_length=20']);
  assert.deepEqual(rows['GRU4Rec*'].sets, ['train.latest_window=20', 'model.max_length=20']);
  assert.deepEqual(rows['Caser*'].sets, ['train.latest_window=20']);
  assert.deepEqual([rows['SASRec*'].model, rows['GRU4Rec*'].model, rows['Caser*'].model], ['sasrec', 'gru4rec', 'caser']);
  // HPMN: its whole history streamed, in training windows of T, the longest users first in the lanes
  assert.deepEqual([rows.HPMN.model, rows.HPMN.sets], ['hpmn', ['model.window=20', 'train.stream_order=longest_first']]);
  // DMAN's rows: one model and a switch each, on their own cells; model null (a "not in memrec" cell) until dman is registered
  const variantSets = DMAN_VARIANTS.map((label) => rows[label].sets?.filter((s) => /^model\.(memory|attention)=/.test(s)));
  assert.deepEqual(variantSets, [
    ['model.memory=routing', 'model.attention=recurrent'],
    ['model.memory=none', 'model.attention=recurrent'],
    ['model.memory=fifo', 'model.attention=recurrent'],
    ['model.memory=routing', 'model.attention=vanilla'],
  ]);
  for (const label of DMAN_VARIANTS) {
    assert.equal(rows[label].model, MODELS.dman ? 'dman' : null, label);
    assert.ok(rows[label].sets?.includes('model.window=20'), label);
    assert.ok(rows[label].sets?.includes('train.stream_order=longest_first'), label);
    assert.equal(rows[label].baseline, label !== 'DMAN', label);
  }
  const keys = table.rows.filter((r) => r.model !== null || r.key).map((r) => r.key ?? r.model);
  assert.equal(new Set(keys).size, keys.length, 'every row its own cell');
  for (const column of table.columns) {
    for (const row of table.rows.filter((r) => r.model !== null)) {
      assert.ok(MODELS[row.model as string], `${row.label}: ${row.model} is registered`);
      for (const quick of [false, true]) {
        const sets = [...table.sets, ...(row.sets ?? []), ...(quick ? [...table.quickSets, ...(column.quickSets ?? []), ...(row.quickSets ?? [])] : []), `model.name=${row.model}`];
        const config = resolveConfig(schemaProvider, presetFile(column.preset), sets);
        // every column measures every metric of the table; the paper's D and negatives for every model
        assert.deepEqual(config.ints('eval.cutoffs'), [10, 50, 100], `${column.key} ${row.label}`);
        assert.deepEqual([config.int('model.dim'), config.int('train.num_negatives')], [quick ? 32 : 128, 5], `${column.key} ${row.label}`);
      }
    }
  }
});

/** Runs `body` with MEMREC_PAPER_TABLES set to `dir` (the DMAN table reads its figures once, lazily). */
async function withPaperTables<T>(dir: string, body: () => T | Promise<T>): Promise<T> {
  const previous = process.env.MEMREC_PAPER_TABLES;
  process.env.MEMREC_PAPER_TABLES = dir;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.MEMREC_PAPER_TABLES;
    else process.env.MEMREC_PAPER_TABLES = previous;
  }
}

test("reproduce --paper dman: the paper's figures of each row under the metrics it names, Table 5's for the variants on Taobao", async () => {
  await withPaperTables(dmanPaperTables(mkdtempSync(join(tmpdir(), 'memrec-reproduce-dman-'))), () => {
    const [table] = TABLES.dman;
    assert.deepEqual(table.metrics, ['hr@10', 'hr@50', 'hr@100', 'ndcg@100']);
    assert.deepEqual(table.published('movielens', 'GRU4Rec*'), [17.69, 43.13, null, 16.9]);
    assert.deepEqual(table.published('taobao', 'SASRec'), [null, 20.47, 24.48, 9.84]);
    // Table 5's fractions in %: Recall@100 is HR@100 with one held-out item per user
    assert.deepEqual(table.published('taobao', 'DMAN-XL'), [null, null, 23.7, 9.4]);
    assert.deepEqual(table.published('taobao', 'DMAN-NRAN'), [null, null, 25.7, 10.4]);
    // DMAN's own Taobao figures are Table 3's, not Table 5's rounding of them
    assert.deepEqual(table.published('taobao', 'DMAN'), [null, 24.92, 29.37, 11.13]);
    assert.equal(table.published('movielens', 'DMAN-FIFO'), null);
    assert.equal(table.published('movielens', 'SHAN'), null);
  });
});

const SHARED_DMAN = join(paperTablesDir(), 'dman.yaml');

test('reproduce --paper dman: every row label is a row of the published tables (where ../shared/paper-tables is at hand)', { skip: !existsSync(SHARED_DMAN) && 'no ../shared/paper-tables/dman.yaml' }, () => {
  const paper = parse(readFileSync(SHARED_DMAN, 'utf8')) as { table3: { rows: Record<string, unknown> }; table5: { taobao: Record<string, unknown> } };
  for (const row of TABLES.dman[0].rows) {
    assert.ok(row.label in paper.table3.rows || row.label in paper.table5.taobao, row.label);
  }
});

test("reproduce --paper dman --quick, a few of its rows: a '*' row trains on the latest window, a row memrec lacks says so, a column without data says so", async () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-dman-'));
  // 100 users (--quick keeps a tenth) with 24 to 33 ratings each over 150 movies (more than the cut-off 100), a minute apart
  const data = join(root, 'data');
  mkdirSync(join(data, 'ml-1m'), { recursive: true });
  const lines: string[] = [];
  for (let u = 1; u <= 100; u++) for (let k = 0; k < 24 + (u % 10); k++) lines.push(`${u}::${1 + ((u * 7 + k * 3) % 150)}::4::${978300000 + 60 * k}`);
  writeFileSync(join(data, 'ml-1m', 'ratings.dat'), `${lines.join('\n')}\n`);
  // one trial per row is a process of its own: Caser* and SASRec (and DMAN once it is registered), not all thirteen;
  // SHAN stands for a row whose model memrec lacks
  const full = TABLES.dman[0];
  const rows = full.rows.filter((r) => ['Caser*', 'SASRec', 'SHAN', 'DMAN'].includes(r.label)).map((r) => (r.label === 'SHAN' ? { ...r, model: null } : r));
  const table: TableSpec = { ...full, rows };
  const tables = join(root, 'tables');
  mkdirSync(tables);
  const markdown = await withPaperTables(dmanPaperTables(root), async () => {
    const outcomes = await reproduceTable(table, { dataDir: data, out: join(root, 'runs'), seeds: [1], quick: true, jobs: 1 }, new Reporter(true));
    return writeReports(table, outcomes, tables, 'header').markdown;
  });
  const movielens = markdown.slice(markdown.indexOf('## movielens'));
  const ours = '(\\*\\*)?\\d+\\.\\d{3}(\\*\\*| ≈)?';
  assert.match(movielens, new RegExp(`\\| Caser\\* \\| ${ours} \\| – \\| – \\| ${ours} \\| – \\| – \\| ${ours} \\| – \\| – \\| ${ours} \\| – \\| – \\|`));
  assert.match(movielens, new RegExp(`\\| SASRec \\| ${ours} \\| 22\\.960 \\| [+-]\\d+\\.\\d% \\| ${ours} \\| 50\\.090 \\| [+-]\\d+\\.\\d% \\| ${ours} \\| – \\| – \\| ${ours} \\| 20\\.360 \\| [+-]\\d+\\.\\d% \\|`));
  assert.match(movielens, /\| SHAN \(model not in memrec\) \|/);
  assert.match(movielens, MODELS.dman ? new RegExp(`\\| DMAN \\| ${ours} \\| 25\\.180 \\|`) : /\| DMAN \(model not in memrec\) \| – \| 25\.180 \|/);
  assert.match(markdown, /\nNot run, no data: taobao \(taobao-userbehavior\/UserBehavior\.csv or 2 other names\); ml_100k \(movielens-100k\/u\.data or 2 other names\)\.\n$/);
  // Caser* learns from the last 20 of each user's 22 to 31 training items: 19 windows each, 10 users
  const trials = join(root, 'runs', 'dman', 'movielens-quick', 'caser-latest', 'trials');
  const [trial] = readdirSync(trials);
  const [run] = readdirSync(join(trials, trial)).filter((f) => existsSync(join(trials, trial, f, 'log.txt')));
  assert.match(readFileSync(join(trials, trial, run, 'log.txt'), 'utf8'), /training caser: 190 examples per epoch/);
});
