import onnxProto from 'onnx-proto';
import type { EnsembleModel } from './types.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Input and output names of the proxy graph (also what a user-provided proxy graph must take and give). */
export const PROXY_GRAPH = {
  /** int32 [N, K, L]: bucket ids into the concatenated member tables (padding = K * buckets). */
  ids: 'ids',
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
 * Exports the ensemble as one ONNX graph (opset 17): GatherElements of each member's bucket weights, ReduceSum over positions,
 * times the pooling scale, plus MatMul of the dense statistics and the bias, giving member predictions [N, K]; outputs
 * `mean` [N] and `std` [N] (population std over members). Deterministic: the same model gives the same bytes.
 */
export function exportEnsembleOnnx(model: EnsembleModel): Uint8Array {
  const k = model.members;
  const d = model.features.dense.length;
  const g = PROXY_GRAPH;
  const graph = onnx.GraphProto.create({
    name: 'proxysel_hashed_ensemble',
    node: [
      // GatherElements on the flattened ids, not Gather: onnxruntime's Gather copies scalar elements one memcpy at a
      // time (about 25 ns per id on one core), GatherElements is a typed loop (about 2.5 ns); same values.
      node('Shape', [g.ids], ['ids_shape']),
      node('Reshape', [g.ids, 'flat_shape'], ['ids_flat']),
      node('GatherElements', ['table', 'ids_flat'], ['gathered_flat'], { axis: 0 }),
      node('Reshape', ['gathered_flat', 'ids_shape'], ['gathered']),
      node('ReduceSum', ['gathered', 'axis_l'], ['summed'], { keepdims: 0 }),
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
      int64Tensor('axis_l', [2]),
      int64Tensor('axis_k', [1]),
    ],
    input: [valueInfo(g.ids, INT32, ['N', k, 'L']), valueInfo(g.scale, FLOAT, ['N']), valueInfo(g.dense, FLOAT, ['N', d])],
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
