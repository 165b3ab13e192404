import { ConfigError } from '../../../util/errors';
import type { Interactions } from '../../interactions';
import { keepPositions } from '../select';
import { intArg, strsArg, type PreprocessStep } from '../step';

/** Keeps the interactions rated at least `min` (MovieLens half stars are stored doubled: see the loader). */
export const minRating: PreprocessStep = {
  name: 'min_rating',
  doc: 'keep the interactions rated at least min (e.g. MARS: rating 5 as positive)',
  params: { min: { type: 'int', doc: 'the smallest rating kept, in the stored scale', min: 0, max: 255 } },
  apply(data, args, { where }) {
    const ratings = data.ratings;
    if (!ratings) throw new ConfigError(`${where}: ${data.name} has no ratings`);
    const min = intArg(args, 'min');
    return keepPositions(data, Uint8Array.from(ratings, (r) => (r >= min ? 1 : 0)));
  },
};

/** Keeps the interactions of the named behaviour types (Taobao's buy, Ali Mobile's click, ...). */
export const keepBehaviors: PreprocessStep = {
  name: 'keep_behaviors',
  doc: 'keep the interactions whose behaviour type is one of types (comma-separated, e.g. types=buy,cart)',
  params: { types: { type: 'strings', doc: 'behaviour type names as the source writes them' } },
  apply(data, args, { where }) {
    const behaviors = data.behaviors;
    if (!behaviors) throw new ConfigError(`${where}: ${data.name} has no behaviour types`);
    const wanted = strsArg(args, 'types');
    const unknown = wanted.filter((name) => !data.behaviorNames.includes(name));
    if (unknown.length > 0) {
      throw new ConfigError(`${where}: no behaviour type ${unknown.join(', ')} in ${data.name}; it has ${data.behaviorNames.join(', ')}`);
    }
    const keepCode = Uint8Array.from(data.behaviorNames, (name) => (wanted.includes(name) ? 1 : 0));
    return keepPositions(data, Uint8Array.from(behaviors, (code) => keepCode[code]));
  },
};

/** Forgets ratings and behaviour types: every interaction is one implicit positive. */
export const implicit: PreprocessStep = {
  name: 'implicit',
  doc: 'treat every interaction as an implicit positive: ratings and behaviour types are dropped',
  params: {},
  apply: (data): Interactions => ({ ...data, ratings: null, behaviors: null, behaviorNames: [] }),
};
