import { STOP_WORDS } from './stop-words';

/**
 * A word: a run of letters, digits and combining marks in any script, with inner apostrophes kept
 * (`children's`, `don't`), so non-ASCII text (`cité`, `東京`) survives whole.
 */
const WORD = /[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;
/** Typographic apostrophes, read as `'`. */
const APOSTROPHES = /[\u2019\u02bc\uff07]/g;

/**
 * The words of a text in order: NFC-normalised (a letter and its combining accent become one letter, as the
 * precomposed spelling is), lower case, split into words as WORD reads them, and without the stop words when
 * `dropStopWords`.
 */
export function words(text: string, dropStopWords: boolean): string[] {
  const found = text.normalize('NFC').replace(APOSTROPHES, "'").toLowerCase().match(WORD) ?? [];
  return dropStopWords ? found.filter((word) => !STOP_WORDS.has(word)) : found;
}
