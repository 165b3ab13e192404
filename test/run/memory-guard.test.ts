import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/schema/config-flags';
import { MODELS, registerModel } from '../../src/models/registry';
import { checkMemory } from '../../src/run/memory-guard';
import { loadData } from '../../src/run/experiment';
import { ConfigError } from '../../src/util/errors';
import { Reporter } from '../../src/util/reporter';
import { streamMemoEntry } from '../helpers/stream-memo-model';

/**
 * The memory guard's corpus: test/corpus/memory/<case>.yaml, configs on small synthetic data, each with its
 * expectation in its leading comments:
 *   # exit: 2 | 0                  refused with a config error, or accepted
 *   # message: {file}: ...         a part of the one-line message ({file}: the case's path)
 *   # set: key=value               a --set flag (repeatable)
 *   # machine_gb: 24               the machine's memory the guard is told (default 24), so no case depends on this machine
 *   # mode: train | eval           memrec train (the default) or eval --run (no gradients, no optimizer)
 * A new model's or key's memory case is a new file here, not a new test.
 */
const CORPUS = join(__dirname, '..', '..', '..', 'test', 'corpus', 'memory');
const quiet = () => new Reporter(true, { write: () => true } as unknown as NodeJS.WritableStream);

for (const name of readdirSync(CORPUS).filter((n) => n.endsWith('.yaml')).sort()) {
  test(`memory case ${name}`, async () => {
    const file = join(CORPUS, name);
    const header = readFileSync(file, 'utf8').split('\n');
    const values = (key: string) => header.filter((line) => line.startsWith(`# ${key}: `)).map((line) => line.slice(key.length + 4));
    const [exit] = values('exit');
    const message = (values('message')[0] ?? '').replaceAll('{file}', file);
    const [machine = '24'] = values('machine_gb');
    const [mode = 'train'] = values('mode');
    const config = loadConfig(file, values('set'));
    const { data } = await loadData(config, quiet());
    const check = () => checkMemory(config, data, { training: mode === 'train', machineBytes: Number(machine) * 1e9 });
    if (exit === '0') {
      check();
      return;
    }
    assert.throws(check, (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.exitCode, Number(exit));
      assert.ok(!err.message.includes('\n'), err.message);
      assert.ok(err.message.includes(message), `expected\n  ${message}\ngot\n  ${err.message}`);
      return true;
    });
  });
}

test('every registered model at its defaults fits the quickstart data on a 4 GB machine, training and evaluating', async () => {
  for (const name of Object.keys(MODELS)) {
    const config = loadConfig(join(__dirname, '..', '..', '..', 'configs', 'quickstart.yaml'), [`model.name=${name}`]);
    const data = { numUsers: 1000, numItems: 800 };
    for (const training of [true, false]) checkMemory(config, data, { training, machineBytes: 4e9 });
  }
});

test('a model without its own estimate gets embeddings of model.dim for users and items', () => {
  registerModel(streamMemoEntry);
  const config = loadConfig(null, [`model.name=${streamMemoEntry.name}`, 'model.dim=1000000', 'train.optimizer=sgd']);
  // (1500 + 1000) × 1e6 values × 4 bytes = 10 GB of weights, × 2 with gradients, + the 1500 × 1e6 user table
  // 6 GB: 26 GB; evaluating needs 16 GB
  const shape = { numUsers: 1500, numItems: 1000 };
  assert.throws(
    () => checkMemory(config, shape, { training: true, machineBytes: 24e9 }),
    /model\.dim 1000000 × 1000 items needs 10 GB of parameters \(2× that with their gradients\) and 6\.0 GB for its largest tensor; this machine has 24 GB/,
  );
  checkMemory(config, shape, { training: false, machineBytes: 24e9 });
});
