import { resolveConfig } from '../../src/config/load';
import type { ResolvedConfig } from '../../src/config/resolved';
import { schemaProvider } from '../../src/config/schema';
import { MODELS } from '../../src/models/registry';
import { NeuralModel } from '../../src/models/neural-model';

/** The registered models trained by the shared loop. */
export function neuralModelNames(): string[] {
  const probe = resolveConfig(schemaProvider, null);
  return Object.keys(MODELS).filter((name) => {
    const model = MODELS[name].create(probe.with({ 'model.name': name }));
    return model instanceof NeuralModel;
  });
}

/** Small sizes for any model's keys that exist, so that generic tests stay fast. */
const SMALL: Record<string, number> = {
  dim: 8,
  embedding_dim: 8,
  max_length: 5,
  num_blocks: 1,
  num_h_filters: 2,
  num_v_filters: 2,
};

/** A config for `name` on tiny synthetic data, with small model sizes and `sets` on top. */
export function tinyConfig(name: string, sets: string[] = []): ResolvedConfig {
  const keys = Object.keys(MODELS[name].keys);
  const small = Object.entries(SMALL)
    .filter(([key]) => keys.includes(key))
    .map(([key, value]) => `model.${key}=${value}`);
  return resolveConfig(schemaProvider, null, [
    `model.name=${name}`,
    'data.synthetic.num_users=40',
    'data.synthetic.num_items=50',
    'data.synthetic.min_length=6',
    'data.synthetic.max_length=12',
    'train.batch_size=32',
    ...small,
    ...sets,
  ]);
}
