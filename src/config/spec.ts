/** How one config key is declared: once, with its type, default, allowed values and doc string. */
export type KeyType = 'int' | 'number' | 'string' | 'bool' | 'int[]' | 'number[]' | 'string[]';
export type ConfigValue = number | string | boolean | number[] | string[];

export interface KeySpec<T extends ConfigValue = ConfigValue> {
  readonly type: KeyType;
  readonly default: T;
  readonly doc: string;
  /** allowed values (for string and string[] keys) */
  readonly allowed?: readonly string[];
  /** inclusive bounds for numbers (each element of a number list) */
  readonly min?: number;
  readonly max?: number;
  /** exclusive lower and upper bounds for numbers */
  readonly above?: number;
  readonly below?: number;
  /** for string[] keys: the problem with one element, or null (e.g. a preprocessing step's syntax) */
  readonly checkEach?: (value: string) => string | null;
}

/** A flat map from dotted key path (e.g. `eval.cutoffs`) to its declaration. */
export type Schema = Readonly<Record<string, KeySpec>>;

export const int = (def: number, doc: string, bounds: Partial<Pick<KeySpec, 'min' | 'max'>> = {}): KeySpec<number> => ({
  type: 'int',
  default: def,
  doc,
  ...bounds,
});

export const num = (
  def: number,
  doc: string,
  bounds: Partial<Pick<KeySpec, 'min' | 'max' | 'above' | 'below'>> = {},
): KeySpec<number> => ({ type: 'number', default: def, doc, ...bounds });

export const bool = (def: boolean, doc: string): KeySpec<boolean> => ({ type: 'bool', default: def, doc });

export const str = (def: string, doc: string): KeySpec<string> => ({ type: 'string', default: def, doc });

export const oneOf = <const A extends readonly string[]>(allowed: A, def: A[number], doc: string): KeySpec<A[number]> => ({
  type: 'string',
  default: def,
  doc,
  allowed,
});

export const ints = (def: number[], doc: string, bounds: Partial<Pick<KeySpec, 'min' | 'max'>> = {}): KeySpec<number[]> => ({
  type: 'int[]',
  default: def,
  doc,
  ...bounds,
});

export const someOf = (allowed: readonly string[], def: string[], doc: string): KeySpec<string[]> => ({
  type: 'string[]',
  default: def,
  doc,
  allowed,
});

/** A list of strings, each checked by `checkEach`. */
export const strs = (def: string[], doc: string, checkEach: (value: string) => string | null): KeySpec<string[]> => ({
  type: 'string[]',
  default: def,
  doc,
  checkEach,
});

/** Prefixes every key of `schema` with `prefix.`. */
export function prefixed(prefix: string, schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).map(([key, spec]) => [`${prefix}.${key}`, spec]));
}

/** The typed values of a group of keys declared with the builders above (e.g. a model's `keys`). */
export type ParamsOf<S extends Readonly<Record<string, KeySpec>>> = { readonly [K in keyof S]: S[K] extends KeySpec<infer T> ? T : never };
