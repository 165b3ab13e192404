import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/schema/config-flags';
import { isOneLineError, memrecInProcess } from '../helpers/cli';

/**
 * Rules across keys and rules that need the data fail before a run folder exists, and name where each key
 * involved was set: the --set flag, the file and line, or the default.
 */
const dir = mkdtempSync(join(tmpdir(), 'memrec-cross-'));

test('a cross-key rule names the flag that broke it and where the other key came from', () => {
  assert.throws(() => loadConfig(null, ['model.name=sasrec', 'model.num_heads=3']), {
    message: 'config error: --set model.num_heads=3: model.num_heads: 3 heads do not divide model.dim 50 (from defaults)',
  });
  const file = join(dir, 'sasrec.yaml');
  writeFileSync(file, 'model:\n  name: sasrec\n  dim: 10\n');
  assert.throws(() => loadConfig(file, ['model.num_heads=3']), {
    message: `config error: --set model.num_heads=3: model.num_heads: 3 heads do not divide model.dim 10 (from ${file}:3)`,
  });
  assert.throws(() => loadConfig(file, ['split.repeats=2']), { message: /^config error: --set split\.repeats=2: split\.repeats: 2 repeats only make sense with split\.method ratio_random \(got leave_one_out, from .*sasrec\.yaml \(default\)\)$/ });
});

test('cut-offs beyond the catalogue and sampled negatives beyond what a user leaves: exit 2, no run folder', async () => {
  const out = join(dir, 'runs');
  const base = ['train', '--quiet', '--set', 'data.synthetic.num_users=30', '--set', 'data.synthetic.num_items=60', '--set', `output.dir=${out}`, '--set', 'data.cache_dir='];
  const cutoffs = await memrecInProcess([...base, '--set', 'eval.cutoffs=[5, 5000]']);
  assert.ok(isOneLineError(cutoffs, 2), cutoffs.stderr);
  assert.match(cutoffs.stderr, /^config error: --set eval\.cutoffs=\[5, 5000\]: eval\.cutoffs: 5000 is larger than the catalogue \(60 items\)/);
  const negatives = await memrecInProcess([...base, '--set', 'eval.candidates=sampled', '--set', 'eval.num_negatives=55']);
  assert.ok(isOneLineError(negatives, 2), negatives.stderr);
  assert.match(negatives.stderr.trim(), /^config error: --set eval\.num_negatives=55: eval\.num_negatives: 55 negatives asked, but a user has touched \d+ of the 60 items, which leaves \d+ to draw from$/);
  assert.ok(!existsSync(out) || readdirSync(out).length === 0, 'no run folder');
});

test('a time-aware model refuses a data source whose timestamps are stand-ins, naming both', () => {
  assert.throws(() => loadConfig(null, ['model.name=mtam', 'data.source=sasrec']), {
    message: "config error: --set model.name=mtam: model.name: mtam reads the behaviours' times, but data.source sasrec (--set data.source=sasrec) has none (its line numbers stand in); use a source with timestamps",
  });
  assert.throws(() => loadConfig(null, ['model.name=tgru', 'data.source=delimited']), /tgru reads the behaviours' times, but data.source delimited/);
  assert.doesNotThrow(() => loadConfig(null, ['model.name=tgru', 'data.source=delimited', 'data.delimited.time_column=2']));
  assert.doesNotThrow(() => loadConfig(null, ['model.name=mtam']), 'synthetic data has times');
});

test('sasrec reads times only with model.attention time_aware: only then is a source without timestamps refused', () => {
  assert.throws(() => loadConfig(null, ['model.name=sasrec', 'model.attention=time_aware', 'data.source=sasrec']), {
    message: "config error: --set model.attention=time_aware: model.attention: sasrec with model.attention time_aware reads the behaviours' times, but data.source sasrec (--set data.source=sasrec) has none (its line numbers stand in); use a source with timestamps",
  });
  assert.doesNotThrow(() => loadConfig(null, ['model.name=sasrec', 'data.source=sasrec']));
  assert.doesNotThrow(() => loadConfig(null, ['model.name=sasrec', 'model.attention=time_aware']), 'synthetic data has times');
  assert.throws(
    () => loadConfig(null, ['model.name=sasrec', 'model.attention=time_aware', 'model.implementation=pytorch_port']),
    /model\.attention: time_aware is not available with model\.implementation pytorch_port \(from --set model\.implementation=pytorch_port\)/,
  );
});
