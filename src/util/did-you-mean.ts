/** Levenshtein distance, for "did you mean ...?" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Int32Array(b.length + 1);
  const cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev.set(cur);
  }
  return prev[b.length];
}

const sameLetters = (a: string, b: string) => [...a].sort().join('') === [...b].sort().join('');

/**
 * The closest candidate within a distance that scales with the word's length, or undefined. A word of three
 * letters or fewer with one letter replaced is more likely another word than a typo (gpu is not cpu), so
 * short words are only matched with a letter added, dropped or swapped.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    if (word.length <= 3 && candidate.length === word.length && !sameLetters(word.toLowerCase(), candidate.toLowerCase())) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** " (did you mean X?)" or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
}
