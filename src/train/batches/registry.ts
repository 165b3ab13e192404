import type { BatchKindEntry } from './batch';
import { likedSetsKind } from './liked-sets';
import { pairsKind } from './pairs';
import { prefixesKind } from './prefixes';
import { sequencesKind } from './sequences';
import { transitionsKind } from './transitions';
import { userStreamKind } from './user-stream';
import { windowsKind } from './windows';

/** Every batch kind a model can train on, by name. A new kind adds its file and one line here. */
export const BATCH_KINDS: Readonly<Record<string, BatchKindEntry>> = Object.fromEntries(
  [pairsKind, transitionsKind, windowsKind, sequencesKind, prefixesKind, userStreamKind, likedSetsKind].map((entry) => [entry.name, entry]),
);
