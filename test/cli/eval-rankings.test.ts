import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, memrec, memrecInProcess } from '../helpers/cli';
import { SMALL_EXPECTED, SMALL_QRELS, SMALL_RUN } from '../fixtures/trec/small';

const TMP = mkdtempSync(join(tmpdir(), 'memrec-eval-rankings-'));
const GOOD_RUN = write('good.trec', 'u1 Q0 a 1 1.0 t\n');
const GOOD_QRELS = write('good.qrels', 'u1 0 a 1\n');

function write(name: string, text: string): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}

function evalRankings(run: string, qrels: string, metrics: string, ...flags: string[]) {
  return memrec(['eval', '--rankings', run, '--truth', qrels, '--metrics', metrics, ...flags]);
}

test('--json prints the mean of every metric at two cut-offs, as worked by hand', () => {
  const result = evalRankings(SMALL_RUN, SMALL_QRELS, Object.keys(SMALL_EXPECTED).join(','), '--json');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const means = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(means), Object.keys(SMALL_EXPECTED));
  for (const [key, expected] of Object.entries(SMALL_EXPECTED)) {
    assert.ok(Math.abs(means[key] - expected) < 1e-12, `${key}: ${means[key]} != ${expected}`);
  }
});

test('metric names are printed as the user spelled them; aliases score like their metric', () => {
  const result = evalRankings(SMALL_RUN, SMALL_QRELS, 'P@3, HIT@5,ndcg@5', '--json');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    'P@3': SMALL_EXPECTED['precision@3'],
    'HIT@5': SMALL_EXPECTED['hr@5'],
    'ndcg@5': SMALL_EXPECTED['ndcg@5'],
  });
});

test('without --json: the number of truth users, then one line per metric', () => {
  const result = evalRankings(SMALL_RUN, SMALL_QRELS, 'hr@3,mrr@5');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `4 users in ${SMALL_QRELS}\nhr@3   0.500000\nmrr@5  0.333333\n`);
});

test('each malformed line: exit 2, one line on stderr naming file:line, no stack trace', async () => {
  const cases: Array<[string, 'run' | 'qrels', string, number]> = [
    ['run has 5 fields', 'run', 'u1 Q0 a 1 1.0 t\nu1 Q0 b 2 0.5\n', 2],
    ['run has 7 fields', 'run', 'u1 Q0 a 1 1.0 t x\n', 1],
    ['score is not a number', 'run', 'u1 Q0 a 1 1.0 t\n\nu1 Q0 b 2 high t\n', 3],
    ['score is hexadecimal', 'run', 'u1 Q0 a 1 0x1 t\n', 1],
    ['score is NaN, for a user not in the truth', 'run', 'u1 Q0 a 1 1.0 t\nu9 Q0 a 1 NaN t\n', 2],
    ['item ranked twice for a user', 'run', 'u1 Q0 a 1 1.0 t\nu2 Q0 a 1 1.0 t\nu1 Q0 a 2 0.5 t\n', 3],
    ['qrels has 3 fields', 'qrels', 'u1 0 a 1\nu1 0 b\n', 2],
    ['relevance is not a number', 'qrels', 'u1 0 a yes\n', 1],
    ['item judged twice for a user', 'qrels', 'u1 0 a 1\nu1 0 a 1\n', 2],
  ];
  cases.forEach(([what, kind, text, line], i) => {
    const bad = write(`bad-${i}.${kind === 'run' ? 'trec' : 'qrels'}`, text);
    const result = kind === 'run' ? evalRankings(bad, GOOD_QRELS, 'ndcg@10', '--json') : evalRankings(GOOD_RUN, bad, 'ndcg@10', '--json');
    assert.ok(isOneLineError(result, 2), `${what}: status ${result.status}, stderr ${result.stderr}`);
    assert.ok(result.stderr.includes(`${bad}:${line}:`), `${what}: ${result.stderr}`);
    assert.equal(result.stdout, '', what);
  });
});

test('a missing, empty or unreadable file: exit 2, one line naming the file', async () => {
  const missing = join(TMP, 'missing.trec');
  const empty = write('empty.qrels', '');
  const corrupt = write('corrupt.trec.gz', 'not gzip\n');
  for (const [file, args] of [
    [missing, [missing, GOOD_QRELS]],
    [join(TMP, 'missing.qrels'), [GOOD_RUN, join(TMP, 'missing.qrels')]],
    [empty, [GOOD_RUN, empty]],
    [corrupt, [corrupt, GOOD_QRELS]],
  ] as const) {
    const result = evalRankings(args[0], args[1], 'hr@10', '--json');
    assert.ok(isOneLineError(result, 2), `${file}: status ${result.status}, stderr ${result.stderr}`);
    assert.ok(result.stderr.includes(file), result.stderr);
  }
});

test('usage mistakes on the --rankings path: exit 2, one line', async () => {
  for (const args of [
    ['eval', '--rankings', GOOD_RUN, '--metrics', 'hr@10'],
    ['eval', '--rankings', GOOD_RUN, '--truth', GOOD_QRELS],
    ['eval', '--rankings', GOOD_RUN, '--truth', GOOD_QRELS, '--metrics', 'ndcg@0'],
    ['eval', '--rankings', GOOD_RUN, '--truth', GOOD_QRELS, '--metrics', 'auc@10'],
    ['eval', '--rankings', GOOD_RUN, '--truth', GOOD_QRELS, '--metrics', ' , '],
  ]) {
    const result = await memrecInProcess(args);
    assert.ok(isOneLineError(result, 2), `${args.join(' ')}: status ${result.status}, stderr ${result.stderr}`);
  }
});
