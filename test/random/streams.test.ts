import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSynthetic, DEFAULT_SYNTHETIC_PARAMS } from '../../src/data/synthetic';
import { STREAM_NAMES, stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';

const draws = (rng: { uniform(): number }, n = 8) => Array.from({ length: n }, () => rng.uniform());

test('a stream is a pure function of seed, name and sub-names', () => {
  assert.deepEqual(draws(stream(5, 'split')), draws(stream(5, 'split')));
  assert.notDeepEqual(draws(stream(5, 'split')), draws(stream(6, 'split')));
  assert.notDeepEqual(draws(stream(5, 'split', 'repeat-0')), draws(stream(5, 'split', 'repeat-1')));
  const firsts = new Set(STREAM_NAMES.map((name) => draws(stream(5, name), 1)[0]));
  assert.equal(firsts.size, STREAM_NAMES.length, 'every named stream starts differently');
});

test('the split depends on the seed and split keys only: model, eval and init draws do not move it', () => {
  const data = generateSynthetic({ ...DEFAULT_SYNTHETIC_PARAMS, numUsers: 60 }, stream(3, 'synthetic'));
  const splitOf = (sets: string[]) => {
    const config = loadConfig(null, ['split.method=ratio_random', 'split.valid_ratio=0.1', ...sets]);
    return prepareExperiment(data, config, 0).split;
  };
  const base = splitOf([]);
  // Draw from the init and sampling streams in between, as a model's initialisation would.
  draws(stream(42, 'init'), 1000);
  draws(stream(42, 'sampling'), 1000);
  const other = splitOf(['model.name=ppop', 'eval.candidates=sampled', 'eval.cutoffs=[3]']);
  assert.deepEqual(other, base);
  assert.notDeepEqual(splitOf(['seed=43']).order, base.order);
});
