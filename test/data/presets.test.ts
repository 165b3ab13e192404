import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/schema/schema';
import { paperTablesDir, readPaperStats } from '../../src/data/paper-stats';
import { presetFile, presetNames } from '../../src/data/presets';

const PAPERS = ['rum', 'dman', 'mtam', 'mars'];

test('every preset is a valid config that names a raw-file source and a paper\'s statistics', () => {
  const names = presetNames();
  assert.ok(names.includes('dman/movielens') && names.includes('rum/baby'), names.join(', '));
  for (const name of names) {
    const config = resolveConfig(schemaProvider, presetFile(name));
    assert.notEqual(config.str('data.source'), 'synthetic', name);
    const [paper, dataset] = config.str('data.paper_stats').split(':');
    assert.ok(PAPERS.includes(paper) && name.startsWith(`${paper}/`) && dataset, `${name}: data.paper_stats ${config.str('data.paper_stats')}`);
  }
});

test('every preset\'s paper statistics exist in the paper tables', (t) => {
  if (!existsSync(paperTablesDir())) {
    t.skip(`no paper tables at ${paperTablesDir()}`);
    return;
  }
  for (const name of presetNames()) {
    const stats = readPaperStats(resolveConfig(schemaProvider, presetFile(name)).str('data.paper_stats'), name);
    assert.ok(stats && stats.comparable.users !== undefined, name);
  }
});
