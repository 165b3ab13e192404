import type { ResolvedConfig } from '../../config/resolved';
import type { Schema } from '../../config/spec';
import type { Reporter } from '../../util/reporter';
import type { Interactions } from '../interactions';
import type { FileRead } from './bad-rows';

/**
 * A data source: where `data.source` points. It declares its own keys (under `data.<name>.`) and turns the
 * config into the in-memory Interactions. Raw-file loaders join with one file and one registry line.
 */
export interface DataSource {
  readonly name: string;
  readonly doc: string;
  /** keys under `data.<name>.` */
  readonly keys: Schema;
  /** keys directly under `data.` that it shares with other sources (every file source's data.max_bad_share) */
  readonly dataKeys?: Schema;
  /** Loads the data; a file source adds what reading each file found (lines, malformed lines) to `reads`. */
  load(config: ResolvedConfig, reporter: Reporter, reads?: FileRead[]): Promise<Interactions>;
  /**
   * The files that load reads (the main file and any side files such as metadata), for the cache key; none
   * for generated data.
   */
  inputFiles?(config: ResolvedConfig): string[];
  /**
   * Whether the loaded timestamps are real times, or stand-ins (a line number, a position) that only keep the
   * order; left out: real. Time-aware models refuse stand-ins.
   */
  hasTimes?(config: ResolvedConfig): boolean;
  /** Whether the items have text (token documents) under this config; left out: none. Text models refuse a source without. */
  hasText?(config: ResolvedConfig): boolean;
}
