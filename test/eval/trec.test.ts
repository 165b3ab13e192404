import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compareCodePoints, evaluateTrec, orderRanking } from '../../src/eval/trec';
import { parseMetricAt, type MetricAt } from '../../src/eval/metrics';
import { InputError } from '../../src/util/errors';
import { SMALL_EXPECTED, SMALL_QRELS, SMALL_RUN, SMALL_USERS } from '../fixtures/trec/small';

const TMP = mkdtempSync(join(tmpdir(), 'memrec-trec-'));
const ALL = Object.keys(SMALL_EXPECTED).map((key) => parseMetricAt(key) as MetricAt);

function write(name: string, text: string | Buffer): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}

test('every metric at N = 3 and N = 5 on the hand-scored fixture', async () => {
  const result = await evaluateTrec(SMALL_RUN, SMALL_QRELS, ALL);
  assert.deepEqual(result.users, SMALL_USERS);
  for (const [key, expected] of Object.entries(SMALL_EXPECTED)) {
    assert.ok(Math.abs(result.means[key] - expected) < 1e-12, `${key}: ${result.means[key]} != ${expected}`);
    // u3 (no ranking) and u4 (nothing relevant) score 0 and still count in the mean
    assert.equal(result.perUser[key][2], 0, `${key} of u3`);
    assert.equal(result.perUser[key][3], 0, `${key} of u4`);
  }
});

test('a ranking is ordered by score (full float precision), then item id descending', () => {
  const ordered = orderRanking([
    { item: 'x', score: 0.3 },
    { item: 'c', score: 0.5 },
    { item: 'b', score: 0.9 },
    { item: 'd', score: 0.5 },
    { item: 'a', score: 0.1 + 0.2 },
    { item: 'z', score: -0 },
    { item: 'y', score: 0 },
  ]);
  // 0.1 + 0.2 > 0.3 puts a before x (a tie would put x first); -0 and 0 tie
  assert.deepEqual(ordered.map((e) => e.item), ['b', 'd', 'c', 'a', 'x', 'z', 'y']);
});

test('ties compare item ids by code point (UTF-8 byte order), not by UTF-16 unit', () => {
  const ids = ['a', 'b', 'ab', '\u{ff21}', '\u{1f600}', '\u{e000}', '\u{10ffff}', 'é', ''];
  const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...ids].sort(compareCodePoints), byBytes);
  const tied = orderRanking([{ item: '\u{ff21}', score: 1 }, { item: '\u{1f600}', score: 1 }]);
  assert.deepEqual(tied.map((e) => e.item), ['\u{1f600}', '\u{ff21}']);
});

test('gzip-compressed files are read like plain ones', async () => {
  const run = write('small.trec.gz', gzipSync(readFileSync(SMALL_RUN)));
  const qrels = write('small.qrels.gz', gzipSync(readFileSync(SMALL_QRELS)));
  const result = await evaluateTrec(run, qrels, ALL);
  assert.equal(result.means['ndcg@5'], (await evaluateTrec(SMALL_RUN, SMALL_QRELS, ALL)).means['ndcg@5']);
});

test('malformed input is an InputError naming file:line', async () => {
  const qrels = write('ok.qrels', 'u1 0 a 1\n');
  const run = write('ok.trec', 'u1 Q0 a 1 1 t\n');
  const cases: Array<[string, string, string, RegExp]> = [
    ['run', 'fields.trec', 'u1 Q0 a 1 1 t\n\nu1 Q0 b 2 0.5\n', /fields\.trec:3: expected 6 fields/],
    ['run', 'score.trec', 'u1 Q0 a 1 high t\n', /score\.trec:1: score "high"/],
    ['run', 'hex.trec', 'u1 Q0 a 1 0x10 t\n', /hex\.trec:1: score "0x10"/],
    ['run', 'inf.trec', 'u1 Q0 a 1 Infinity t\n', /inf\.trec:1: score "Infinity"/],
    ['run', 'dup.trec', 'u1 Q0 a 1 1 t\nu1 Q0 b 2 1 t\nu1 Q0 a 3 0 t\n', /dup\.trec:3: item a ranked twice for user u1/],
    ['run', 'extra.trec', 'u1 Q0 a 1 1 t\nu9 Q0 a 1 NaN t\n', /extra\.trec:2: score "NaN"/],
    ['qrels', 'fields.qrels', 'u1 0 a\n', /fields\.qrels:1: expected 4 fields/],
    ['qrels', 'rel.qrels', 'u1 0 a 1\nu1 0 b yes\n', /rel\.qrels:2: relevance "yes"/],
    ['qrels', 'dup.qrels', 'u1 0 a 1\nu1 0 a 0\n', /dup\.qrels:2: item a listed twice for user u1/],
    ['qrels', 'empty.qrels', '\n', /empty\.qrels: truth \(qrels\) file has no lines/],
    ['qrels', 'bad.qrels.gz', 'not gzip', /bad\.qrels\.gz: cannot read/],
  ];
  for (const [kind, name, text, message] of cases) {
    const file = write(name, text);
    const [runFile, qrelsFile] = kind === 'run' ? [file, qrels] : [run, file];
    await assert.rejects(evaluateTrec(runFile, qrelsFile, ALL), (err: unknown) => {
      assert.ok(err instanceof InputError, `${name}: ${String(err)}`);
      assert.match(err.message, message);
      return true;
    });
  }
  await assert.rejects(evaluateTrec(join(TMP, 'missing.trec'), qrels, ALL), /missing\.trec: rankings \(run\) file not found/);
});
