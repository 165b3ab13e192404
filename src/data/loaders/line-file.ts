import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ResolvedConfig } from '../../config/resolved';
import { num, type Schema } from '../../config/spec';
import { ConfigError, InputError } from '../../util/errors';
import { forEachLine, LineReadError, requireFile } from '../../util/lines';
import { Progress } from '../../util/progress';
import type { Reporter } from '../../util/reporter';
import { BadRows, checkBadRows, type FileRead } from './bad-rows';

/** Keys directly under `data.` that every file source declares. */
export const FILE_SOURCE_DATA_KEYS: Schema = {
  max_bad_share: num(0.01, 'the load fails (exit 1) when more than this share of the file\'s lines is malformed; malformed lines are always counted and reported', { min: 0, max: 1 }),
};

/** The file that `data.<source>.path` names: a ConfigError when unset, an InputError naming the key when missing. */
export function sourceFile(config: ResolvedConfig, source: string): string {
  const key = `data.${source}.path`;
  const file = config.str(key);
  if (file === '') throw new ConfigError(`${config.source}: ${key}: required with data.source ${source} (give --path FILE, or --set ${key}=FILE)`);
  requireFile(file, `data file (${key})`);
  return file;
}

/** A dataset name from a file name: `Video.txt` and `Video.txt.gz` give `Video`. */
export function datasetName(file: string): string {
  return basename(file).replace(/\.gz$/, '').replace(/\.[^.]*$/, '');
}

/** Bytes of text in a file, for progress: its size, or for gzip the trailer's uncompressed size (mod 4 GiB). */
function textBytes(file: string): number {
  const size = statSync(file).size;
  if (!file.endsWith('.gz') || size < 4) return size;
  const trailer = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, trailer, 0, 4, size - 4);
  } finally {
    closeSync(fd);
  }
  return trailer.readUInt32LE(0);
}

/**
 * Takes one line: returns why it is malformed (nothing of the line may have been taken then), or null when
 * it was taken or deliberately skipped.
 */
export type LineParser = (line: string, lineNumber: number) => string | null;

const PROGRESS_STEP_BYTES = 1 << 18;

/** Why a final line without a newline is not loaded: a plain file cut at a byte boundary still parses. */
export const UNTERMINATED = 'no newline at the end of the file';

/**
 * Streams every line of `file` (gzip when it ends in .gz; text in `encoding`) through `parse`, with progress
 * and throughput, and adds what it found to `reads`. Malformed lines are counted and reported; the load
 * fails with a RunError when their share is above data.max_bad_share. A final line without a newline is
 * malformed in a plain file (a file cut short may end in a line that still parses: a timestamp cut to its
 * first digits); a gzip file that reads to its end is complete, and one that does not is an InputError.
 */
export async function parseLines(
  file: string,
  parse: LineParser,
  config: ResolvedConfig,
  reporter: Reporter,
  reads: FileRead[],
  encoding: BufferEncoding = 'utf8',
): Promise<void> {
  const gzip = file.endsWith('.gz');
  const progress = new Progress(reporter, `reading ${basename(file)}`, textBytes(file), 'bytes');
  const bad = new BadRows();
  let lineNumber = 0;
  let pendingBytes = 0;
  const take = (line: string, number: number, terminated: boolean) => {
    const reason = terminated || gzip ? parse(line, number) : UNTERMINATED;
    if (reason !== null) bad.add(number, reason);
  };
  try {
    lineNumber = await forEachLine(file, take, (characters) => {
      pendingBytes += characters;
      if (pendingBytes < PROGRESS_STEP_BYTES) return;
      progress.tick(pendingBytes);
      pendingBytes = 0;
    }, encoding);
  } catch (err) {
    if (!(err instanceof LineReadError)) throw err;
    throw new InputError(`${file}:${err.linesRead + 1}: cannot read (${err.message})${gzip ? ': an incomplete (truncated) gzip file?' : ''}`);
  }
  progress.tick(pendingBytes);
  const seconds = progress.finish(true);
  if (lineNumber === 0) throw new InputError(`${file}: the file is empty`);
  const rate = seconds > 0 ? `, ${Math.round(lineNumber / seconds)} lines/s` : '';
  reporter.info(`read ${file}: ${lineNumber} lines in ${seconds.toFixed(2)} s${rate}`);
  const read = bad.read(file, lineNumber);
  reads.push(read);
  checkBadRows(read, config.num('data.max_bad_share'), reporter);
}
