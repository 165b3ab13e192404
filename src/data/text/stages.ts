import type { ResolvedConfig } from '../../config/resolved';
import { RunError } from '../../util/errors';
import { datasetStats, type Interactions } from '../interactions';
import type { StepStats } from '../preprocess/registry';
import { keepPositions } from '../preprocess/select';
import { textSourceOf } from './text-source';

/** The data without the items whose document is empty, and without their interactions. */
export function dropItemsWithoutWords(data: Interactions): Interactions {
  const keep = new Uint8Array(data.items.length);
  for (let p = 0; p < data.items.length; p++) {
    const item = data.items[p];
    keep[p] = data.itemTokenOffsets[item + 1] > data.itemTokenOffsets[item] ? 1 : 0;
  }
  return keepPositions(data, keep);
}

/**
 * The documents with only the words that occur in at least `minCount` items' documents (document
 * frequency: a word counts once per item however often the item repeats it), each cut to its first
 * `maxLength` remaining words. Words are re-indexed densely in their old order, so the vocabulary is
 * exactly the words kept.
 */
export function cutDocuments(data: Interactions, minCount: number, maxLength: number): Interactions {
  const { numItems, numTokens, itemTokenOffsets: offsets, itemTokens: tokens } = data;
  const documentsWith = new Int32Array(numTokens);
  const lastItem = new Int32Array(numTokens).fill(-1);
  for (let i = 0; i < numItems; i++) {
    for (let t = offsets[i]; t < offsets[i + 1]; t++) {
      if (lastItem[tokens[t]] === i) continue;
      lastItem[tokens[t]] = i;
      documentsWith[tokens[t]] += 1;
    }
  }
  const newIndex = new Int32Array(numTokens).fill(-1);
  let kept = 0;
  for (let w = 0; w < numTokens; w++) if (documentsWith[w] >= minCount) newIndex[w] = kept++;
  const itemTokenOffsets = new Int32Array(numItems + 1);
  const itemTokens: number[] = [];
  for (let i = 0; i < numItems; i++) {
    let length = 0;
    for (let t = offsets[i]; t < offsets[i + 1] && length < maxLength; t++) {
      if (newIndex[tokens[t]] < 0) continue;
      itemTokens.push(newIndex[tokens[t]]);
      length += 1;
    }
    itemTokenOffsets[i + 1] = itemTokens.length;
  }
  const tokenWords = data.tokenWords && data.tokenWords.filter((_, w) => newIndex[w] >= 0);
  return { ...data, itemTokenOffsets, itemTokens: Int32Array.from(itemTokens), numTokens: kept, ...(tokenWords && { tokenWords }) };
}

type Preprocess = (data: Interactions) => { data: Interactions; log: StepStats[] };

/**
 * data.text's stages around the preprocessing steps, each a row of the statistics log. With
 * data.text.missing drop, items without words go first, before data.preprocess, as the paper removes items
 * without a description before filtering users; the rare-word cut and the truncation come last, so words are
 * counted over the documents of the items that remain. With data.text.source none: the steps alone.
 */
export function withTextStages(loaded: Interactions, config: ResolvedConfig, preprocess: Preprocess): { data: Interactions; log: StepStats[] } {
  if (textSourceOf(config) === 'none') return preprocess(loaded);
  const rows: StepStats[] = [{ step: 'as loaded', stats: datasetStats(loaded) }];
  let first = loaded;
  if (config.str('data.text.missing') === 'drop') {
    first = dropItemsWithoutWords(loaded);
    if (first.items.length === 0) {
      throw new RunError(`data.text.missing drop: none of the ${loaded.numItems} items has words from data.text.source ${config.str('data.text.source')}; check that the text's item ids are the interactions' ids`);
    }
    rows.push({ step: 'items with words (data.text.missing drop)', stats: datasetStats(first) });
  }
  const { data, log } = preprocess(first);
  const minCount = config.int('data.text.min_count');
  const maxLength = config.int('data.text.max_length');
  const cut = cutDocuments(data, minCount, maxLength);
  rows.push(...log.slice(1), { step: `words in >= ${minCount} items, first ${maxLength} kept (data.text)`, stats: datasetStats(cut) });
  return { data: cut, log: rows };
}
