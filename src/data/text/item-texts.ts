import type { Reporter } from '../../util/reporter';
import type { Interactions } from '../interactions';
import { words } from './words';

/**
 * A copy of a string that owns its characters: V8 keeps a substring of 13+ characters as a slice of the
 * string it came from, and a title or a word would otherwise keep its whole line (or text) alive.
 */
const own = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

/**
 * Item documents as a source reads them, keyed by raw item id: each item's words (as indices into `words`,
 * in reading order, stop words already left out when asked) and its display title. An item given several
 * texts (its title and description, or every review of it) gets them appended in the order they come.
 */
export class ItemTexts {
  /** every word read, by index */
  readonly words: string[] = [];
  private readonly wordIndex = new Map<string, number>();
  private readonly documents = new Map<string, number[]>();
  private readonly titles = new Map<string, string>();

  constructor(private readonly dropStopWords: boolean) {}

  /** Appends `text`'s words to the item's document; a blank text is no text. */
  add(item: string, text: string): void {
    if (text.trim() === '') return;
    let document = this.documents.get(item);
    if (document === undefined) {
      document = [];
      this.documents.set(own(item), document);
    }
    for (const word of words(text, this.dropStopWords)) {
      let index = this.wordIndex.get(word);
      if (index === undefined) {
        index = this.words.length;
        const copy = own(word);
        this.wordIndex.set(copy, index);
        this.words.push(copy);
      }
      document.push(index);
    }
  }

  /** The item's title, for display (the last call wins); blank titles are ignored. */
  setTitle(item: string, title: string): void {
    const trimmed = title.trim();
    if (trimmed !== '') this.titles.set(own(item), own(trimmed));
  }

  /** The item's words, or undefined when no text of it was read. */
  document(item: string): readonly number[] | undefined {
    return this.documents.get(item);
  }

  title(item: string): string | undefined {
    return this.titles.get(item);
  }

  get documentCount(): number {
    return this.documents.size;
  }

  get titleCount(): number {
    return this.titles.size;
  }
}

/**
 * The data with each item's document as its tokens (the token CSR, words re-indexed in order of first use
 * over the items, so the vocabulary holds only words of the data's items) and, when the source gave titles,
 * each item's title ('' for none). Items without words (no text read, or only stop words) get an empty
 * document; their count is reported here, and data.text.missing decides later whether they stay.
 */
export function attachTexts(data: Interactions, texts: ItemTexts, what: string, reporter: Reporter): Interactions {
  const newIndex = new Int32Array(texts.words.length).fill(-1);
  const tokenWords: string[] = [];
  const itemTokenOffsets = new Int32Array(data.numItems + 1);
  const tokens: number[] = [];
  let withoutWords = 0;
  let found = 0;
  for (let i = 0; i < data.numItems; i++) {
    const document = texts.document(data.itemIds[i]);
    if (document !== undefined) found += 1;
    if (document === undefined || document.length === 0) withoutWords += 1;
    for (const word of document ?? []) {
      if (newIndex[word] < 0) {
        newIndex[word] = tokenWords.length;
        tokenWords.push(texts.words[word]);
      }
      tokens.push(newIndex[word]);
    }
    itemTokenOffsets[i + 1] = tokens.length;
  }
  reporter.info(
    `text from ${what}: ${data.numItems - withoutWords} of ${data.numItems} items have words, ${withoutWords} have none ` +
      `(${data.numItems - found} no text, ${found - (data.numItems - withoutWords)} only stop words or no letters); ` +
      `${texts.documentCount - found} items with text are not in the interactions`,
  );
  const titled = texts.titleCount > 0 ? data.itemIds.map((id) => texts.title(id) ?? '') : undefined;
  return {
    ...data,
    itemTokenOffsets,
    itemTokens: Int32Array.from(tokens),
    numTokens: tokenWords.length,
    tokenWords,
    ...(titled === undefined ? {} : { itemTitles: titled }),
  };
}
