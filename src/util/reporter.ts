import { appendFileSync } from 'node:fs';
import { writeFailure } from './write-failure';

/** Appends to the log; a failure (a full disk) is a RunError naming the log file. */
function append(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch (err) {
    throw writeFailure(file, err);
  }
}

/**
 * Where a run's messages go: stderr (unless quiet) and, once the run folder exists, its log file.
 * Each log line is appended whole, so an interrupted run leaves a log that ends at a line boundary.
 */
export class Reporter {
  private logFile: string | null = null;
  private readonly lines: string[] = [];

  constructor(
    private readonly quiet = false,
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Starts copying every message to `file`, including those already reported. */
  attachLog(file: string): void {
    this.logFile = file;
    if (this.lines.length > 0) append(file, this.lines.map((line) => `${line}\n`).join(''));
  }

  info(message: string): void {
    if (!this.quiet) this.stream.write(`${message}\n`);
    this.record(message);
  }

  /** Written to the log only (progress lines, details). */
  detail(message: string): void {
    this.record(message);
  }

  private record(message: string): void {
    if (this.logFile) append(this.logFile, `${message}\n`);
    else this.lines.push(message);
  }

  get isQuiet(): boolean {
    return this.quiet;
  }

  get output(): NodeJS.WritableStream {
    return this.stream;
  }
}
