import { SingleBar } from 'cli-progress';
import type { Reporter } from './reporter';

/** How often a plain progress line is written when the output is not a terminal. */
const PLAIN_INTERVAL_MS = 5000;

/**
 * Progress of one long step with its throughput: a cli-progress bar on a terminal, otherwise a plain line
 * every few seconds (as in CI and in the run log), and always one closing line with the total rate.
 */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastLine = this.started;
  private readonly bar: SingleBar | null;

  constructor(
    private readonly reporter: Reporter,
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
  ) {
    const output = reporter.output as NodeJS.WriteStream;
    this.bar =
      !reporter.isQuiet && output.isTTY
        ? new SingleBar({
            stream: output,
            format: `${label} [{bar}] {value}/{total} ${unit} | {rate} ${unit}/s | eta {eta_formatted}{status}`,
            hideCursor: true,
            clearOnComplete: true,
          })
        : null;
    this.bar?.start(total, 0, { rate: '0', status: '' });
  }

  private rate(): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? this.done / seconds : 0;
  }

  /** Advances by n; `status` (e.g. "loss 0.4312") is shown beside the rate. */
  tick(n = 1, status = ''): void {
    this.done += n;
    const rate = this.rate();
    if (this.bar) {
      this.bar.update(this.done, { rate: formatRate(rate), status: status ? ` | ${status}` : '' });
      return;
    }
    const now = Date.now();
    if (now - this.lastLine >= PLAIN_INTERVAL_MS && this.done < this.total) {
      this.lastLine = now;
      const percent = ((100 * this.done) / Math.max(1, this.total)).toFixed(1);
      const eta = rate > 0 ? `, eta ${Math.ceil((this.total - this.done) / rate)} s` : '';
      this.reporter.info(
        `${this.label}: ${this.done}/${this.total} ${this.unit} (${percent}%), ${formatRate(rate)} ${this.unit}/s${eta}${status ? `, ${status}` : ''}`,
      );
    }
  }

  /** Closes the bar and, unless `silent`, reports the step's total time and throughput. Returns seconds. */
  finish(silent = false): number {
    this.bar?.stop();
    const seconds = (Date.now() - this.started) / 1000;
    if (!silent) {
      this.reporter.info(
        `${this.label}: ${this.done} ${this.unit} in ${seconds.toFixed(2)} s (${formatRate(this.rate())} ${this.unit}/s)`,
      );
    }
    return seconds;
  }
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toString() : rate.toFixed(1);
}
