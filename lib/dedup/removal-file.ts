import { createHash } from 'node:crypto';
import { DedupFileError } from './errors.ts';
import type { ExactRemovals } from './exact-partition.ts';
import { uint32View } from './group-file.ts';

/**
 * dedup/removals/p-<partition>.bin: the copies one partition of exact deduplication removes, laid out by the units of
 * the shuffle's top level (merged groups of consecutive gather groups, or the gather groups when the plan merges none:
 * runs of consecutive work items; "groups" below), so the stage that writes each item's removal list
 * reads one range per partition: the shuffle back from partitions to items. Little-endian.
 *
 * header (HEADER_FIXED bytes, then a table): magic "PXDR" u32, version u32, groups G u32, reserved u32, sha256 of the
 *   body (32 bytes), section offsets f64 x (G + 1) (from the file's start)
 * section g: records (item u32, row u32, tokens u32, key f32 (NaN: excluded)) of the items of group g, in (item, row)
 *   order
 */
const MAGIC = 0x52445850; // "PXDR"
const VERSION = 1;
const HEADER_FIXED = 16 + 32;
const RECORD = 16;

export function removalHeaderBytes(groups: number): number {
  return HEADER_FIXED + 8 * (groups + 1);
}

/** Lays a partition's removals (in (item, row) order) out by group of `groupItems` consecutive items. */
export function encodeRemovals(r: ExactRemovals, groups: number, groupItems: number): Buffer {
  const header = removalHeaderBytes(groups);
  const out = Buffer.alloc(header + r.count * RECORD);
  const words = new Uint32Array(out.buffer, out.byteOffset + header, r.count * 4);
  const keys = new Float32Array(out.buffer, out.byteOffset + header, r.count * 4);
  const offsets = new Float64Array(groups + 1);
  let g = 0;
  offsets[0] = header;
  for (let i = 0; i < r.count; i++) {
    const group = Math.floor(r.item[i]! / groupItems);
    if (group >= groups) throw new RangeError(`encodeRemovals: item ${r.item[i]} is past the plan's ${groups} group(s)`);
    while (g < group) offsets[++g] = header + i * RECORD;
    words[4 * i] = r.item[i]!;
    words[4 * i + 1] = r.row[i]!;
    words[4 * i + 2] = r.tokens[i]!;
    keys[4 * i + 3] = r.key[i]!;
  }
  while (g < groups) offsets[++g] = header + r.count * RECORD;
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(groups, 8);
  for (let i = 0; i <= groups; i++) out.writeDoubleLE(offsets[i]!, HEADER_FIXED + 8 * i);
  createHash('sha256').update(out.subarray(header)).digest().copy(out, 16);
  return out;
}

/** Reads a removal file's header: each group's section and a digest of the body. `groups` must match the plan's. */
export function decodeRemovalHeader(buf: Buffer, groups: number, uri: string): { digest: string; sections: { start: number; end: number }[] } {
  if (buf.length < HEADER_FIXED || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel dedup removal file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `removal file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const G = buf.readUInt32LE(8);
  if (G !== groups) throw new DedupFileError(uri, `written for ${G} groups, the plan has ${groups}`);
  if (buf.length < removalHeaderBytes(G)) throw new DedupFileError(uri, 'header cut short');
  const sections: { start: number; end: number }[] = [];
  for (let g = 0; g < G; g++) {
    const start = buf.readDoubleLE(HEADER_FIXED + 8 * g);
    const end = buf.readDoubleLE(HEADER_FIXED + 8 * (g + 1));
    if (!(end >= start) || (end - start) % RECORD !== 0 || start < removalHeaderBytes(G)) throw new DedupFileError(uri, `group ${g}: inconsistent section [${start}, ${end})`);
    sections.push({ start, end });
  }
  return { digest: buf.subarray(16, 48).toString('hex'), sections };
}

/** Decodes one section's records. */
export function decodeRemovalSection(buf: Buffer, uri: string): ExactRemovals {
  if (buf.length % RECORD !== 0) throw new DedupFileError(uri, `a section of ${buf.length} bytes is not whole ${RECORD}-byte records`);
  const n = buf.length / RECORD;
  const w = uint32View(buf);
  const f = new Float32Array(w.buffer, w.byteOffset, w.length);
  const out: ExactRemovals = { count: n, item: new Uint32Array(n), row: new Uint32Array(n), tokens: new Uint32Array(n), key: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    out.item[i] = w[4 * i]!;
    out.row[i] = w[4 * i + 1]!;
    out.tokens[i] = w[4 * i + 2]!;
    out.key[i] = f[4 * i + 3]!;
  }
  return out;
}
