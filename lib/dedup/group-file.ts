import { createHash } from 'node:crypto';
import { BAND_RECORD, decodeBandFile, EXACT_RECORD, EXACT_WORDS } from './band-file.ts';
import { DedupFileError } from './errors.ts';
import { partitionOf } from './signature.ts';

/**
 * dedup/groups/g-<group>.bin: the band files of a group of consecutive work items, laid out again by partition: the
 * first level of the dedup shuffle. A partition then reads one byte range per group instead of one per work item, so
 * the shuffle's S3 requests grow with items + groups x partitions, not items x partitions (docs/performance.md, "The
 * dedup shuffle"). Little-endian.
 *
 * header (HEADER_FIXED bytes, then tables):
 *   magic "PXDG" u32, version u32, partitions P u32, first item u32, items u32, reserved u32,
 *   sha256 of the body (32 bytes: what a partition's resume fingerprint is made of),
 *   section offsets f64 x (P + 1) (from the file's start), band record counts u32 x P, documents per item u32 x items
 *   (every document has one exact record: what the cluster guard's item share is a share of)
 * section p: band records (key, item, pos) u32 x 3, then exact records (hash hi, hash lo, item, pos, row, tokens, tie,
 *   key f32) u32 x 8; items in order, each item's records in document order (so the records of a partition arrive
 *   sorted by (item, pos)).
 *
 * dedup/merged/m-<merge>.bin (the `dedup-merge` stage, lib/dedup/layout.ts) is a group file of M consecutive groups'
 * items, in the same format: items and documents per item concatenated, band counts summed, section p the band
 * records of section p of each input in order, then their exact records (so still in (item, pos) order: the inputs
 * hold consecutive item ranges). Its digest field is not the sha256 of its body but the sha256 of its inputs' digest
 * fields (32 bytes each, in order): the body is a deterministic function of the inputs' bodies, so that digest covers
 * it as well, and the merge never holds the file to hash it.
 */
const MAGIC = 0x47445850; // "PXDG"
const VERSION = 2;
const HEADER_FIXED = 24 + 32;
export const GROUP_BAND_RECORD = 12;
export const GROUP_EXACT_RECORD = 32;

/** Header bytes of a group file of `items` work items. */
export function groupHeaderBytes(partitions: number, items: number): number {
  return HEADER_FIXED + 8 * (partitions + 1) + 4 * partitions + 4 * items;
}

/** A Uint32Array over `buf`'s bytes (copied when the buffer is not 4-byte aligned). */
function u32(buf: Buffer, start = 0, end = buf.length): Uint32Array {
  const offset = buf.byteOffset + start;
  if (offset % 4 === 0) return new Uint32Array(buf.buffer, offset, (end - start) / 4);
  return new Uint32Array(Uint8Array.prototype.slice.call(buf, start, end).buffer);
}

/** One work item's band file as the gather stage read it. */
export interface GatherInput {
  /** The item's index in the plan. */
  item: number;
  /** The whole band file (scores/<item>.bands). */
  file: Buffer;
  uri: string;
}

/**
 * Lays the band files of consecutive items out by partition, adding each record's item index. Pure and deterministic:
 * the same files give the same bytes. Within a partition, records keep (item, pos) order.
 */
export function gatherBandFiles(inputs: readonly GatherInput[], partitions: number, firstItem: number): Buffer {
  const P = partitions;
  const decoded = inputs.map((input) => ({ ...input, chunks: decodeBandFile(input.file, P, input.uri) }));
  const bandCount = new Float64Array(P);
  const exactCount = new Float64Array(P);
  const itemDocs = new Uint32Array(inputs.length);
  decoded.forEach((d, i) => {
    for (const c of d.chunks) {
      const bands = u32(d.file, c.bandStart, c.bandStart + c.bands * BAND_RECORD);
      for (let i = 0; i < bands.length; i += 2) bandCount[partitionOf(bands[i]!, P)]!++;
      const exacts = u32(d.file, c.exactStart, c.exactStart + c.exacts * EXACT_RECORD);
      for (let i = 0; i < exacts.length; i += EXACT_WORDS) exactCount[partitionOf(exacts[i]!, P)]!++;
      itemDocs[i] += c.exacts;
    }
  });
  const header = groupHeaderBytes(P, inputs.length);
  const offsets = new Float64Array(P + 1);
  offsets[0] = header;
  for (let p = 0; p < P; p++) offsets[p + 1] = offsets[p]! + bandCount[p]! * GROUP_BAND_RECORD + exactCount[p]! * GROUP_EXACT_RECORD;
  const total = offsets[P]!;
  if (total > 2 ** 31) throw new DedupFileError(`group of items from ${firstItem}`, `${total} bytes: over 2 GiB in one group; give dedup.partitions or smaller work items`);
  const out = Buffer.alloc(total);
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  // Word cursors of each partition's band and exact regions.
  const bandAt = new Float64Array(P);
  const exactAt = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    bandAt[p] = offsets[p]! / 4;
    exactAt[p] = (offsets[p]! + bandCount[p]! * GROUP_BAND_RECORD) / 4;
  }
  for (const d of decoded) {
    for (const c of d.chunks) {
      const bands = u32(d.file, c.bandStart, c.bandStart + c.bands * BAND_RECORD);
      for (let i = 0; i < bands.length; i += 2) {
        const p = partitionOf(bands[i]!, P);
        let at = bandAt[p]!;
        words[at++] = bands[i]!;
        words[at++] = d.item;
        words[at++] = bands[i + 1]!;
        bandAt[p] = at;
      }
      const exacts = u32(d.file, c.exactStart, c.exactStart + c.exacts * EXACT_RECORD);
      for (let i = 0; i < exacts.length; i += EXACT_WORDS) {
        const p = partitionOf(exacts[i]!, P);
        let at = exactAt[p]!;
        words[at++] = exacts[i]!;
        words[at++] = exacts[i + 1]!;
        words[at++] = d.item;
        // pos, row, tokens, tie, key
        for (let w = 2; w < EXACT_WORDS; w++) words[at++] = exacts[i + w]!;
        exactAt[p] = at;
      }
    }
  }
  writeGroupHeader(out, firstItem, offsets, bandCount, itemDocs, createHash('sha256').update(out.subarray(header)).digest());
  return out;
}

