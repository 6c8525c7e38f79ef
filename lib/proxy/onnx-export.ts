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
 * Columns per block of the graph's segment sums: the products are summed per block of this many columns (ReduceSum),
 * and a document's sum is read off those block sums plus the partial blocks at its two ends.
 */
const SUM_BLOCK = 32;

function int32Scalar(name: string, value: number) {
  return onnx.TensorProto.create({ name, dims: [], dataType: INT32, rawData: new Uint8Array(new Int32Array([value]).buffer) });
}

function int32Tensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: INT32, rawData: new Uint8Array(new Int32Array(values).buffer) });
}

/**
 * Exports the ensemble as one ONNX graph (opset 17), without padding documents to a common length: GatherElements of
 * each member's bucket weights over the flattened columns, times the counts, and per-document segment sums (in
 * float64, so each member sum is the float32 rounding of a float64 sum, whatever the other documents of the run): the
 * columns are padded to a multiple of SUM_BLOCK (padding id, count 0), summed per block, and a document's sum is the
 * difference of the prefix sums at its two offsets, each read off the exclusive CumSum of the block sums plus the
 * partial block before the offset. Times the pooling scale, plus MatMul of the dense statistics and the bias, giving
 * member predictions [N, K]; outputs `mean` [N] and `std` [N] (population std over members). Deterministic: the same
 * model gives the same bytes.
 */
export function exportEnsembleOnnx(model: EnsembleModel): Uint8Array {
  const k = model.members;
  const d = model.features.dense.length;
  const g = PROXY_GRAPH;
  const graph = onnx.GraphProto.create({
    name: 'proxysel_hashed_ensemble',
    node: [
      // W padded to Wp, a multiple of SUM_BLOCK B: pad = -W mod B (integer Mod takes the divisor's sign) columns of the
      // padding id (weight 0) with count 0.
      node('Shape', [g.counts], ['w']),
      node('Neg', ['w'], ['minus_w']),
      node('Mod', ['minus_w', 'block64'], ['pad']),
      node('Concat', ['zeros3', 'pad'], ['ids_pads'], { axis: 0 }),
      node('Concat', ['zero', 'pad'], ['counts_pads'], { axis: 0 }),
      node('Pad', [g.ids, 'ids_pads', 'pad_id'], ['ids_padded']),
      node('Pad', [g.counts, 'counts_pads', 'zero_count'], ['counts_padded']),
      // GatherElements on the flattened ids, not Gather: onnxruntime's Gather copies scalar elements one memcpy at a
      // time, GatherElements is a typed loop; same values.
      node('Reshape', ['ids_padded', 'flat_shape'], ['ids_flat']),
      node('GatherElements', ['table', 'ids_flat'], ['gathered_flat'], { axis: 0 }),
      // Products in blocks [K, Wp / B, B], their sums and the exclusive prefix sums of those [K, Wp / B]. (onnxruntime's
      // CumSum steps one element at a time along the last axis: over every column it cost more than the products.)
      node('Reshape', ['gathered_flat', 'block_shape'], ['gathered']),
      node('Cast', ['gathered'], ['gathered64'], { to: DOUBLE }),
      node('Reshape', ['counts_padded', 'count_block_shape'], ['counts_blocks']),
      node('Cast', ['counts_blocks'], ['counts64'], { to: DOUBLE }),
      node('Mul', ['gathered64', 'counts64'], ['blocks']),
      node('ReduceSum', ['blocks', 'axis_2'], ['block_sums'], { keepdims: 0 }),
      node('CumSum', ['block_sums', 'one'], ['block_prefix'], { exclusive: 1 }),
      // prefix at column o = block_prefix[o / B] + the products of o's block before it (those at positions < o % B).
      node('Div', [g.offsets, 'block32'], ['offset_block']),
      node('Mod', [g.offsets, 'block32'], ['offset_in_block']),
      node('Gather', ['block_prefix', 'offset_block'], ['prefix_of_blocks'], { axis: 1 }),
      node('Gather', ['blocks', 'offset_block'], ['offset_blocks'], { axis: 1 }),
      node('Unsqueeze', ['offset_in_block', 'one'], ['offset_in_block_col']),
      node('Less', ['block_positions', 'offset_in_block_col'], ['before_offset']),
      node('Where', ['before_offset', 'offset_blocks', 'zero64'], ['partial_terms']),
      node('ReduceSum', ['partial_terms', 'axis_2'], ['partial'], { keepdims: 0 }),
      node('Add', ['prefix_of_blocks', 'partial'], ['at_offsets']),
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
      int64Tensor('block64', [SUM_BLOCK]),
      int32Scalar('block32', SUM_BLOCK),
      int64Tensor('zeros3', [0, 0, 0]),
      int64Tensor('axis_2', [2]),
      int64Tensor('block_shape', [k, -1, SUM_BLOCK]),
      int64Tensor('count_block_shape', [-1, SUM_BLOCK]),
      int32Tensor('block_positions', [1, SUM_BLOCK], Array.from({ length: SUM_BLOCK }, (_, i) => i)),
      int32Scalar('pad_id', model.table.length - 1),
      onnx.TensorProto.create({ name: 'zero_count', dims: [], dataType: FLOAT, rawData: new Uint8Array(new Float32Array([0]).buffer) }),
      onnx.TensorProto.create({ name: 'zero64', dims: [], dataType: DOUBLE, rawData: new Uint8Array(new Float64Array([0]).buffer) }),
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
