import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isOneLineError, memrec } from '../helpers/cli';
import { firstExisting } from '../../src/reproduce/run';
import { TABLES } from '../../src/reproduce/tables';

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
  assert.match(markdown, /\| MP \(data not available \(amazon-2014\/ratings_Amazon_Instant_Video\.csv not in /);
  // the stand-in column has a figure for every model, in %, beside the paper's (0.5 for MP's F1@5 here)
  const section = markdown.slice(markdown.indexOf('## musical_instrument_5core'));
  for (const row of ['MP', 'BPR', 'FPMC', 'DREAM', 'RUM-I', 'RUM-F']) assert.match(section, new RegExp(`\\| ${row} \\| \\d+\\.\\d{3} \\| 1\\.000 \\| [+-]\\d+\\.\\d%`), row);
  assert.match(section, /\| 0\.500 \| [+-]\d+\.\d% \|/);
  const csv = readFileSync(join(root, 'tables', 'rum-table2.csv'), 'utf8').trim().split('\n');
  // header + 5 columns x 6 rows x 5 metrics
  assert.equal(csv.length, 1 + 5 * 6 * 5);
  assert.match(readFileSync(join(root, 'tables', 'rum-table2.html'), 'utf8'), /<svg[^>]*>.*f1@5: ours \(blue\), paper \(grey\)/);
  const column = join(root, 'runs', 'rum', 'musical_instrument_5core-quick');
  const trials = () => readdirSync(column).flatMap((model) => readdirSync(join(column, model, 'trials')).map((t) => `${model}/${t}`)).sort();
  const before = trials();
  assert.equal(before.length, 6);
  const second = memrec(args, env);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(trials(), before);
  assert.equal(readFileSync(join(root, 'tables', 'rum-table2.md'), 'utf8').replace(/, \d+\.\d min in this invocation/, ''), markdown.replace(/, \d+\.\d min in this invocation/, ''));
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

test('reproduce finds a raw file under the names users get it by', () => {
  const root = mkdtempSync(join(tmpdir(), 'memrec-reproduce-names-'));
  const column = (paper: string, key: string) => TABLES[paper].columns.find((c) => c.key === key)?.files ?? [];
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