/** Writes a group file's header into `out`'s first groupHeaderBytes(P, itemDocs.length) bytes (P = bandCount.length). */
function writeGroupHeader(out: Buffer, firstItem: number, offsets: ArrayLike<number>, bandCount: ArrayLike<number>, itemDocs: ArrayLike<number>, digest: Buffer): void {
  const P = bandCount.length;
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(P, 8);
  out.writeUInt32LE(firstItem, 12);
  out.writeUInt32LE(itemDocs.length, 16);
  digest.copy(out, 24);
  for (let p = 0; p <= P; p++) out.writeDoubleLE(offsets[p]!, HEADER_FIXED + 8 * p);
  for (let p = 0; p < P; p++) out.writeUInt32LE(bandCount[p]!, HEADER_FIXED + 8 * (P + 1) + 4 * p);
  for (let i = 0; i < itemDocs.length; i++) out.writeUInt32LE(itemDocs[i]!, HEADER_FIXED + 12 * P + 8 + 4 * i);
}

/** Where partition p's records lie in a group file. */
export interface GroupSection {
  start: number;
  end: number;
  bandRecords: number;
}

/**
 * Reads a group file's header (its first groupHeaderBytes(P, items) bytes, or more); `partitions` must match the plan's.
 * `itemDocs`: documents per item of the group, in item order.
 */
export type GroupHeader = { firstItem: number; items: number; itemDocs: number[]; digest: string; sections: GroupSection[] };

