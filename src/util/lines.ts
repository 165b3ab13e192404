import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from './errors';

/** Throws an InputError (exit 2) naming the file when it is missing or not a regular file. */
export function requireFile(file: string, what: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new InputError(`${file}: ${what} not found`);
  }
  if (!isFile) throw new InputError(`${file}: ${what} is not a file`);
}

/**
 * Streams the lines of a text file (gzip-compressed when the name ends in .gz) with their 1-based line
 * numbers, without reading the whole file into one string. `encoding` is that of the text (MovieLens'
 * movie lists are latin-1).
 */
export async function* readLines(
  file: string,
  encoding: BufferEncoding = 'utf8',
): AsyncGenerator<{ line: string; lineNumber: number }> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  input.setEncoding(encoding);
  const reader = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of reader) {
      lineNumber += 1;
      yield { line, lineNumber };
    }
  } finally {
    // A caller that stops early must not leave gunzip running on the rest of the file.
    raw.destroy();
    input.destroy();
  }
}
