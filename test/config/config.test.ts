import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/schema/schema';
import { withKeyReference } from '../../src/schema/key-reference';
import { ConfigError, InputError } from '../../src/util/errors';

const REPO = join(__dirname, '..', '..', '..');

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'memrec-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError || err instanceof InputError, `unexpected ${String(err)}`);
    assert.equal((err as ConfigError).exitCode, 2);
    assert.ok(!(err as Error).message.includes('\n'), 'the message is one line');
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

test('with no file every key takes its default', () => {
  const config = loadConfig(null);
  assert.equal(config.int('seed'), 42);
  assert.equal(config.str('model.name'), 'mostpop');
  assert.deepEqual(config.ints('eval.cutoffs'), [5, 10, 20]);
  assert.equal(config.int('data.synthetic.num_users'), 1000);
});

test('file values and --set overrides, with YAML-typed override values', () => {
  const file = writeConfig('seed: 7\nmodel:\n  name: ppop\neval:\n  cutoffs: [5]\n');
  const config = resolveConfig(schemaProvider, file, ['eval.cutoffs=[1, 3]', 'eval.exclude_history=false', 'seed=9']);
  assert.equal(config.int('seed'), 9);
  assert.equal(config.str('model.name'), 'ppop');
  assert.deepEqual(config.ints('eval.cutoffs'), [1, 3]);
  assert.equal(config.bool('eval.exclude_history'), false);
  assert.deepEqual(loadConfig(null, ['eval.cutoffs=10']).ints('eval.cutoffs'), [10]);
});

test('an unknown key names the file, line and key path and suggests the closest key', () => {
  const file = writeConfig('seed: 1\nmodel:\n  nmae: ppop\n');
  assert.equal(
    configError(() => resolveConfig(schemaProvider, file)),
    `config error: ${file}:3: model.nmae: unknown key (did you mean model.name?)`,
  );
  assert.equal(
    configError(() => loadConfig(null, ['eval.cutofs=[5]'])),
    'config error: --set eval.cutofs=[5]: eval.cutofs: unknown key (did you mean eval.cutoffs?)',
  );
});

test('wrong types, out-of-range values and values not allowed are errors with what is allowed', () => {
  const file = writeConfig('eval:\n  cutoffs: ten\n');
  assert.match(configError(() => resolveConfig(schemaProvider, file)), /:2: eval\.cutoffs: "ten" .*expected a list of integers >= 1$/);
  assert.match(
    configError(() => loadConfig(null, ['split.train_ratio=1.5'])),
    /split\.train_ratio: 1\.5 is out of range; expected a number > 0 and <= 1$/,
  );
  assert.match(
    configError(() => loadConfig(null, ['train.adam_beta2=1'])),
    /train\.adam_beta2: 1 is out of range; expected a number >= 0 and < 1$/,
  );
  assert.equal(loadConfig(null, ['train.adam_beta2=0.98']).num('train.adam_beta2'), 0.98);
  assert.match(
    configError(() => loadConfig(null, ['model.name=mostpopp'])),
    /model\.name: "mostpopp" is not allowed \(did you mean mostpop\?\); expected one of mostpop, ppop/,
  );
  assert.match(configError(() => loadConfig(null, ['seed=1.5'])), /seed: 1\.5 is not an integer/);
  assert.match(configError(() => loadConfig(null, ['eval.exclude_history=maybe'])), /expected true or false/);
});

test('invalid YAML, a missing file and a scalar where a section belongs are one-line errors', () => {
  const bad = writeConfig('seed: 1\nmodel: [\n');
  assert.match(configError(() => resolveConfig(schemaProvider, bad)), /config\.yaml:2:8: invalid YAML: this \[ is never closed/);
  assert.match(configError(() => resolveConfig(schemaProvider, '/nonexistent/memrec.yaml')), /\/nonexistent\/memrec\.yaml: cannot read config file \(no such file\)/);
  const scalar = writeConfig('model: ppop\n');
  assert.match(configError(() => resolveConfig(schemaProvider, scalar)), /:1: model: a section of keys, not a value \(did you mean model\.name: ppop\?\)/);
});

test('rules across keys: repeats need ratio_random, ratios must leave a test part', () => {
  // checked where the config is loaded, so `memrec config` and `sweep --dry-run` catch them
  assert.match(configError(() => loadConfig(null, ['split.repeats=5'])), /split\.repeats: 5 repeats only make sense with split\.method ratio_random/);
  assert.match(configError(() => loadConfig(null, ['split.method=ratio_chrono', 'split.valid_ratio=0.3'])), /train_ratio \+ valid_ratio must be below 1/);
});

test('the resolved config round-trips through its saved YAML form', () => {
  const config = loadConfig(null, ['model.name=ppop', 'eval.cutoffs=[3, 7]']);
  const file = writeConfig(stringify(config.toNested()));
  assert.deepEqual(resolveConfig(schemaProvider, file).entries(), config.entries());
});

test("the README's table of config keys matches the schema", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  assert.equal(withKeyReference(readme), readme, 'README is out of date: run `make docs`');
});
