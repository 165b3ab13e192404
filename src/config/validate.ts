import type { ConfigValue, KeySpec } from './spec';
import { didYouMean } from '../util/did-you-mean';

/** Describes what a key accepts, for error messages and the README's table. */
export function describeAllowed(spec: KeySpec): string {
  const bounds: string[] = [];
  if (spec.above !== undefined) bounds.push(`> ${spec.above}`);
  if (spec.min !== undefined) bounds.push(`>= ${spec.min}`);
  if (spec.max !== undefined) bounds.push(`<= ${spec.max}`);
  if (spec.below !== undefined) bounds.push(`< ${spec.below}`);
  const range = bounds.length > 0 ? ` ${bounds.join(' and ')}` : '';
  switch (spec.type) {
    case 'int':
      return `an integer${range}`;
    case 'number':
      return `a number${range}`;
    case 'bool':
      return 'true or false';
    case 'string':
      return spec.allowed ? `one of ${spec.allowed.join(', ')}` : 'a string';
    case 'int[]':
      return `a list of integers${range}`;
    case 'number[]':
      return `a list of numbers${range}`;
    case 'string[]':
      return spec.allowed ? `a list of values from ${spec.allowed.join(', ')}` : 'a list of strings';
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value)));

function checkNumber(value: unknown, spec: KeySpec, integer: boolean): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a number';
  if (integer && !Number.isInteger(value)) return 'not an integer';
  if (spec.min !== undefined && value < spec.min) return 'out of range';
  if (spec.max !== undefined && value > spec.max) return 'out of range';
  if (spec.above !== undefined && value <= spec.above) return 'out of range';
  if (spec.below !== undefined && value >= spec.below) return 'out of range';
  return null;
}

function checkString(value: unknown, spec: KeySpec): string | null {
  if (typeof value !== 'string') return 'not a string';
  if (spec.allowed && !spec.allowed.includes(value)) return `not allowed${didYouMean(value, spec.allowed)}`;
  return null;
}

/**
 * Checks `value` against `spec`. Returns the value to store, or a message fragment saying what is wrong:
 * "<value> is <problem>; expected <allowed>".
 */
export function checkValue(value: unknown, spec: KeySpec): { ok: ConfigValue } | { error: string } {
  const fail = (problem: string) => ({ error: `${show(value)} is ${problem}; expected ${describeAllowed(spec)}` });
  const single = (v: unknown): string | null => {
    switch (spec.type) {
      case 'int':
      case 'int[]':
        return checkNumber(v, spec, true);
      case 'number':
      case 'number[]':
        return checkNumber(v, spec, false);
      case 'string':
      case 'string[]':
        return checkString(v, spec);
      case 'bool':
        return typeof v === 'boolean' ? null : 'not true or false';
    }
  };
  if (spec.type.endsWith('[]')) {
    // A single scalar where a list is expected is accepted as a one-element list (`--set eval.cutoffs=10`).
    const list = Array.isArray(value) ? value : [value];
    // an empty list is a value only where the key's default is one (data.preprocess: no steps)
    if (list.length === 0 && (spec.default as unknown[]).length > 0) return fail('an empty list');
    for (const element of list) {
      const problem = single(element);
      if (problem) return { error: `${show(element)} in ${show(value)} is ${problem}; expected ${describeAllowed(spec)}` };
    }
    return { ok: list as ConfigValue };
  }
  const problem = single(value);
  return problem ? fail(problem) : { ok: value as ConfigValue };
}
