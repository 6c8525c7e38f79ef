import { refKey } from './doc-ref.ts';
import { DedupFileError } from './errors.ts';
import type { DuplicateEdge } from './types.ts';

/**
 * dedup/pairs/p-<partition>.bin: one partition's verified pairs. Little-endian.
 * header: magic "PXDE", version 1, pairs N; pair: item a, pos a, item b, pos b (u32 each), Jaccard f32
 */
const MAGIC = 0x45445850; // "PXDE"
const VERSION = 1;
const HEADER = 12;
const PAIR = 20;

export function encodeEdges(edges: readonly DuplicateEdge[]): Buffer {
  const buf = Buffer.alloc(HEADER + PAIR * edges.length);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(edges.length, 8);
  edges.forEach((e, i) => {
    const o = HEADER + PAIR * i;
    buf.writeUInt32LE(e.a.item, o);
    buf.writeUInt32LE(e.a.pos, o + 4);
    buf.writeUInt32LE(e.b.item, o + 8);
    buf.writeUInt32LE(e.b.pos, o + 12);
    buf.writeFloatLE(e.jaccard, o + 16);
  });
  return buf;
}

/**
 * Verified pairs as two columns of ref keys (see `refKey`): pair i is (a[i], b[i]). 16 bytes a pair, where a list of
 * edge objects took about 100: what the clustering holds of every partition's pairs.
 */
export class PairList {
  count = 0;
  a = new Float64Array(0);
  b = new Float64Array(0);

  push(a: number, b: number): void {
    if (this.count === this.a.length) this.reserve(Math.max(1024, this.count * 2));
    this.a[this.count] = a;
    this.b[this.count++] = b;
  }

  /** Makes room for `n` pairs in all. */
  reserve(n: number): void {
    if (n <= this.a.length) return;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    a.set(this.a.subarray(0, this.count));
    b.set(this.b.subarray(0, this.count));
    this.a = a;
    this.b = b;
  }
}

/** Appends a pair file's pairs to `into` (Jaccard values are not kept: the clustering recomputes what it needs). */
export function decodePairs(buf: Buffer, uri: string, into: PairList = new PairList()): PairList {
  if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel pair file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `pair file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const n = buf.readUInt32LE(8);
  if (buf.length !== HEADER + PAIR * n) throw new DedupFileError(uri, `holds ${buf.length} bytes, header says ${n} pairs`);
  into.reserve(into.count + n);
  for (let i = 0; i < n; i++) {
    const o = HEADER + PAIR * i;
    into.push(refKey(buf.readUInt32LE(o), buf.readUInt32LE(o + 4)), refKey(buf.readUInt32LE(o + 8), buf.readUInt32LE(o + 12)));
  }
  return into;
}
