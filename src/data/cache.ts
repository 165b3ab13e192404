import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { RunError } from '../util/errors';
import { datasetStats, validateInteractions, type Interactions } from './interactions';
import type { BadLine, FileRead } from './loaders/bad-rows';
import type { StepStats } from './preprocess/registry';

/** Bumped whenever the layout below changes, so that older cache files are never read. */
const FORMAT_VERSION = 3;
const MAGIC = 'MEMRECDC';
const CHECKSUM_BYTES = 32;

/**
 * What a cache file holds: the preprocessed dataset, the statistics log of its preprocessing, and what
 * reading each raw file found (its malformed lines), so that a warm run reports them and checks
 * data.max_bad_share as the run that read the files did.
 */
export interface CachedData {
  readonly data: Interactions;
  readonly log: StepStats[];
  readonly reads: FileRead[];
}

/** The sha256 of a file's bytes, streamed (a raw file may be several GB). */
export async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The cache key: the raw files' content hashes and everything that shapes the dataset (source, its keys,
 * the steps, the seed when a step draws from it). A changed file or setting gives another key, so a stale
 * entry is never found; the file name is the key.
 */
export function cacheKey(parts: { fileHashes: string[]; settings: Record<string, unknown> }): string {
  const text = JSON.stringify({ version: FORMAT_VERSION, ...parts });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

type ArrayName = 'offsets' | 'items' | 'timestamps' | 'ratings' | 'behaviors' | 'itemCategory' | 'itemTokenOffsets' | 'itemTokens';
const ARRAYS: readonly ArrayName[] = ['offsets', 'items', 'timestamps', 'ratings', 'behaviors', 'itemCategory', 'itemTokenOffsets', 'itemTokens'];
const MAKERS: Record<ArrayName, (buffer: ArrayBuffer) => Int32Array | Float64Array | Uint8Array> = {
  offsets: (b) => new Int32Array(b),
  items: (b) => new Int32Array(b),
  timestamps: (b) => new Float64Array(b),
  ratings: (b) => new Uint8Array(b),
  behaviors: (b) => new Uint8Array(b),
  itemCategory: (b) => new Int32Array(b),
  itemTokenOffsets: (b) => new Int32Array(b),
  itemTokens: (b) => new Int32Array(b),
};

/** Layout: magic, version (u32), header length (u32), header JSON, the arrays' bytes, sha256 of all before. */
function encode(key: string, cached: CachedData): Buffer {
  const { data, log, reads } = cached;
  const arrays = ARRAYS.map((name) => data[name]);
  const header = {
    key,
    name: data.name,
    numUsers: data.numUsers,
    numItems: data.numItems,
    numCategories: data.numCategories,
    numTokens: data.numTokens,
    behaviorNames: data.behaviorNames,
    userIds: data.userIds,
    itemIds: data.itemIds,
    tokenWords: data.tokenWords ?? null,
    itemTitles: data.itemTitles ?? null,
    byteLengths: arrays.map((array) => (array === null ? -1 : array.byteLength)),
    log,
    reads,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  const body = Buffer.concat([prefix, headerBytes, ...arrays.filter((a) => a !== null).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const NULLABLE: ReadonlySet<ArrayName> = new Set(['ratings', 'behaviors']);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const isStrings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Why the statistics log or the file reads of an entry do not fit its data, or null. */
function logProblem(data: Interactions, log: unknown, reads: unknown): string | null {
  if (!Array.isArray(log) || log.length === 0 || !log.every((row) => typeof row?.step === 'string' && typeof row?.stats === 'object')) return 'no preprocessing log';
  if (!isDeepStrictEqual(log[log.length - 1].stats, datasetStats(data))) return 'its statistics do not match its data';
  const isBadLine = (line: unknown) => isCount((line as BadLine)?.lineNumber) && typeof (line as BadLine)?.reason === 'string';
  const isRead = (read: FileRead) =>
    typeof read?.file === 'string' && isCount(read.lines) && isCount(read.malformed) && read.malformed <= read.lines && Array.isArray(read.examples) && read.examples.every(isBadLine);
  return Array.isArray(reads) && reads.every(isRead) ? null : 'no valid record of the files read';
}

/**
 * The cached data, or why the file cannot be trusted: not a cache file, another version, a checksum
 * mismatch, an entry written for another key (a file copied or renamed into place), or any inconsistency
 * between its parts. The checksum catches damage; the other checks catch an entry whose bytes are intact
 * but do not belong here, so that every such entry is rebuilt instead of failing the run.
 */
function decode(bytes: Buffer, key: string): CachedData | string {
  if (bytes.length < MAGIC.length + 8 + CHECKSUM_BYTES || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'not a memrec cache file';
  if (bytes.readUInt32LE(MAGIC.length) !== FORMAT_VERSION) return 'written by another version of memrec';
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) return 'checksum mismatch (truncated or corrupt)';
  const headerLength = body.readUInt32LE(MAGIC.length + 4);
  let offset = MAGIC.length + 8;
  if (offset + headerLength > body.length) return 'inconsistent: the header runs past the end';
  let header;
  try {
    header = JSON.parse(body.toString('utf8', offset, offset + headerLength));
  } catch {
    return 'inconsistent: the header is not JSON';
  }
  if (typeof header !== 'object' || header === null) return 'inconsistent: the header is not an object';
  if (header.key !== key) return `written for another key (${String(header.key)}), e.g. another dataset's entry copied here`;
  offset += headerLength;
  const { byteLengths } = header;
  if (!Array.isArray(byteLengths) || byteLengths.length !== ARRAYS.length) return 'inconsistent: no array sizes';
  const arrays: Partial<Record<ArrayName, Int32Array | Float64Array | Uint8Array | null>> = {};
  for (const [k, name] of ARRAYS.entries()) {
    const length: unknown = byteLengths[k];
    if (length === -1 && NULLABLE.has(name)) {
      arrays[name] = null;
      continue;
    }
    if (!isCount(length) || offset + (length as number) > body.length) return `inconsistent: the size of ${name}`;
    // a copy into a fresh buffer: the file's bytes need not be aligned for the typed array
    const own = new ArrayBuffer(length as number);
    new Uint8Array(own).set(body.subarray(offset, offset + (length as number)));
    try {
      arrays[name] = MAKERS[name](own);
    } catch {
      return `inconsistent: the size of ${name}`;
    }
    offset += length as number;
  }
  if (offset !== body.length) return 'inconsistent: sizes do not add up';
  const { name, numUsers, numItems, numCategories, numTokens, behaviorNames, userIds, itemIds, tokenWords, itemTitles, log, reads } = header;
  const isOptionalStrings = (value: unknown) => value === null || isStrings(value);
  if (
    typeof name !== 'string' ||
    ![numUsers, numItems, numCategories, numTokens].every(isCount) ||
    ![behaviorNames, userIds, itemIds].every(isStrings) ||
    ![tokenWords, itemTitles].every(isOptionalStrings)
  ) {
    return 'inconsistent: the header fields';
  }
  const text = { ...(tokenWords === null ? {} : { tokenWords }), ...(itemTitles === null ? {} : { itemTitles }) };
  const data = { name, numUsers, numItems, numCategories, numTokens, behaviorNames, userIds, itemIds, ...text, ...arrays } as Interactions;
  try {
    validateInteractions(data);
  } catch (err) {
    return `inconsistent: ${(err as Error).message}`;
  }
  const problem = logProblem(data, log, reads);
  return problem === null ? { data, log, reads } : `inconsistent: ${problem}`;
}

/** The entry for `key` in `dir`: the data, null when absent, or the reason it was not trusted. */
export function readCache(dir: string, key: string): CachedData | null | { untrusted: string; file: string } {
  const file = join(dir, `${key}.bin`);
  if (!existsSync(file)) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { untrusted: `cannot read it (${(err as Error).message})`, file };
  }
  const decoded = decode(bytes, key);
  return typeof decoded === 'string' ? { untrusted: decoded, file } : decoded;
}

/**
 * Writes the entry through a temporary file and a rename, so a reader never sees half a file. A failure
 * (a full disk, say) removes the temporary file, so that it cannot fill the disk for later runs, and is a
 * RunError naming the file.
 */
export function writeCache(dir: string, key: string, cached: CachedData): string {
  const file = join(dir, `${key}.bin`);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, encode(key, cached));
    renameSync(temporary, file);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new RunError(`cannot write the data cache entry ${file} (${(err as Error).message}); free space, or set data.cache_dir to another folder or to '' for no cache`);
  }
  return file;
}
