import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type NumericArray = Float32Array | Int32Array;

/** One UnsortedSegmentSum call: the ids flatten x's leading dims into rows of `rowSize` values. */
interface SegmentSum {
  x: tf.TensorInfo;
  segmentIds: tf.TensorInfo;
  numSegments: number;
  rowSize: number;
  outShape: number[];
}

/** Validates the call as TF does: segmentIds' shape is a prefix of x's shape; x is float32 or int32. */
function unpack(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined): SegmentSum {
  const { x, segmentIds } = inputs as tf.UnsortedSegmentSumInputs;
  const numSegments = attrs?.numSegments;
  if (!x || !segmentIds) throw new Error('UnsortedSegmentSum needs inputs x and segmentIds');
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum supports float32 and int32, got ${x.dtype}`);
  }
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const k = segmentIds.shape.length;
  if (k > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`,
    );
  }
  const rest = x.shape.slice(k);
  return { x, segmentIds, numSegments, rowSize: tf.util.sizeFromShape(rest), outShape: [numSegments, ...rest] };
}

/**
 * out[ids[r]] += x[r] for every row r in index order (so results are deterministic); `out` must be zeroed.
 * Ids outside [0, numSegments) are dropped, as TF does.
 */
function accumulate(x: NumericArray, ids: Int32Array, rowSize: number, numSegments: number, out: NumericArray): void {
  const numRows = ids.length;
  for (let r = 0; r < numRows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * rowSize;
    const dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) out[dst + j] += x[src + j];
  }
}

function segmentIdsArray(values: unknown): Int32Array {
  if (!(values instanceof Int32Array)) throw new Error('UnsortedSegmentSum: segmentIds must be int32');
  return values;
}

/** cpu: reads the backend's own arrays and hands the result array over without copying. */
const unsortedSegmentSumCpu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds, numSegments, rowSize, outShape } = unpack(inputs, attrs);
  const cpu = backend as MathBackendCPU;
  const xValues = cpu.data.get(x.dataId).values as NumericArray;
  const ids = segmentIdsArray(cpu.data.get(segmentIds.dataId).values);
  const size = numSegments * rowSize;
  const out = x.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  accumulate(xValues, ids, rowSize, numSegments, out);
  return cpu.makeTensorInfo(outShape, x.dtype, out);
};

/** wasm: works on views of the wasm heap; no wasm code is involved. */
const unsortedSegmentSumWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds, numSegments, rowSize, outShape } = unpack(inputs, attrs);
  const wasm = backend as BackendWasm;
  const outInfo = wasm.makeOutput(outShape, x.dtype);
  // Views only after the allocation: a malloc that grows the heap detaches views taken before it.
  const out = wasm.typedArrayFromHeap(outInfo) as NumericArray;
  out.fill(0);
  const xValues = wasm.typedArrayFromHeap(x) as NumericArray;
  const ids = segmentIdsArray(wasm.typedArrayFromHeap(segmentIds));
  accumulate(xValues, ids, rowSize, numSegments, out);
  return outInfo;
};

export const unsortedSegmentSumConfigs: tf.KernelConfig[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'cpu', kernelFunc: unsortedSegmentSumCpu },
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm },
];
