import { Writable } from 'node:stream';
import { Reporter } from '../../src/util/reporter';

/** A Reporter whose messages are collected (one entry per non-empty line) instead of printed. */
export function capturingReporter(): { reporter: Reporter; messages: string[] } {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      messages.push(...String(chunk).split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { reporter: new Reporter(false, sink), messages };
}
