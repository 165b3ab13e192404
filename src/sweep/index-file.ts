import { closeSync, existsSync, fsyncSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFailure } from '../util/write-failure';

/** One line of OUT/index.jsonl: a finished trial, successful or failed. */
export interface TrialRecord {
  id: string;
  status: 'ok' | 'failed';
  /** grid key → value */
  point: Record<string, unknown>;
  /** the trial's --set overrides (the sweep's set, the grid point's values, seed=S) */
  overrides: string[];
  seed: number;
  /** the run folder, relative to the sweep's output folder (trials/<id>/<run-id>); null if none was completed */
  run_dir: string | null;
  /** metrics.json's means per part; null when the run has no such part (or failed) */
  valid: Record<string, number> | null;
  test: Record<string, number> | null;
  wall_seconds: number;
  finished_at: string;
  /** failed trials: the exit code (or signal) and the last line of stderr */
  exit_code?: number | string;
  error?: string;
}

export const indexFile = (out: string) => join(out, 'index.jsonl');

export interface IndexContents {
  /** per trial id: its last successful line if any, else its last failed line */
  records: Map<string, TrialRecord>;
  /** what was ignored or odd (a partial last line, unreadable lines, trials recorded twice) */
  problems: string[];
}

function isRecord(value: unknown): value is TrialRecord {
  const r = value as TrialRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && (r.status === 'ok' || r.status === 'failed');
}

/**
 * Reads the index. A last line without its newline is a write cut short by a crash: it is ignored and
 * reported, as is any line that is not a record. A trial with several successful lines keeps the last one.
 */
export function readIndex(out: string): IndexContents {
  const file = indexFile(out);
  const records = new Map<string, TrialRecord>();
  const problems: string[] = [];
  if (!existsSync(file)) return { records, problems };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const partial = lines.pop() as string;
  if (partial.trim() !== '') problems.push(`${file}:${lines.length + 1}: ignored a partial last line (a write cut short)`);
  const twice = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = null;
    }
    if (!isRecord(record)) {
      problems.push(`${file}:${i + 1}: ignored a line that is not a trial record`);
      return;
    }
    const previous = records.get(record.id);
    if (previous?.status === 'ok' && record.status === 'ok') twice.add(record.id);
    if (previous?.status === 'ok' && record.status === 'failed') return;
    records.set(record.id, record);
  });
  for (const id of twice) problems.push(`${file}: trial ${id} is recorded twice; the last line counts`);
  return { records, problems };
}

/**
 * Appends one record as one line, with a single write to a file opened for appending (O_APPEND), then
 * fsync: several processes may append at once and no line is ever interleaved with another or half
 * written by a live process. After a crash that cut a line short, the new line starts on a line of its own.
 * A write that fails (a full disk, an I/O error) is undone by truncating the file back to its length before
 * it, unless another process appended meanwhile (then the torn line is ignored and reported when read), and
 * is a RunError naming the file.
 */
export function appendRecord(out: string, record: TrialRecord): void {
  const file = indexFile(out);
  let fd: number;
  try {
    fd = openSync(file, 'a+');
  } catch (err) {
    throw writeFailure(file, err);
  }
  let size = 0;
  let written = 0;
  try {
    size = fstatSync(fd).size;
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    const bytes = Buffer.from(`${lead}${JSON.stringify(record)}\n`, 'utf8');
    written = writeSync(fd, bytes, 0, bytes.length);
    if (written !== bytes.length) throw Object.assign(new Error(`short write (${written} of ${bytes.length} bytes)`), { code: 'ENOSPC' });
    fsyncSync(fd);
  } catch (err) {
    try {
      if (fstatSync(fd).size === size + written) ftruncateSync(fd, size);
    } catch {
      // the file cannot even be truncated; readIndex ignores and reports a torn line
    }
    throw writeFailure(file, err);
  } finally {
    closeSync(fd);
  }
}
