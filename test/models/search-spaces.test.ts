import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS } from '../../src/models/registry';
import { overrideText } from '../../src/sweep/override-text';
import { loadConfig } from '../../src/schema/config-flags';

test("every registry search space names the model's own train.* and model.* keys, with values its config accepts", () => {
  const spaces = Object.values(MODELS).filter((entry) => entry.searchSpace);
  assert.ok(spaces.length >= 10, 'the trainable models declare their spaces');
  for (const entry of spaces) {
    for (const [key, values] of Object.entries(entry.searchSpace ?? {})) {
      assert.match(key, /^(train|model)\./, `${entry.name}: ${key}`);
      assert.ok(values.length >= 2 && new Set(values.map((v) => JSON.stringify(v))).size === values.length, `${entry.name}: ${key} lists distinct values`);
      for (const value of values) {
        const config = loadConfig(null, [`model.name=${entry.name}`, overrideText(key, value)]);
        assert.deepEqual(config.get(key), value, `${entry.name}: ${key}=${JSON.stringify(value)}`);
      }
    }
  }
});
