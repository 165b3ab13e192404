import { selectBackend } from '../../src/compute/backend';
import { startWebgpu } from '../../src/compute/webgpu';
import { Reporter } from '../../src/util/reporter';

/**
 * Why tests on the webgpu backend are skipped, or false when they run: skipped where WebGPU cannot start (no
 * package, Vulkan loader or driver), unless MEMREC_REQUIRE_WEBGPU=1 says it must (.ci/run sets it once it has
 * installed the loader and Mesa's software driver), and then they fail with the reason.
 */
export async function webgpuSkipReason(): Promise<string | false> {
  const found = await startWebgpu();
  if ('adapter' in found || process.env.MEMREC_REQUIRE_WEBGPU === '1') return false;
  return `${found.reason} (MEMREC_REQUIRE_WEBGPU=1 would fail here)`;
}

/** Activates the `webgpu` backend, a software adapter included (throws with the reason when it cannot). */
export async function useWebgpu(): Promise<void> {
  await selectBackend('webgpu', new Reporter(true));
}
