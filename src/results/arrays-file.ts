import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic';
import { RunError } from '../util/errors';
import type { NamedArrays } from '../util/named-arrays';

/**
 * Named typed arrays stored as a small JSON manifest plus one binary file (little-endian, each array
 * 8-byte aligned). Used for checkpoints and for the frozen evaluation candidates.
 */
export type { NamedArray, NamedArrays, StoredArray } from '../util/named-arrays';

interface ManifestEntry {
  dtype: 'float32' | 'int32';
  shape: number[];
  byteOffset: number;
  length: number;
}
interface Manifest {
  format: 'memrec-arrays/1';
  binary: string;
  meta: Record<string, unknown>;
  arrays: Record<string, ManifestEntry>;
}

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
  const manifest: Manifest = { format: 'memrec-arrays/1', binary: `${name}.bin`, meta, arrays: entries };
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
  if (manifest.format !== 'memrec-arrays/1') throw new RunError(`${manifestPath}: unknown format ${manifest.format}`);
  const arrays: NamedArrays = {};
  for (const [key, entry] of Object.entries(manifest.arrays)) {
    const byteLength = entry.length * 4;
    if (entry.byteOffset + byteLength > bytes.length) {
      throw new RunError(`${manifestPath}: array ${key} runs past the end of ${manifest.binary}`);
    }
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(entry.byteOffset, entry.byteOffset + byteLength));
    const data = entry.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    arrays[key] = { data, shape: entry.shape };
  }
  return { arrays, meta: manifest.meta };
}
