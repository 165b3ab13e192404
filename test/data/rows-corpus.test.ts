/**
 * The rows corpus: every raw file under test/corpus/rows/<format>/ is loaded in-process through the data
 * pipeline, and what it must give is in the file beside it, `<name>.expect.json`:
 *
 *   source        the data source (data.source)
 *   key           the key that names the file (default data.<source>.path; a side file: its own key)
 *   set           further `key=value` settings; `{fixtures}` stands for datasets/fixtures
 *   about         what is wrong with the file
 *   then either   lines, malformed: this file's line count and malformed count
 *                 reported: {line number: part of the reason}, exactly the lines the report quotes for it
 *                 interactions, users (optional): the data as loaded
 *   or            error: {exit, message}: the load fails with that exit code and a message containing
 *                 `message` ({file} stands for the file)
 *
 * data.max_bad_share is 1 unless `set` says otherwise, so that counts are checked, not limits. A case that
 * loads is loaded twice through a fresh cache: the warm load must report the same malformed lines. A new bad
 * case is a new pair of files, not a new test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/schema/schema';
import { prepareData, type PreparedData } from '../../src/data/pipeline';
import { DATA_SOURCES } from '../../src/data/sources';
import { MemrecError } from '../../src/util/errors';
import { REPO } from '../helpers/cli';
import { capturingReporter } from '../helpers/reporter';

const CORPUS = join(REPO, 'test', 'corpus', 'rows');
const FIXTURES = join(REPO, 'datasets', 'fixtures');
const SIDECAR = '.expect.json';

interface Expect {
  source: string;
  key?: string;
  set?: string[];
  about: string;
  lines?: number;
  malformed?: number;
  reported?: Record<string, string>;
  interactions?: number;
  users?: number;
  error?: { exit: number; message: string };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const all = filesUnder(CORPUS);
const cases = all.filter((file) => !file.endsWith(SIDECAR)).sort();

async function load(file: string, expect: Expect, cacheDir: string): Promise<{ prepared: PreparedData; messages: string[] }> {
  const sets = [
    `data.source=${expect.source}`,
    `data.cache_dir=${cacheDir}`,
    'data.max_bad_share=1',
    `${expect.key ?? `data.${expect.source}.path`}=${file}`,
    ...(expect.set ?? []).map((set) => set.replaceAll('{fixtures}', FIXTURES)),
  ];
  const { reporter, messages } = capturingReporter();
  const prepared = await prepareData(resolveConfig(schemaProvider, null, sets), reporter);
  return { prepared, messages };
}

/** The line numbers the report quotes for `file`, with their reasons. */
function quoted(messages: readonly string[], file: string): Map<number, string> {
  const prefix = `  ${file}:`;
  const lines = new Map<number, string>();
  for (const message of messages.filter((m) => m.startsWith(prefix))) {
    const rest = message.slice(prefix.length);
    const colon = rest.indexOf(': ');
    lines.set(Number(rest.slice(0, colon)), rest.slice(colon + 2));
  }
  return lines;
}

function checkLoad(file: string, expect: Expect, { prepared, messages }: { prepared: PreparedData; messages: string[] }, what: string): void {
  const read = prepared.reads.find((r) => r.file === file);
  assert.ok(read, `${what}: no read of ${file}`);
  assert.deepEqual([read.lines, read.malformed], [expect.lines, expect.malformed], `${what}: lines, malformed\n${messages.join('\n')}`);
  const reported = quoted(messages, file);
  assert.deepEqual([...reported.keys()].sort((a, b) => a - b), Object.keys(expect.reported ?? {}).map(Number), `${what}: lines reported\n${messages.join('\n')}`);
  for (const [line, reason] of Object.entries(expect.reported ?? {})) {
    assert.ok(reported.get(Number(line))?.includes(reason), `${what}: line ${line}: "${reported.get(Number(line))}" lacks "${reason}"`);
  }
  if (expect.malformed) assert.ok(messages.includes(`${file}: ${expect.malformed} of ${expect.lines} lines malformed (${Math.round((100 * expect.malformed) / (expect.lines as number))}%), not loaded:`), `${what}: count line\n${messages.join('\n')}`);
  if (expect.interactions !== undefined) assert.equal(prepared.data.items.length, expect.interactions, `${what}: interactions`);
  if (expect.users !== undefined) assert.equal(prepared.data.numUsers, expect.users, `${what}: users (${prepared.data.userIds.map((id) => JSON.stringify(id)).join(', ')})`);
}

test('rows corpus: every case has its expectations, and every file source has cases', () => {
  const orphans = all.filter((file) => file.endsWith(SIDECAR) && !cases.includes(file.slice(0, -SIDECAR.length)));
  assert.deepEqual(orphans, []);
  const sources = new Set(cases.map((file) => (JSON.parse(readFileSync(file + SIDECAR, 'utf8')) as Expect).source));
  const fileSources = Object.values(DATA_SOURCES).filter((source) => source.inputFiles).map((source) => source.name);
  assert.deepEqual(fileSources.filter((name) => !sources.has(name)), []);
  assert.ok(cases.length >= 70, `${cases.length} cases`);
});

for (const file of cases) {
  const name = relative(CORPUS, file);
  test(`rows corpus: ${name}`, async () => {
    const expect = JSON.parse(readFileSync(file + SIDECAR, 'utf8')) as Expect;
    const cacheDir = mkdtempSync(join(tmpdir(), 'memrec-rows-corpus-'));
    if (expect.error) {
      const { exit, message } = expect.error;
      await assert.rejects(load(file, expect, cacheDir), (err: unknown) => {
        assert.ok(err instanceof MemrecError, `${name}: not a MemrecError: ${String(err)}`);
        assert.equal(err.exitCode, exit, `${name}: ${err.message}`);
        assert.ok(err.message.includes(message.replaceAll('{file}', file)), `${name}: "${err.message}" lacks "${message}"`);
        assert.ok(!err.message.includes('\n'), `${name}: not one line`);
        return true;
      });
      return;
    }
    const cold = await load(file, expect, cacheDir);
    checkLoad(file, expect, cold, `${name} (cold)`);
    const warm = await load(file, expect, cacheDir);
    assert.ok(warm.messages.some((m) => m.includes('from the cache')), `${name}: the second load was not from the cache`);
    checkLoad(file, expect, warm, `${name} (warm)`);
  });
}
