/** Registers memrec's kernels for tfjs's webgpu backend. */
export function registerWebgpuKernels(): void {}
