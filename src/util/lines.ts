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
 * numbers, without reading the whole file into one string; a UTF-8 byte order mark is dropped. `encoding` is
 * that of the text (MovieLens' movie lists are latin-1).
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
      yield { line: lineNumber === 1 && line.startsWith('\uFEFF') ? line.slice(1) : line, lineNumber };
    }
  } finally {
    // A caller that stops early must not leave gunzip running on the rest of the file.
    raw.destroy();
    input.destroy();
  }
}

/**
 * Calls `onLine` with every line of a text file (gzip when the name ends in .gz), its 1-based number and
 * whether a newline ended it (false only for a final line without one), and `onChunk` with the characters
 * of each chunk read, for progress. Lines are cut from each decoded chunk synchronously (LineSplitter):
 * about twice as fast as readline's async iteration, which costs a promise per line. A final newline does
 * not start another line. A read error (a truncated gzip, say) rejects with the number of lines read before
 * it; a gzip file that ends without one is complete (gunzip checks its length and CRC).
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, lineNumber: number, terminated: boolean) => void,
  onChunk: (characters: number) => void = () => undefined,
  encoding: BufferEncoding = 'utf8',
): Promise<number> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  input.setEncoding(encoding);
  let linesRead = 0;
  // an error thrown by onLine passes through as it is; only the stream's own errors become LineReadErrors
  let fromCallback: unknown = null;
  const splitter = new LineSplitter((line, lineNumber, terminated) => {
    try {
      onLine(line, lineNumber, terminated);
    } catch (err) {
      fromCallback = err;
      throw err;
    }
    linesRead = lineNumber;
  }, encoding);
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      splitter.push(chunk);
      onChunk(chunk.length);
    }
  } catch (err) {
    if (err === fromCallback) throw err;
    throw new LineReadError(linesRead, (err as Error).message);
  } finally {
    raw.destroy();
    input.destroy();
  }
  return splitter.finish();
}

/** The UTF-8 byte order mark as each encoding decodes it: dropped from the start of a file. */
const BOM: Partial<Record<BufferEncoding, string>> = { utf8: '\uFEFF', 'utf-8': '\uFEFF', latin1: '\u00EF\u00BB\u00BF' };

/**
 * Cuts decoded text, chunk by chunk, into lines. Each chunk is searched once, and the pieces of a line that
 * spans chunks are kept apart and joined once when its end arrives, so a line of n characters costs O(n)
 * whatever the chunk size (gunzip hands out 16 KiB chunks: gluing each onto the text so far and searching
 * all of it again was quadratic). "\r\n" ends a line like "\n"; a UTF-8 byte order mark at the start is
 * dropped.
 */
export class LineSplitter {
  private pieces: string[] = [];
  private atStart = true;
  private lineNumber = 0;

  /** `emit` gets each line, its 1-based number, and whether a newline ended it (false only for a final line). */
  constructor(
    private readonly emit: (line: string, lineNumber: number, terminated: boolean) => void,
    private readonly encoding: BufferEncoding = 'utf8',
  ) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.atStart && text !== '') {
      const bom = BOM[this.encoding];
      if (bom !== undefined && text.startsWith(bom)) text = text.slice(bom.length);
      this.atStart = false;
    }
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.pieces.push(text.slice(start, end));
      this.line(true);
      start = end + 1;
    }
    if (start < text.length) this.pieces.push(start === 0 ? text : text.slice(start));
  }

  /** Emits a final line that no newline ended; returns the number of lines. */
  finish(): number {
    if (this.pieces.length > 0) this.line(false);
    return this.lineNumber;
  }

  private line(terminated: boolean): void {
    const joined = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.pieces = [];
    this.emit(joined.endsWith('\r') ? joined.slice(0, -1) : joined, ++this.lineNumber, terminated);
  }
}

/** A file could not be read to its end; `linesRead` lines were delivered before. */
export class LineReadError extends Error {
  constructor(
    readonly linesRead: number,
    message: string,
  ) {
    super(message);
  }
}
