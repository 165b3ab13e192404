import { didYouMean } from '../../util/did-you-mean';
import type { Interactions } from '../interactions';

export type ParamValue = number | boolean | string | string[];

/** One parameter of a step, written `name=value` after the step's name. */
export interface ParamSpec {
  readonly type: 'int' | 'number' | 'bool' | 'string' | 'strings';
  /** absent: the parameter is required */
  readonly default?: ParamValue;
  readonly doc: string;
  readonly min?: number;
  readonly max?: number;
  readonly allowed?: readonly string[];
}

export type StepArgs = Readonly<Record<string, ParamValue>>;

export interface StepContext {
  readonly seed: number;
  /** the step's position in data.preprocess, which also names its random stream */
  readonly index: number;
  /** `data.preprocess[i] "text"`, to start an error message with */
  readonly where: string;
}

/** A preprocessing step: Interactions in, Interactions out (compact, each user's items in time order). */
export interface PreprocessStep {
  readonly name: string;
  readonly doc: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** draws from the seed's `split` stream, so the seed is part of the cache key */
  readonly random?: boolean;
  apply(data: Interactions, args: StepArgs, context: StepContext): Interactions;
}

/** A step as written in the config, checked against its declaration, defaults filled in. */
export interface ParsedStep {
  readonly step: PreprocessStep;
  readonly args: StepArgs;
  readonly text: string;
}

type Parsed = { readonly ok: ParamValue } | { readonly error: string };

function parseValue(text: string, spec: ParamSpec): Parsed {
  if (spec.type === 'bool') {
    return text === 'true' || text === 'false' ? { ok: text === 'true' } : { error: 'expected true or false' };
  }
  if (spec.type === 'string' || spec.type === 'strings') {
    const values = spec.type === 'strings' ? text.split(',').filter((v) => v !== '') : [text];
    if (values.length === 0 || values[0] === '') return { error: 'expected a value' };
    const bad = spec.allowed ? values.find((v) => !spec.allowed?.includes(v)) : undefined;
    if (bad !== undefined) return { error: `"${bad}" is not one of ${spec.allowed?.join(', ')}${didYouMean(bad, spec.allowed ?? [])}` };
    return { ok: spec.type === 'strings' ? values : values[0] };
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) return { error: `expected a number, got "${text}"` };
  if (spec.type === 'int' && !Number.isInteger(value)) return { error: `expected a whole number, got ${text}` };
  if (spec.min !== undefined && value < spec.min) return { error: `${value} is below the minimum ${spec.min}` };
  if (spec.max !== undefined && value > spec.max) return { error: `${value} is above the maximum ${spec.max}` };
  return { ok: value };
}

/**
 * Parses `name key=value key=value` against the registry. Returns the parsed step or one error sentence
 * (the caller prefixes the key path and the entry's index).
 */
export function parseStep(text: string, registry: Readonly<Record<string, PreprocessStep>>): ParsedStep | string {
  const [name, ...pairs] = text.trim().split(/\s+/);
  const step = registry[name];
  if (!step) return `unknown step "${name}"; steps: ${Object.keys(registry).join(', ')}${didYouMean(name, Object.keys(registry))}`;
  const args: Record<string, ParamValue> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return `"${pair}": parameters are written name=value`;
    const key = pair.slice(0, equals);
    const spec = step.params[key];
    const known = Object.keys(step.params);
    if (!spec) return `${name} has no parameter "${key}"${known.length ? `; it takes ${known.join(', ')}` : ''}${didYouMean(key, known)}`;
    if (key in args) return `${key} is given twice`;
    const parsed = parseValue(pair.slice(equals + 1), spec);
    if ('error' in parsed) return `${key}: ${parsed.error}`;
    args[key] = parsed.ok;
  }
  for (const [key, spec] of Object.entries(step.params)) {
    if (key in args) continue;
    if (spec.default === undefined) return `${name} needs ${key}= (${spec.doc})`;
    args[key] = spec.default;
  }
  return { step, args, text: text.trim() };
}

export const intArg = (args: StepArgs, key: string) => args[key] as number;
export const numArg = (args: StepArgs, key: string) => args[key] as number;
export const strArg = (args: StepArgs, key: string) => args[key] as string;
export const strsArg = (args: StepArgs, key: string) => args[key] as string[];
