import seedrandom from 'seedrandom';

/**
 * Every random draw in memrec comes from one of these named streams, each derived from the config's `seed`.
 * The streams are independent: drawing more from `init` (say, a larger model) never moves the `split`.
 */
export const STREAM_NAMES = ['split', 'sampling', 'shuffle', 'init', 'dropout', 'synthetic', 'bootstrap'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** The whole state of a stream, to continue it later exactly where it stopped (a resumed run). */
export type RngState = object;

/** A uniform generator on [0, 1) with a few helpers, all driven by one seedrandom (alea) state. */
export class Rng {
  private readonly next: seedrandom.StatefulPRNG<seedrandom.State.Alea>;

  /** The stream of `seedKey`, or, with `state`, a stream continuing from a saved state. */
  constructor(seedKey: string, state?: RngState) {
    this.next = seedrandom.alea(seedKey, { state: (state as seedrandom.State.Alea | undefined) ?? true });
  }

  /** This stream's state now (a copy). */
  state(): RngState {
    return this.next.state();
  }

  /** Continues from a saved state. */
  static resume(state: RngState): Rng {
    return new Rng('', state);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A 32-bit unsigned integer, e.g. a seed for tf.random ops. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `values` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }
}

/**
 * The stream `name` for `seed`; `sub` derives further independent streams from it (one per split repeat,
 * say), so that `stream(seed, 'split', 'repeat-2')` differs from repeat 1 and from every other stream.
 */
export function stream(seed: number, name: StreamName, ...sub: (string | number)[]): Rng {
  return new Rng([`memrec`, seed, name, ...sub].join('/'));
}
