import type { ModelEntry } from './model';
import { mostpopEntry } from './baselines/mostpop';
import { ppopEntry } from './baselines/ppop';
import { bprEntry } from './baselines/bpr';
import { fpmcEntry } from './baselines/fpmc';
import { gru4recEntry } from './baselines/gru4rec';
import { sasrecEntry } from './baselines/sasrec';
import { caserEntry } from './baselines/caser';
import { dreamEntry } from './baselines/dream';
import { rumFeatureEntry, rumItemEntry } from './memory/rum';

/** Every model memrec can train, by config name. A new model adds its file and one line here. */
export const MODELS: Readonly<Record<string, ModelEntry>> = Object.fromEntries(
  [mostpopEntry, ppopEntry, bprEntry, fpmcEntry, gru4recEntry, sasrecEntry, caserEntry, dreamEntry, rumItemEntry, rumFeatureEntry].map((entry) => [entry.name, entry]),
);
