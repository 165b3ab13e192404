/**
 * Named typed arrays: a model's learned state (the checkpoint) and other numeric payloads that results/
 * stores. Declared here, below models/ and results/, so that neither has to import the other.
 */
export type StoredArray = Float32Array | Int32Array;
export interface NamedArray {
  readonly data: StoredArray;
  readonly shape: readonly number[];
}
export type NamedArrays = Record<string, NamedArray>;
