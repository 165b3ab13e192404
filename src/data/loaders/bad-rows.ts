import { RunError } from '../../util/errors';
import type { Reporter } from '../../util/reporter';

/** How many malformed lines are quoted in the report. */
const SHOWN = 5;

interface BadLine {
  readonly lineNumber: number;
  readonly reason: string;
}

/** The malformed lines of one file: every one counted, the first few kept with their reasons. */
export class BadRows {
  private total = 0;
  private readonly first: BadLine[] = [];
  private last: BadLine | null = null;

  constructor(private readonly file: string) {}

  add(lineNumber: number, reason: string): void {
    this.total += 1;
    this.last = { lineNumber, reason };
    if (this.first.length < SHOWN) this.first.push(this.last);
  }

  /**
   * `file:line: reason` of the first few; a bad final line is marked, since it usually means a truncated
   * file (it is listed even when it is not among the first few).
   */
  private examples(totalLines: number): string[] {
    const last = this.last;
    const shown = last && last.lineNumber === totalLines && !this.first.includes(last) ? [...this.first, last] : this.first;
    return shown.map(({ lineNumber, reason }) =>
      `${this.file}:${lineNumber}: ${reason}${lineNumber === totalLines ? ' (the last line: truncated file?)' : ''}`,
    );
  }

  /**
   * Reports the count and the examples, then fails (RunError, exit 1) when the share of malformed lines
   * is above maxShare.
   */
  check(totalLines: number, maxShare: number, reporter: Reporter): void {
    if (this.total === 0) return;
    const share = this.total / totalLines;
    const percent = `${share >= 0.1 ? (100 * share).toFixed(0) : (100 * share).toPrecision(2)}%`;
    const examples = this.examples(totalLines);
    reporter.info(`${this.file}: ${this.total} of ${totalLines} lines malformed (${percent}), not loaded:`);
    for (const example of examples) reporter.info(`  ${example}`);
    if (share > maxShare) {
      throw new RunError(
        `${this.file}: ${this.total} of ${totalLines} lines malformed (${percent}), above data.max_bad_share ${maxShare}; first: ${examples[0]}`,
      );
    }
  }
}
