import onnxProto from 'onnx-proto';
import { COLUMN_BLOCK } from '../features/index.ts';
import type { EnsembleModel } from './types.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/** Input and output names of the proxy graph (also what a user-provided proxy graph must take and give). */
export const PROXY_GRAPH = {
  /** int32 [K, W]: member-major bucket ids into the concatenated member tables, the batch's documents side by side in blocks of 32 columns. */
  ids: 'ids',
  /** float [W]: occurrences of each column's n-gram in its document (0 for padding columns). */
  counts: 'counts',
  /** int32 [N+1]: column offsets of the documents, multiples of 32 (document r owns columns offsets[r] .. offsets[r+1]). */
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

function int32Scalar(name: string, value: number) {
  return onnx.TensorProto.create({ name, dims: [], dataType: INT32, rawData: new Uint8Array(new Int32Array([value]).buffer) });
}

/**
 * Exports the ensemble as one ONNX graph (opset 17), without padding documents to a common length. The columns come in
 * blocks of COLUMN_BLOCK (B = 32) that each hold one document's n-grams or padding (FeatureBatch): GatherElements of
 * each member's bucket weights over the flattened columns, times the counts, summed per block in float32 ([K, W / B]);
 * then a document's sum is the difference of the exclusive prefix sums (CumSum, float64) of the block sums at its two
 * block offsets, rounded once to float32. A block's sum depends only on its own document, and the float64 prefix sums
 * round away nothing a float32 result keeps, so a document scores the same whichever documents share its run. Times the
 * pooling scale, plus MatMul of the dense statistics and the bias, giving member predictions [N, K]; outputs `mean`
 * [N] and `std` [N] (population std over members). Deterministic: the same model gives the same bytes.
 */
export function exportEnsembleOnnx(model: EnsembleModel): Uint8Array {
  const k = model.members;
  const d = model.features.dense.length;
  const g = PROXY_GRAPH;
  const B = COLUMN_BLOCK;
  const graph = onnx.GraphProto.create({
    name: 'proxysel_hashed_ensemble',
    node: [
      // GatherElements on the flattened ids, not Gather: onnxruntime's Gather copies scalar elements one memcpy at a
      // time, GatherElements is a typed loop; same values.
      node('Reshape', [g.ids, 'flat_shape'], ['ids_flat']),
      node('GatherElements', ['table', 'ids_flat'], ['gathered_flat'], { axis: 0 }),
      // Products in blocks [K, W / B, B] and their sums, in float32: a block is one document's (float64 products and
      // sums cost a Cast of every product and twice the bytes per pass; onnxruntime's CumSum steps one element at a
      // time, so it runs over the block sums, B times fewer).
      node('Reshape', ['gathered_flat', 'block_shape'], ['gathered']),
      node('Reshape', [g.counts, 'count_block_shape'], ['counts_blocks']),
      node('Mul', ['gathered', 'counts_blocks'], ['blocks']),
      node('ReduceSum', ['blocks', 'axis_2'], ['block_sums32'], { keepdims: 0 }),
      node('Cast', ['block_sums32'], ['block_sums'], { to: DOUBLE }),
      node('CumSum', ['block_sums', 'one'], ['block_prefix'], { exclusive: 1 }),
      // The prefix at each document's first block; offsets[N] is the closing padding block's: the sum of all before it.
      node('Div', [g.offsets, 'block32'], ['offset_blocks']),
      node('Gather', ['block_prefix', 'offset_blocks'], ['at_offsets'], { axis: 1 }),
      // A document's sum: prefix at its end minus prefix at its start, [K, N], then [N, K].
      node('Slice', ['at_offsets', 'one', 'slice_end', 'one'], ['at_ends']),
      node('Slice', ['at_offsets', 'zero', 'minus_one', 'one'], ['at_starts']),
      node('Sub', ['at_ends', 'at_starts'], ['sums_kn']),
      node('Transpose', ['sums_kn'], ['sums64'], { perm: [1, 0] }),
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
      int32Scalar('block32', B),
      int64Tensor('axis_2', [2]),
      int64Tensor('block_shape', [k, -1, B]),
      int64Tensor('count_block_shape', [-1, B]),
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
    producerVersion: '2',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}
