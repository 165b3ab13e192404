import { RunError } from '../../util/errors';
import type { Reporter } from '../../util/reporter';

/** How many malformed lines are quoted in the report. */
const SHOWN = 5;

export interface BadLine {
  readonly lineNumber: number;
  readonly reason: string;
}

/**
 * What reading one file found: its lines, how many were malformed, and the malformed lines quoted in the
 * report (the first few, and a bad final line, which usually means a truncated file). Kept in the data
 * cache, so that a warm run reports and checks the same as the run that read the file.
 */
export interface FileRead {
  readonly file: string;
  readonly lines: number;
  readonly malformed: number;
  readonly examples: readonly BadLine[];
}

/** The malformed lines of one file as they are read: every one counted, the first few kept with their reasons. */
export class BadRows {
  private total = 0;
  private readonly first: BadLine[] = [];
  private last: BadLine | null = null;

  add(lineNumber: number, reason: string): void {
    this.total += 1;
    this.last = { lineNumber, reason };
    if (this.first.length < SHOWN) this.first.push(this.last);
  }

  /** The summary of `file` once all its `lines` are read. */
  read(file: string, lines: number): FileRead {
    const last = this.last;
    const examples = last && last.lineNumber === lines && !this.first.includes(last) ? [...this.first, last] : this.first;
    return { file, lines, malformed: this.total, examples };
  }
}

/**
 * Reports the count of malformed lines and the examples as `file:line: reason`, then fails (RunError,
 * exit 1) when their share is above maxShare.
 */
export function checkBadRows(read: FileRead, maxShare: number, reporter: Reporter): void {
  const { file, lines, malformed } = read;
  if (malformed === 0) return;
  const share = malformed / lines;
  const percent = `${share >= 0.1 ? (100 * share).toFixed(0) : (100 * share).toPrecision(2)}%`;
  const examples = read.examples.map(({ lineNumber, reason }) =>
    `${file}:${lineNumber}: ${reason}${lineNumber === lines ? ' (the last line: truncated file?)' : ''}`,
  );
  reporter.info(`${file}: ${malformed} of ${lines} lines malformed (${percent}), not loaded:`);
  for (const example of examples) reporter.info(`  ${example}`);
  if (share > maxShare) {
    throw new RunError(`${file}: ${malformed} of ${lines} lines malformed (${percent}), above data.max_bad_share ${maxShare}; first: ${examples[0]}`);
  }
}
