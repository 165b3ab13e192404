import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { forEachLine, LineReadError, LineSplitter } from '../../src/util/lines';

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

test('lines: a UTF-8 byte order mark is dropped (plain, gzip, latin-1 decoding), and only at the start', async () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const text = Buffer.from('1\t2\n\ufeffx\n', 'utf8');
  assert.deepEqual(await linesOf('bom.txt', Buffer.concat([bom, text])), [['1\t2', 1], ['\ufeffx', 2]]);
  assert.deepEqual(await linesOf('bom.txt.gz', gzipSync(Buffer.concat([bom, text]))), [['1\t2', 1], ['\ufeffx', 2]]);
  assert.deepEqual(await linesOf('bom-latin1.txt', Buffer.concat([bom, Buffer.from('a|b\n')]), 'latin1'), [['a|b', 1]]);
  assert.deepEqual(await linesOf('bom-only.txt', bom), []);
});

test('lines: whether a newline ended each line is passed on; false only for a final line without one', async () => {
  const file = join(dir, 'terminated.txt');
  const seen: boolean[] = [];
  writeFileSync(file, 'a\nb\nc');
  await forEachLine(file, (_line, _n, terminated) => void seen.push(terminated));
  assert.deepEqual(seen, [true, true, false]);
  writeFileSync(file, 'a\nb\n');
  seen.length = 0;
  await forEachLine(file, (_line, _n, terminated) => void seen.push(terminated));
  assert.deepEqual(seen, [true, true]);
});

test('lines: a line spread over many chunks is searched once, not once per chunk (linear, not quadratic)', () => {
  // Every search for a newline goes through String.prototype.indexOf; the characters of the strings searched
  // add up to the work done. Gluing each chunk onto the text so far and searching it all again (as gunzip's
  // 16 KiB chunks did) searches 1,000 * 1,001 / 2 * 1,000 = 5e8 characters here; each chunk once is 1e6.
  const chunks = Array.from({ length: 1000 }, (_, k) => (k === 999 ? `${'z'.repeat(999)}\ntail` : 'z'.repeat(1000)));
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => void lines.push(line));
  const indexOf = String.prototype.indexOf;
  let searched = 0;
  String.prototype.indexOf = function (this: string, ...args: [string, number?]) {
    searched += this.length;
    return indexOf.apply(this, args);
  };
  try {
    for (const chunk of chunks) splitter.push(chunk);
  } finally {
    String.prototype.indexOf = indexOf;
  }
  assert.equal(splitter.finish(), 2);
  assert.deepEqual(lines, ['z'.repeat(999_999), 'tail']);
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  assert.ok(searched <= 2 * total, `${searched} characters searched for ${total} read`);
});
