import { ConfigError } from '../util/errors';

/**
 * Cut-offs must fit the catalogue: a list of N items from a catalogue of fewer than N is every item, and its
 * metrics (precision@5000 over 100 items) mean nothing. Known only once the data is loaded, so checked then.
 * `source` is where eval.cutoffs was given (a file and line, a --set flag, or "defaults").
 */
export function checkCutoffs(cutoffs: readonly number[], numItems: number, source: string): void {
  const tooLarge = cutoffs.filter((cutoff) => cutoff > numItems);
  if (tooLarge.length === 0) return;
  throw new ConfigError(
    `${source}: eval.cutoffs: ${tooLarge.join(', ')} ${tooLarge.length === 1 ? 'is' : 'are'} larger than the catalogue (${numItems} items); expected cut-offs <= ${numItems}`,
  );
}
