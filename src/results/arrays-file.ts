import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic';
import { RunError } from '../util/errors';
import type { NamedArrays } from '../util/named-arrays';

/**
 * Named typed arrays stored as a small JSON manifest plus one binary file (little-endian, each array
 * 8-byte aligned). Used for checkpoints and for the frozen evaluation candidates. The manifest holds the
 * binary file's sha256, so a corrupted file is refused instead of restoring wrong weights.
 */
export type { NamedArray, NamedArrays, StoredArray } from '../util/named-arrays';

interface ManifestEntry {
  dtype: 'float32' | 'int32';
  shape: number[];
  byteOffset: number;
  length: number;
}
interface Manifest {
  format: typeof FORMAT | typeof FORMAT_WITHOUT_CHECKSUM;
  binary: string;
  /** sha256 of the binary file, hex (absent in files written before checksums) */
  sha256?: string;
  meta: Record<string, unknown>;
  arrays: Record<string, ManifestEntry>;
}

const FORMAT = 'memrec-arrays/2';
/** Files written before the checksum was added: read, but they cannot be verified. */
const FORMAT_WITHOUT_CHECKSUM = 'memrec-arrays/1';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes `<dir>/<name>.bin` then `<dir>/<name>.json` (the manifest last: its presence means complete). */
export function writeArrays(dir: string, name: string, arrays: NamedArrays, meta: Record<string, unknown> = {}): void {
  const entries: Record<string, ManifestEntry> = {};
  let size = 0;
  for (const [key, { data, shape }] of Object.entries(arrays)) {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (expected !== data.length) throw new Error(`array ${key}: shape ${shape} does not match length ${data.length}`);
    entries[key] = {
      dtype: data instanceof Float32Array ? 'float32' : 'int32',
      shape: [...shape],
      byteOffset: size,
      length: data.length,
    };
    size += Math.ceil(data.byteLength / 8) * 8;
  }
  const bytes = new Uint8Array(size);
  for (const [key, { data }] of Object.entries(arrays)) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), entries[key].byteOffset);
  }
  const manifest: Manifest = { format: FORMAT, binary: `${name}.bin`, sha256: sha256(bytes), meta, arrays: entries };
  writeFileAtomic(join(dir, `${name}.bin`), bytes);
  writeFileAtomic(join(dir, `${name}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads arrays written by writeArrays; a missing or inconsistent file is a RunError naming it. */
export function readArrays(dir: string, name: string): { arrays: NamedArrays; meta: Record<string, unknown> } {
  const manifestPath = join(dir, `${name}.json`);
  let manifest: Manifest;
  let bytes: Buffer;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    bytes = readFileSync(join(dir, manifest.binary));
  } catch (err) {
    throw new RunError(`${manifestPath}: cannot read stored arrays (${(err as Error).message})`);
  }
  if (manifest.format !== FORMAT && manifest.format !== FORMAT_WITHOUT_CHECKSUM) {
    throw new RunError(`${manifestPath}: unknown format ${manifest.format}`);
  }
  const binaryPath = join(dir, manifest.binary);
  if (manifest.format === FORMAT && sha256(bytes) !== manifest.sha256) {
    throw new RunError(`${binaryPath}: corrupted (its sha256 does not match the one in ${manifestPath}); it cannot be used`);
  }
  // the layout writeArrays makes: arrays one after another, each 8-byte aligned, filling the file exactly
  const arrays: NamedArrays = {};
  let offset = 0;
  for (const [key, entry] of Object.entries(manifest.arrays ?? {})) {
    const byteLength = entry.length * 4;
    const fits = Array.isArray(entry.shape) && entry.shape.reduce((a, b) => a * b, 1) === entry.length && entry.byteOffset === offset && offset + byteLength <= bytes.length;
    if (!fits || (entry.dtype !== 'float32' && entry.dtype !== 'int32')) {
      throw new RunError(`${manifestPath}: corrupted (array ${key} does not fit ${binaryPath}); it cannot be used`);
    }
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(entry.byteOffset, entry.byteOffset + byteLength));
    const data = entry.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    arrays[key] = { data, shape: entry.shape };
    offset += Math.ceil(byteLength / 8) * 8;
  }
  if (offset !== bytes.length) throw new RunError(`${manifestPath}: corrupted (it describes ${offset} bytes, ${binaryPath} has ${bytes.length})`);
  return { arrays, meta: manifest.meta };
}
