import type { ConfigValue, KeySpec, ParamsOf, Schema } from './spec';

/**
 * A validated config with every default filled in. Values are read by key path with a typed getter; asking for
 * a key the schema does not declare, or with the wrong type, is a programming error and throws.
 */
export class ResolvedConfig {
  constructor(
    readonly schema: Schema,
    private readonly values: ReadonlyMap<string, ConfigValue>,
    /** where the config came from, for messages: a file path, or "defaults" */
    readonly source: string,
    /** where each given key was written (`file:line`, `--set key=value`); keys left at their default have none */
    private readonly origins: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Where `path`'s value comes from, for a message about it: its file and line, its --set flag, or the default. */
  whereIs(path: string): string {
    return this.origins.get(path) ?? (this.source === 'defaults' ? 'defaults' : `${this.source} (default)`);
  }

  has(path: string): boolean {
    return this.values.has(path);
  }

  /** The value at `path` whatever its type (for comparing configs and printing). */
  get(path: string): ConfigValue | undefined {
    return this.values.get(path);
  }

  private value(path: string, type: string): ConfigValue {
    const spec = this.schema[path];
    if (!spec || !this.values.has(path)) throw new Error(`config key ${path} is not declared in the schema`);
    if (spec.type !== type) throw new Error(`config key ${path} is ${spec.type}, read as ${type}`);
    return this.values.get(path) as ConfigValue;
  }

  int(path: string): number {
    return this.value(path, 'int') as number;
  }

  num(path: string): number {
    return this.value(path, 'number') as number;
  }

  str(path: string): string {
    return this.value(path, 'string') as string;
  }

  bool(path: string): boolean {
    return this.value(path, 'bool') as boolean;
  }

  ints(path: string): number[] {
    return [...(this.value(path, 'int[]') as number[])];
  }

  strs(path: string): string[] {
    return [...(this.value(path, 'string[]') as string[])];
  }

  /**
   * The values of `keys` under `prefix.` as one typed object (e.g. a model's keys under `model.`): read once,
   * where a component is created, instead of by key path wherever a value is used.
   */
  params<S extends Readonly<Record<string, KeySpec>>>(prefix: string, keys: S): ParamsOf<S> {
    const out: Record<string, ConfigValue> = {};
    for (const key of Object.keys(keys)) {
      const path = `${prefix}.${key}`;
      if (!this.values.has(path)) throw new Error(`config key ${path} is not declared in the schema`);
      const value = this.values.get(path) as ConfigValue;
      out[key] = Array.isArray(value) ? Object.freeze([...value]) as ConfigValue : value;
    }
    return out as ParamsOf<S>;
  }

  /** All key paths with their values, in schema order. */
  entries(): [string, ConfigValue][] {
    return Object.keys(this.schema)
      .filter((path) => this.values.has(path))
      .map((path) => [path, this.values.get(path) as ConfigValue]);
  }

  /** The config as a nested object, as it would be written in YAML. */
  toNested(): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const [path, value] of this.entries()) {
      const parts = path.split('.');
      let node = root;
      for (const part of parts.slice(0, -1)) {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
      node[parts[parts.length - 1]] = Array.isArray(value) ? [...value] : value;
    }
    return root;
  }

  /** A copy with some values replaced (already validated by the caller). */
  with(overrides: Record<string, ConfigValue>): ResolvedConfig {
    const values = new Map(this.values);
    for (const [path, value] of Object.entries(overrides)) {
      if (!this.schema[path]) throw new Error(`config key ${path} is not declared in the schema`);
      values.set(path, value);
    }
    return new ResolvedConfig(this.schema, values, this.source, this.origins);
  }
}