export function decodeGroupHeader(buf: Buffer, partitions: number, uri: string): GroupHeader {
  if (buf.length < HEADER_FIXED || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel dedup group file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `group file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const P = buf.readUInt32LE(8);
  if (P !== partitions) throw new DedupFileError(uri, `written for ${P} partitions, the plan has ${partitions}`);
  const items = buf.readUInt32LE(16);
  if (buf.length < groupHeaderBytes(P, items)) throw new DedupFileError(uri, 'header cut short');
  const sections: GroupSection[] = [];
  for (let p = 0; p < P; p++) {
    const start = buf.readDoubleLE(HEADER_FIXED + 8 * p);
    const end = buf.readDoubleLE(HEADER_FIXED + 8 * (p + 1));
    const bandRecords = buf.readUInt32LE(HEADER_FIXED + 8 * (P + 1) + 4 * p);
    const bandBytes = bandRecords * GROUP_BAND_RECORD;
    if (!(end >= start) || bandBytes > end - start || (end - start - bandBytes) % GROUP_EXACT_RECORD !== 0) {
      throw new DedupFileError(uri, `partition ${p}: inconsistent section [${start}, ${end}) with ${bandRecords} band records`);
    }
    sections.push({ start, end, bandRecords });
  }
  const itemDocs = Array.from({ length: items }, (_, i) => buf.readUInt32LE(HEADER_FIXED + 12 * P + 8 + 4 * i));
  return { firstItem: buf.readUInt32LE(12), items, itemDocs, digest: buf.subarray(24, 56).toString('hex'), sections };
}

export { u32 as uint32View };

/** One group file to merge: its decoded header, and its body (from the header's end) as a stream of chunks. */
export interface MergeInput {
  uri: string;
  header: GroupHeader;
  body: AsyncIterable<Buffer | Uint8Array>;
}

/** Where the merge writes: in order, waiting when the destination is behind (an ObjectStream). */
export interface MergeSink {
  write(chunk: Buffer): Promise<void>;
}

/**
 * The merged file's header, from its inputs' headers (consecutive groups, in order): what `mergeGroupFiles` writes
 * first. Throws naming the URI of an input that does not follow the one before it or whose sections are not laid out
 * back to back from its header's end.
 */
export function mergedGroupHeader(inputs: readonly { uri: string; header: GroupHeader }[], partitions: number): Buffer {
  const P = partitions;
  if (inputs.length === 0) throw new RangeError('mergedGroupHeader: no inputs');
  let items = 0;
  const itemDocs: number[] = [];
  inputs.forEach(({ uri, header: h }, j) => {
    if (h.sections.length !== P) throw new DedupFileError(uri, `${h.sections.length} partition sections, the merge has ${P}`);
    if (j > 0 && h.firstItem !== inputs[0]!.header.firstItem + items) throw new DedupFileError(uri, `starts at item ${h.firstItem}, not ${inputs[0]!.header.firstItem + items} after the group before it`);
    let at = groupHeaderBytes(P, h.items);
    for (const [p, s] of h.sections.entries()) {
      if (s.start !== at) throw new DedupFileError(uri, `partition ${p}'s section starts at ${s.start}, not ${at}`);
      at = s.end;
    }
    items += h.items;
    itemDocs.push(...h.itemDocs);
  });
  const offsets = new Float64Array(P + 1);
  const bandCount = new Float64Array(P);
  offsets[0] = groupHeaderBytes(P, items);
  for (let p = 0; p < P; p++) {
    let bytes = 0;
    for (const { header } of inputs) {
      const s = header.sections[p]!;
      bytes += s.end - s.start;
      bandCount[p] += s.bandRecords;
    }
    if (bandCount[p]! > 0xffffffff) throw new DedupFileError(inputs[0]!.uri, `partition ${p}: ${bandCount[p]} band records in one merged section`);
    offsets[p + 1] = offsets[p]! + bytes;
  }
  const digest = createHash('sha256');
  for (const { header } of inputs) digest.update(Buffer.from(header.digest, 'hex'));
  const out = Buffer.alloc(offsets[0]!);
  writeGroupHeader(out, inputs[0]!.header.firstItem, offsets, bandCount, itemDocs, digest.digest());
  return out;
}

/** Reads a group file's body strictly in order, `length` bytes in all, passing given byte counts on to a sink. */
class BodyReader {
  private readonly it: AsyncIterator<Buffer | Uint8Array>;
  private chunk: Buffer = Buffer.alloc(0);
  private done = 0;

  constructor(readonly uri: string, body: AsyncIterable<Buffer | Uint8Array>, private readonly length: number) {
    this.it = body[Symbol.asyncIterator]();
  }

  async copy(n: number, sink: MergeSink): Promise<void> {
    while (n > 0) {
      if (this.chunk.length === 0) {
        const r = await this.it.next();
        if (r.done) throw new DedupFileError(this.uri, `cut short: its body ended after ${this.done} of the ${this.length} bytes its header lays out`);
        this.chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        continue;
      }
      const take = Math.min(n, this.chunk.length);
      await sink.write(this.chunk.subarray(0, take));
      this.chunk = this.chunk.subarray(take);
      this.done += take;
      n -= take;
    }
  }

  /** Checks that the body ends where its header says. */
  async end(): Promise<void> {
    let extra = this.chunk.length;
    if (extra === 0) {
      const r = await this.it.next();
      if (!r.done) extra = r.value.length;
    }
    if (extra > 0) throw new DedupFileError(this.uri, `its body goes on past the ${this.length} bytes its header lays out`);
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/**
 * Merges consecutive group files into one, in the same format (see the file's comment), holding a stream chunk per
 * input: writes the merged header, then for each partition the band records of each input's section, then their exact
 * records, reading every input's body once, in order (band_0, exact_0, band_1, ...). Returns the bytes written. Throws
 * naming the input whose body ends early or runs past its header's layout.
 */
export async function mergeGroupFiles(inputs: readonly MergeInput[], partitions: number, sink: MergeSink): Promise<number> {
  const header = mergedGroupHeader(inputs, partitions);
  const readers = inputs.map((input) => {
    const s = input.header.sections;
    return new BodyReader(input.uri, input.body, s.length ? s[s.length - 1]!.end - s[0]!.start : 0);
  });
  try {
    await sink.write(header);
    let bytes = header.length;
    for (let p = 0; p < partitions; p++) {
      for (const [j, input] of inputs.entries()) {
        const n = input.header.sections[p]!.bandRecords * GROUP_BAND_RECORD;
        await readers[j]!.copy(n, sink);
        bytes += n;
      }
      for (const [j, input] of inputs.entries()) {
        const s = input.header.sections[p]!;
        const n = s.end - s.start - s.bandRecords * GROUP_BAND_RECORD;
        await readers[j]!.copy(n, sink);
        bytes += n;
      }
    }
    for (const r of readers) await r.end();
    return bytes;
  } finally {
    for (const r of readers) await r.close();
  }
}
