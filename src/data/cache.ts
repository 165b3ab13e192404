import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interactions } from './interactions';
import type { StepStats } from './preprocess/registry';

/** Bumped whenever the layout below changes, so that older cache files are never read. */
const FORMAT_VERSION = 1;
const MAGIC = 'MEMRECDC';
const CHECKSUM_BYTES = 32;

/** What a cache file holds: the preprocessed dataset and the statistics log of its preprocessing. */
export interface CachedData {
  readonly data: Interactions;
  readonly log: StepStats[];
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
function encode(cached: CachedData): Buffer {
  const { data, log } = cached;
  const arrays = ARRAYS.map((name) => data[name]);
  const header = {
    name: data.name,
    numUsers: data.numUsers,
    numItems: data.numItems,
    numCategories: data.numCategories,
    numTokens: data.numTokens,
    behaviorNames: data.behaviorNames,
    userIds: data.userIds,
    itemIds: data.itemIds,
    byteLengths: arrays.map((array) => (array === null ? -1 : array.byteLength)),
    log,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  const body = Buffer.concat([prefix, headerBytes, ...arrays.filter((a) => a !== null).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The cached data, or why the file cannot be trusted. */
function decode(bytes: Buffer): CachedData | string {
  if (bytes.length < MAGIC.length + 8 + CHECKSUM_BYTES || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'not a memrec cache file';
  if (bytes.readUInt32LE(MAGIC.length) !== FORMAT_VERSION) return 'written by another version of memrec';
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) return 'checksum mismatch (truncated or corrupt)';
  const headerLength = body.readUInt32LE(MAGIC.length + 4);
  let offset = MAGIC.length + 8;
  const header = JSON.parse(body.toString('utf8', offset, offset + headerLength));
  offset += headerLength;
  const arrays: Partial<Record<ArrayName, Int32Array | Float64Array | Uint8Array | null>> = {};
  ARRAYS.forEach((name, k) => {
    const length: number = header.byteLengths[k];
    if (length < 0) {
      arrays[name] = null;
      return;
    }
    // a copy into a fresh buffer: the file's bytes need not be aligned for the typed array
    const own = new ArrayBuffer(length);
    new Uint8Array(own).set(body.subarray(offset, offset + length));
    arrays[name] = MAKERS[name](own);
    offset += length;
  });
  if (offset !== body.length) return 'sizes do not add up';
  const data = { ...header, ...arrays } as Interactions & { byteLengths?: unknown; log?: unknown };
  delete data.byteLengths;
  delete data.log;
  return { data, log: header.log };
}

/** The entry for `key` in `dir`: the data, null when absent, or the reason it was not trusted. */
export function readCache(dir: string, key: string): CachedData | null | { untrusted: string; file: string } {
  const file = join(dir, `${key}.bin`);
  if (!existsSync(file)) return null;
  const decoded = decode(readFileSync(file));
  return typeof decoded === 'string' ? { untrusted: decoded, file } : decoded;
}

/** Writes the entry through a temporary file and a rename, so a reader never sees half a file. */
export function writeCache(dir: string, key: string, cached: CachedData): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${key}.bin`);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, encode(cached));
  renameSync(temporary, file);
  return file;
}
