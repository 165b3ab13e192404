import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { personalIntervals } from '../../src/models/layers/interval-attention';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { useCpu } from '../helpers/backend';
import { assertClose, SEQUENCE_DATA } from '../helpers/model-fixtures';
import { scoreAll } from '../helpers/tiny-models';

/**
 * TiSASRec's own parts: the personalised, clipped intervals, and scores that padding and the time origin leave
 * alone. The forward pass itself is checked against the PyTorch port with the same weights by
 * scripts/reference/tisasrec-forward.sh (measured: largest difference 3.7e-7).
 */
before(useCpu);

test('intervals: ⌊|t_i − t_j| / r_min⌋ clipped at k, r_min the smallest non-zero consecutive gap of the real items', () => {
  // row 0: padding, then gaps 0, 30, 90 (r_min 30); row 1: all at one time (r_min falls back to 1)
  const times = [[999, 100, 100, 130, 220], [5, 5, 5, 5, 5]];
  const mask = [[0, 1, 1, 1, 1], [1, 1, 1, 1, 1]];
  const got = tf.tidy(() => personalIntervals(tf.tensor2d(times), tf.tensor2d(mask), 3).arraySync());
  const real = [100, 100, 130, 220];
  const expected = real.map((ti) => real.map((tj) => Math.min(3, Math.floor(Math.abs(ti - tj) / 30))));
  assert.deepEqual(got[0].slice(1).map((row) => row.slice(1)), expected);
  assert.deepEqual(got[1], times[1].map(() => [0, 0, 0, 0, 0]));
});

test('padding and the time origin do not change the scores: users scored together (left-padded) or alone agree, and a day later', () => {
  const config = loadConfig(null, ['model.name=tisasrec', 'model.dim=8', 'model.num_heads=2', 'model.max_length=6', 'model.time_span=4']);
  const exp = prepareExperiment(SEQUENCE_DATA, config, 0);
  const model = createModel(config) as NeuralModel;
  model.init(exp.train);
  const users = Int32Array.from({ length: SEQUENCE_DATA.numUsers }, (_, u) => u);
  // irregular gaps: hours growing quadratically, so that intervals differ and some are clipped
  const history = { lists: exp.parts.test.history.lists, timestamps: Float64Array.from(SEQUENCE_DATA.timestamps, (_, p) => 1000 + 3600 * p * p) };
  const together = tf.tidy(() => scoreAll(model, users, history).arraySync());
  const shifted = { ...history, timestamps: history.timestamps.map((t) => t + 86400) };
  const later = tf.tidy(() => scoreAll(model, users, shifted).arraySync());
  users.forEach((u) => {
    const alone = tf.tidy(() => scoreAll(model, Int32Array.of(u), history).arraySync()[0]);
    assertClose(alone, together[u], `user ${u}: padding`);
    assertClose(later[u], together[u], `user ${u}: time origin`);
  });
  model.dispose();
});
