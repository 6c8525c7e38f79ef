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

export function decodeEdges(buf: Buffer, uri: string): DuplicateEdge[] {
  if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel pair file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `pair file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const n = buf.readUInt32LE(8);
  if (buf.length !== HEADER + PAIR * n) throw new DedupFileError(uri, `holds ${buf.length} bytes, header says ${n} pairs`);
  const out: DuplicateEdge[] = [];
  for (let i = 0; i < n; i++) {
    const o = HEADER + PAIR * i;
    out.push({
      a: { item: buf.readUInt32LE(o), pos: buf.readUInt32LE(o + 4) },
      b: { item: buf.readUInt32LE(o + 8), pos: buf.readUInt32LE(o + 12) },
      jaccard: buf.readFloatLE(o + 16),
    });
  }
  return out;
}
