import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../src/config/resolved';
import { DATA_SOURCES } from '../../src/data/sources';
import { createModel } from '../../src/models/registry';
import type { NeuralModel } from '../../src/models/neural-model';
import { prepareExperiment } from '../../src/run/experiment';
import { Reporter } from '../../src/util/reporter';
import { nativeAddon, nativeSkipReason, useNative } from '../helpers/native';
import { neuralModelNames, tinyConfig, fitModel } from '../helpers/tiny-models';

const skip = nativeSkipReason();

async function trained(config: ResolvedConfig): Promise<NeuralModel> {
  const reporter = new Reporter(true);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as NeuralModel;
  await fitModel(model, exp.train, config, { reporter });
  return model;
}

/** The trained weights with the addon's pool at `threads` threads. */
async function weightsWith(threads: number, config: ResolvedConfig): Promise<Record<string, unknown>> {
  const addon = nativeAddon();
  const initial = addon.info().threads;
  addon.setThreads(threads);
  try {
    const model = await trained(config);
    const state = await model.state();
    model.dispose();
    return state as unknown as Record<string, unknown>;
  } finally {
    addon.setThreads(initial);
  }
}

for (const name of neuralModelNames()) {
  test(`${name} on native: same seed gives identical weights run to run and on 1 or 2 threads; no tensor leaks`, { skip }, async () => {
    await useNative();
    assert.equal(tf.getBackend(), 'native');
    const config = tinyConfig(name, ['train.epochs=2', 'train.eval_every=0', 'model.dim=16', 'train.batch_size=32']);
    const before = tf.memory().numTensors;
    const first = await weightsWith(2, config);
    assert.equal(tf.memory().numTensors, before, 'a trained and disposed model leaves no tensor behind');
    assert.deepEqual(await weightsWith(2, config), first);
    assert.deepEqual(await weightsWith(1, config), first);
  });
}
