import onnxProto from 'onnx-proto';
import type { EnsembleModel } from './types.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/** Input and output names of the proxy graph (also what a user-provided proxy graph must take and give). */
export const PROXY_GRAPH = {
  /** int32 [K, W]: member-major bucket ids into the concatenated member tables, the batch's documents side by side. */
  ids: 'ids',
  /** float [W]: occurrences of each column's n-gram in its document (0 for the padding column). */
  counts: 'counts',
  /** int32 [N+1]: column offsets of the documents (document r owns columns offsets[r] .. offsets[r+1]). */
  offsets: 'offsets',
  /** float [N]: per-document pooling scale. */
  scale: 'scale',
  /** float [N, D]: standardised dense statistics. */
  dense: 'dense',
  mean: 'mean',
  std: 'std',
} as const;

function floatTensor(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function int64Tensor(name: string, values: number[]) {
  const raw = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(raw.buffer) });
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, number | number[]> = {}) {
  const attribute = Object.entries(attrs).map(([name, v]) =>
    Array.isArray(v)
      ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v })
      : onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v }),
  );
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute });
}

/**
 * Exports the ensemble as one ONNX graph (opset 17), without padding: GatherElements of each member's bucket weights
 * over the flattened columns, times the counts, and per-document segment sums as differences of an exclusive CumSum
 * (along the columns, on the transposed [W, K] products) taken at the document offsets (in float64, so the sums are the float32 rounding of the exact sums, whatever the
 * other documents of the run); times the pooling scale, plus MatMul of the dense statistics and the bias, giving member
 * predictions [N, K]; outputs `mean` [N] and `std` [N] (population std over members). Deterministic: the same model
 * gives the same bytes.
 */
export function exportEnsembleOnnx(model: EnsembleModel): Uint8Array {
  const k = model.members;
  const d = model.features.dense.length;
  const g = PROXY_GRAPH;
  const graph = onnx.GraphProto.create({
    name: 'proxysel_hashed_ensemble',
    node: [
      // GatherElements on the flattened ids, not Gather: onnxruntime's Gather copies scalar elements one memcpy at a
      // time, GatherElements is a typed loop; same values.
      node('Shape', [g.ids], ['ids_shape']),
      node('Reshape', [g.ids, 'flat_shape'], ['ids_flat']),
      node('GatherElements', ['table', 'ids_flat'], ['gathered_flat'], { axis: 0 }),
      node('Reshape', ['gathered_flat', 'ids_shape'], ['gathered']),
      node('Cast', ['gathered'], ['gathered64'], { to: DOUBLE }),
      node('Cast', [g.counts], ['counts64'], { to: DOUBLE }),
      node('Mul', ['gathered64', 'counts64'], ['weighted']),
      // Column-major [W, K] for the prefix sums: onnxruntime's CumSum along the last axis of [K, W] handles one element
      // per step (about 5x slower than along axis 0 of [W, K], K elements per step); the transpose costs less than that.
      node('Transpose', ['weighted'], ['weighted_wk'], { perm: [1, 0] }),
      // prefix[c, m] = sum of weighted[0 .. c-1, m]; a document's sum is prefix at its end minus prefix at its start.
      node('CumSum', ['weighted_wk', 'zero'], ['prefix'], { exclusive: 1 }),
      node('Gather', ['prefix', g.offsets], ['at_offsets'], { axis: 0 }),
      node('Slice', ['at_offsets', 'one', 'slice_end', 'zero'], ['at_ends']),
      node('Slice', ['at_offsets', 'zero', 'minus_one', 'zero'], ['at_starts']),
      node('Sub', ['at_ends', 'at_starts'], ['sums64']),
      node('Cast', ['sums64'], ['summed'], { to: FLOAT }),
      node('Unsqueeze', [g.scale, 'axis_k'], ['scale_col']),
      node('Mul', ['summed', 'scale_col'], ['pooled']),
      node('MatMul', [g.dense, 'dense_weights'], ['dense_part']),
      node('Add', ['pooled', 'dense_part'], ['no_bias']),
      node('Add', ['no_bias', 'bias'], ['members']),
      node('ReduceMean', ['members'], [g.mean], { axes: [1], keepdims: 0 }),
      node('ReduceMean', ['members'], ['mean_col'], { axes: [1], keepdims: 1 }),
      node('Sub', ['members', 'mean_col'], ['centred']),
      node('Mul', ['centred', 'centred'], ['squared']),
      node('ReduceMean', ['squared'], ['variance'], { axes: [1], keepdims: 0 }),
      node('Sqrt', ['variance'], [g.std]),
    ],
    initializer: [
      floatTensor('table', [model.table.length], model.table),
      floatTensor('dense_weights', [d, k], model.denseWeights),
      floatTensor('bias', [k], model.bias),
      int64Tensor('flat_shape', [-1]),
      int64Tensor('axis_k', [1]),
      int64Tensor('zero', [0]),
      int64Tensor('one', [1]),
      int64Tensor('minus_one', [-1]),
      int64Tensor('slice_end', [2 ** 31 - 1]),
    ],
    input: [
      valueInfo(g.ids, INT32, [k, 'W']),
      valueInfo(g.counts, FLOAT, ['W']),
      valueInfo(g.offsets, INT32, ['N1']),
      valueInfo(g.scale, FLOAT, ['N']),
      valueInfo(g.dense, FLOAT, ['N', d]),
    ],
    output: [valueInfo(g.mean, FLOAT, ['N']), valueInfo(g.std, FLOAT, ['N'])],
  });
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'proxysel',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}
