import { totalmem } from 'node:os';
import type { ResolvedConfig } from '../config/resolved';
import type { Interactions } from '../data/interactions';
import { isTrainable, type MemoryNeed, type MemoryShape } from '../models/model';
import { createModel, MODELS } from '../models/registry';
import type { OptimizerName } from '../train/optimizers';
import { ConfigError } from '../util/errors';

/** The most elements a JavaScript typed array (so any tensor) can hold. */
export const MAX_TENSOR_VALUES = 2 ** 31 - 1;

/** Values an optimizer keeps per parameter (tfjs: Adam two moments; RMSProp mean square and moment). */
const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { sgd: 0, adam: 2, adagrad: 1, rmsprop: 2 };

/** A model without its own estimate: embeddings of users and items of width model.dim, when it has one. */
function genericNeed(params: Record<string, unknown>, shape: MemoryShape): MemoryNeed {
  const dim = typeof params.dim === 'number' ? params.dim : 1;
  return { parameters: (shape.numUsers + shape.numItems) * dim, largestTensor: Math.max(shape.numUsers, shape.numItems) * dim };
}

const gb = (bytes: number) => `${bytes >= 10e9 ? Math.round(bytes / 1e9) : (bytes / 1e9).toFixed(1)} GB`;

/** "model.dim 30000000 × 800 items": the model keys set away from their defaults, and the catalogue. */
function drivers(config: ResolvedConfig, numItems: number): string {
  const entry = MODELS[config.str('model.name')];
  const changed = Object.entries(entry.keys)
    .filter(([key, spec]) => JSON.stringify(config.get(`model.${key}`)) !== JSON.stringify(spec.default))
    .map(([key]) => `model.${key} ${String(config.get(`model.${key}`))}`);
  return [...(changed.length > 0 ? changed : [`model.name ${entry.name}`]), `${numItems} items`].join(' × ');
}

/**
 * Refuses, before anything is allocated, a config whose model cannot fit: a tensor longer than a typed array
 * can be, or weights (with their gradients and the optimizer's slots when training), the largest tensor and
 * the evaluator's score matrix together beyond the machine's memory. The model's entry estimates its own
 * memory (ModelEntry.memory); one without an estimate gets a generic one. A ConfigError names the keys.
 */
export function checkMemory(
  config: ResolvedConfig,
  data: Pick<Interactions, 'numUsers' | 'numItems'>,
  options: { training: boolean; machineBytes?: number },
): void {
  const entry = MODELS[config.str('model.name')];
  const params = config.params('model', entry.keys);
  const shape: MemoryShape = {
    numUsers: data.numUsers,
    numItems: data.numItems,
    batchSize: config.int('train.batch_size'),
    evalBatchSize: config.int('eval.batch_size'),
  };
  const need = entry.memory ? entry.memory(params, shape) : genericNeed(params, shape);
  const candidates = config.str('eval.candidates') === 'full' ? data.numItems : config.int('eval.num_negatives') + 1;
  const scores = shape.evalBatchSize * candidates;
  const largest = Math.max(need.largestTensor, scores);
  const what = `${config.source}: ${drivers(config, data.numItems)}`;
  if (largest > MAX_TENSOR_VALUES) {
    const keys = largest === scores ? `; lower eval.batch_size ${shape.evalBatchSize}` : '';
    throw new ConfigError(`${what} makes a tensor of ${largest.toExponential(2)} values, more than the ${MAX_TENSOR_VALUES} a typed array can hold${keys}`);
  }
  const model = createModel(config);
  const trains = options.training && isTrainable(model);
  model.dispose();
  const optimizer = config.str('train.optimizer') as OptimizerName;
  // when training, every weight also has a gradient and the optimizer's slots
  const copies = trains ? 2 + OPTIMIZER_SLOTS[optimizer] : 1;
  const total = 4 * (need.parameters * copies + largest);
  const machine = options.machineBytes ?? totalmem();
  if (total <= machine) return;
  const extra = copies > 1 ? ` (${copies}× that with their gradients${copies > 2 ? ` and ${optimizer}'s ${OPTIMIZER_SLOTS[optimizer]} slots` : ''})` : '';
  throw new ConfigError(
    `${what} needs ${gb(4 * need.parameters)} of parameters${extra} and ${gb(4 * largest)} for its largest tensor; this machine has ${gb(machine)}`,
  );
}
