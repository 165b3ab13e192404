import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../compute/backend';
import { UsageError } from '../util/errors';
import { didYouMean } from '../util/did-you-mean';
import type { Reporter } from '../util/reporter';

export { configFromFlags, loadConfig, type ConfigFlags } from '../schema/config-flags';

/** Collects repeated `--set key=value` flags. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--backend NAME` as a config override, checked here so that the error names the flag the user typed. */
export function backendOverride(flag: string | undefined): string[] {
  if (flag === undefined) return [];
  if (!(BACKEND_CHOICES as readonly string[]).includes(flag)) {
    throw new UsageError(`--backend ${flag}: expected one of ${BACKEND_CHOICES.join(', ')}${didYouMean(flag, BACKEND_CHOICES)}`);
  }
  return [`compute.backend=${flag}`];
}

/** The backend from --backend when given, else from the config; activates it and reports the choice. */
export async function activateBackend(flag: string | undefined, fromConfig: string, reporter: Reporter): Promise<string> {
  const choice = flag ?? fromConfig;
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new UsageError(`--backend ${choice}: expected one of ${BACKEND_CHOICES.join(', ')}`);
  }
  return selectBackend(choice as BackendChoice, reporter);
}
