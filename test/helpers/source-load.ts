import { join } from 'node:path';
import { resolveConfig, type SchemaProvider } from '../../src/config/load';
import type { ResolvedConfig } from '../../src/config/resolved';
import { prefixed } from '../../src/config/spec';
import { validateInteractions, type Interactions } from '../../src/data/interactions';
import type { DataSource } from '../../src/data/sources';
import { REPO } from './cli';
import { capturingReporter } from './reporter';

/** A fixture file under datasets/fixtures/<folder>/. */
export const fixture = (folder: string, name: string) => join(REPO, 'datasets', 'fixtures', folder, name);

/** Every fixture has one or two malformed lines in under ten, far above the default share of 0.01. */
export const LENIENT = 'data.max_bad_share=0.5';

/**
 * A config of exactly one source's keys (its data.* keys and its data.<name>.* keys), from `key=value`
 * settings validated as --set would: for a source whether or not it is in the registry.
 */
export function sourceConfig(source: DataSource, sets: readonly string[]): ResolvedConfig {
  const schema = { ...prefixed('data', source.dataKeys ?? {}), ...prefixed(`data.${source.name}`, source.keys) };
  const provider: SchemaProvider = { schemaFor: () => schema, ownersOf: () => [], allKeys: () => Object.keys(schema) };
  return resolveConfig(provider, null, sets);
}

/** Loads a source with the given settings, checks the invariants, and returns the data and the messages. */
export async function loadSource(source: DataSource, ...sets: string[]): Promise<{ data: Interactions; messages: string[] }> {
  const { reporter, messages } = capturingReporter();
  const data = await source.load(sourceConfig(source, sets), reporter);
  validateInteractions(data);
  return { data, messages };
}

/** The CSR arrays and side columns of a dataset as plain arrays, for deepEqual. */
export const csr = (data: Interactions) => ({
  offsets: Array.from(data.offsets),
  items: Array.from(data.items),
  timestamps: Array.from(data.timestamps),
  ratings: data.ratings && Array.from(data.ratings),
  behaviors: data.behaviors && Array.from(data.behaviors),
  behaviorNames: data.behaviorNames,
  itemCategory: Array.from(data.itemCategory),
  numCategories: data.numCategories,
  userIds: data.userIds,
  itemIds: data.itemIds,
});
