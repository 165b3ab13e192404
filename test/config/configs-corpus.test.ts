import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/schema/schema';
import { MemrecError } from '../../src/util/errors';

/**
 * The corpus of bad configs: test/corpus/configs/<case>.yaml, each with its expectation in its leading
 * comments (or, for a file that must stay empty, in <case>.expect beside it):
 *   # exit: 2                       the exit code (2: a config or usage error, 1: a failure at run time)
 *   # message: {file}:5: seed: ...  a part of the one-line message; {file} stands for the case's path
 *   # set: key=value                a --set flag (repeatable)
 * A new bad config is a new file here, not a new test.
 */
const CORPUS = join(__dirname, '..', '..', '..', 'test', 'corpus', 'configs');

interface Case {
  file: string;
  exit: number;
  message: string;
  sets: string[];
}

function readCase(name: string): Case {
  const file = join(CORPUS, name);
  const sidecar = file.replace(/\.yaml$/, '.expect');
  const header = readFileSync(existsSync(sidecar) ? sidecar : file, 'utf8').split('\n');
  const values = (key: string) => header.filter((line) => line.startsWith(`# ${key}: `)).map((line) => line.slice(key.length + 4));
  const [exit] = values('exit');
  const [message] = values('message');
  assert.ok(exit !== undefined && message !== undefined, `${name}: needs "# exit: N" and "# message: TEXT" lines`);
  return { file, exit: Number(exit), message: message.replaceAll('{file}', file), sets: values('set') };
}

const cases = readdirSync(CORPUS).filter((name) => name.endsWith('.yaml')).sort();

test('the corpus holds a case for every key family', () => {
  const families = ['seed', 'data', 'split', 'model', 'train', 'eval', 'output', 'compute', 'file', 'yaml'];
  for (const family of families) assert.ok(cases.some((name) => name.startsWith(`${family}-`)), `no case for ${family}`);
  assert.ok(cases.length >= 40, `${cases.length} cases`);
});

for (const name of cases) {
  test(`bad config ${name}`, () => {
    const { file, exit, message, sets } = readCase(name);
    let error: unknown = null;
    try {
      resolveConfig(schemaProvider, file, sets);
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof MemrecError, `expected a config error, got ${error === null ? 'a valid config' : String((error as Error).stack)}`);
    assert.equal(error.exitCode, exit, error.message);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    assert.ok(error.message.includes(message), `expected the message to contain\n  ${message}\ngot\n  ${error.message}`);
  });
}
