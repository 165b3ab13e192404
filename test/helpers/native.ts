import { existsSync } from 'node:fs';
import { selectBackend } from '../../src/compute/backend';
import { loadNativeAddon, nativeAddonPath, type NativeAddon } from '../../src/compute/native/addon';
import { Reporter } from '../../src/util/reporter';

/**
 * Why tests of the native backend are skipped, or false when they run. They fail when the addon does not load,
 * except when it is disabled (MEMREC_NATIVE=off) or was never built (a machine without a compiler) and
 * MEMREC_REQUIRE_NATIVE=1 does not say it must be there (`make test` sets it where g++ or c++ is on PATH).
 */
export function nativeSkipReason(): string | false {
  const loaded = loadNativeAddon();
  if ('addon' in loaded) return false;
  if (process.env.MEMREC_NATIVE === 'off') return 'MEMREC_NATIVE=off';
  if (!existsSync(nativeAddonPath()) && process.env.MEMREC_REQUIRE_NATIVE !== '1') {
    return `${nativeAddonPath()} was not built (MEMREC_REQUIRE_NATIVE=1 would fail here)`;
  }
  return false;
}

/** The loaded addon; throws with the loader's reason when it did not load. */
export function nativeAddon(): NativeAddon {
  const loaded = loadNativeAddon();
  if ('reason' in loaded) throw new Error(`the native addon did not load: ${loaded.reason}`);
  return loaded.addon;
}

/** Activates the `native` backend (throws when it cannot). */
export async function useNative(): Promise<void> {
  await selectBackend('native', new Reporter(true));
}
