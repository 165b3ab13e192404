import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { forEachLine, LineReadError } from '../../src/util/lines';

const dir = mkdtempSync(join(tmpdir(), 'memrec-lines-'));

async function linesOf(name: string, bytes: Buffer | string, encoding: BufferEncoding = 'utf8'): Promise<[string, number][]> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const seen: [string, number][] = [];
  const count = await forEachLine(file, (line, n) => void seen.push([line, n]), undefined, encoding);
  assert.equal(count, seen.length);
  return seen;
}

test('lines: a final newline ends the last line, a missing one still counts it, CRLF and blank lines', async () => {
  assert.deepEqual(await linesOf('a.txt', 'x\ny\n'), [['x', 1], ['y', 2]]);
  assert.deepEqual(await linesOf('b.txt', 'x\ny'), [['x', 1], ['y', 2]]);
  assert.deepEqual(await linesOf('c.txt', 'x\r\n\r\ny\r\n'), [['x', 1], ['', 2], ['y', 3]]);
  assert.deepEqual(await linesOf('d.txt', ''), []);
});

test('lines: gzip is read through, latin-1 decoded, and a line longer than a read chunk stays whole', async () => {
  const long = 'z'.repeat(3 << 20);
  assert.deepEqual(await linesOf('e.txt.gz', gzipSync(`a\n${long}\nb`)), [['a', 1], [long, 2], ['b', 3]]);
  assert.deepEqual(await linesOf('f.txt', Buffer.from([0x4d, 0x69, 0x73, 0xe9, 0x72, 0x61, 0x62, 0x6c, 0x65, 0x73]), 'latin1'), [['Misérables', 1]]);
});

test('lines: a truncated gzip is a LineReadError with the lines delivered before it; a callback error passes through', async () => {
  const whole = gzipSync(Array.from({ length: 20000 }, (_, k) => `line ${k}`).join('\n'));
  const file = join(dir, 'g.txt.gz');
  writeFileSync(file, whole.subarray(0, whole.length - 30));
  await assert.rejects(forEachLine(file, () => undefined), (err: unknown) => err instanceof LineReadError && err.linesRead > 0);
  const plain = join(dir, 'h.txt');
  writeFileSync(plain, 'a\nb\n');
  const mine = new Error('mine');
  await assert.rejects(forEachLine(plain, () => { throw mine; }), (err: unknown) => err === mine);
});
