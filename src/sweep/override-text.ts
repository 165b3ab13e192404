import { parse as parseYaml } from 'yaml';
import { isDeepStrictEqual } from 'node:util';

/**
 * `key=value` as `memrec train --set` reads it back (parseOverride reads the value as YAML): numbers, booleans
 * and lists as JSON (which is YAML), a string bare when YAML reads it back as the same string, quoted otherwise.
 */
export function overrideText(key: string, value: unknown): string {
  return `${key}=${valueText(value)}`;
}

export function valueText(value: unknown): string {
  if (Array.isArray(value)) {
    // a YAML flow list without spaces, e.g. [5,10] or [hr,ndcg], when it reads back as the same list
    const flow = `[${value.map((element) => (typeof element === 'string' && /^[A-Za-z0-9_.@/-]+$/.test(element) ? element : JSON.stringify(element))).join(',')}]`;
    try {
      if (isDeepStrictEqual(parseYaml(flow), value)) return flow;
    } catch {
      // fall back to JSON
    }
  }
  if (typeof value === 'string') {
    if (value === '') return '';
    try {
      if (!/^\s|\s$/.test(value) && isDeepStrictEqual(parseYaml(value), value)) return value;
    } catch {
      // not YAML by itself: quote it
    }
  }
  return JSON.stringify(value) ?? 'null';
}
