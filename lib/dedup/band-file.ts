import { DedupFileError } from './errors.ts';
import { partitionOf } from './signature.ts';

/**
 * scores/<item>.bands: one item's LSH band keys and exact hashes, grouped by partition (the key's prefix), so a dedup
 * partition reads one byte range per item. Little-endian.
 *
 * header: magic "PXDB", version 1, partitions P, documents; section offsets u32 x (P + 1) (from the file's start);
 *   band record counts u32 x P
 * section p: band records (key u32, pos u32), then exact records (hash u32 x 2, pos u32), in document order
 */
const MAGIC = 0x42445850; // "PXDB"
const VERSION = 1;
const BAND_RECORD = 8;
const EXACT_RECORD = 12;

export function bandHeaderBytes(partitions: number): number {
  return 16 + 4 * (partitions + 1) + 4 * partitions;
}

/** Grows a Uint32Array by doubling. */
class U32Builder {
  data = new Uint32Array(1024);
  length = 0;
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow();
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
  push2(a: number, b: number): void {
    if (this.length + 2 > this.data.length) this.grow();
    this.data[this.length++] = a;
    this.data[this.length++] = b;
  }
  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** Collects an item's band keys and exact hashes, then lays them out by partition. */
export class BandFileWriter {
  private readonly bands = new U32Builder();
  private readonly exacts = new U32Builder();
  private docs = 0;

  constructor(readonly partitions: number) {
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 65536) {
      throw new RangeError(`BandFileWriter: partitions must be an integer in [1, 65536], got ${partitions}`);
    }
  }

  /** Adds document `pos`: its band keys (none when it has no words) and its exact hash (omitted for kind "none"). */
  add(pos: number, keys: Uint32Array | null, exact: readonly [number, number] | null): void {
    this.docs++;
    if (keys) for (let b = 0; b < keys.length; b++) this.bands.push2(keys[b]!, pos);
    if (exact) this.exacts.push3(exact[0], exact[1], pos);
  }

  finish(): Buffer {
    const P = this.partitions;
    const bandCount = new Uint32Array(P);
    const exactCount = new Uint32Array(P);
    const nb = this.bands.length / 2;
    const ne = this.exacts.length / 3;
    const bd = this.bands.data;
    const ed = this.exacts.data;
    for (let i = 0; i < nb; i++) bandCount[partitionOf(bd[2 * i]!, P)]!++;
    for (let i = 0; i < ne; i++) exactCount[partitionOf(ed[3 * i]!, P)]!++;
    const header = bandHeaderBytes(P);
    const offsets = new Uint32Array(P + 1);
    offsets[0] = header;
    for (let p = 0; p < P; p++) offsets[p + 1] = offsets[p]! + bandCount[p]! * BAND_RECORD + exactCount[p]! * EXACT_RECORD;
    const buf = Buffer.alloc(offsets[P]!);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(VERSION, 4);
    buf.writeUInt32LE(P, 8);
    buf.writeUInt32LE(this.docs, 12);
    for (let p = 0; p <= P; p++) buf.writeUInt32LE(offsets[p]!, 16 + 4 * p);
    for (let p = 0; p < P; p++) buf.writeUInt32LE(bandCount[p]!, 16 + 4 * (P + 1) + 4 * p);
    // Laid out by partition (a stable counting sort); the dedup stage sorts each partition's records itself.
    const bandAt = new Uint32Array(P);
    const exactAt = new Uint32Array(P);
    for (let p = 0; p < P; p++) {
      bandAt[p] = offsets[p]!;
      exactAt[p] = offsets[p]! + bandCount[p]! * BAND_RECORD;
    }
    for (let i = 0; i < nb; i++) {
      const p = partitionOf(bd[2 * i]!, P);
      buf.writeUInt32LE(bd[2 * i]!, bandAt[p]!);
      buf.writeUInt32LE(bd[2 * i + 1]!, bandAt[p]! + 4);
      bandAt[p]! += BAND_RECORD;
    }
    for (let i = 0; i < ne; i++) {
      const p = partitionOf(ed[3 * i]!, P);
      buf.writeUInt32LE(ed[3 * i]!, exactAt[p]!);
      buf.writeUInt32LE(ed[3 * i + 1]!, exactAt[p]! + 4);
      buf.writeUInt32LE(ed[3 * i + 2]!, exactAt[p]! + 8);
      exactAt[p]! += EXACT_RECORD;
    }
    return buf;
  }
}

/** Where partition p's section lies in a band file, and how many band records it starts with. */
export interface BandSection {
  start: number;
  end: number;
  bandRecords: number;
}

/** Reads a band file's header; `partitions` must match the plan's. */
export function decodeBandHeader(buf: Buffer, partitions: number, uri: string): { docs: number; sections: BandSection[] } {
  if (buf.length < 16 || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel band file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `band file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const P = buf.readUInt32LE(8);
  if (P !== partitions) throw new DedupFileError(uri, `written for ${P} partitions, the plan has ${partitions}`);
  if (buf.length < bandHeaderBytes(P)) throw new DedupFileError(uri, 'header cut short');
  const sections: BandSection[] = [];
  for (let p = 0; p < P; p++) {
    const start = buf.readUInt32LE(16 + 4 * p);
    const end = buf.readUInt32LE(20 + 4 * p);
    const bandRecords = buf.readUInt32LE(16 + 4 * (P + 1) + 4 * p);
    if (end < start || bandRecords * BAND_RECORD > end - start || (end - start - bandRecords * BAND_RECORD) % EXACT_RECORD !== 0) {
      throw new DedupFileError(uri, `partition ${p}: inconsistent section [${start}, ${end}) with ${bandRecords} band records`);
    }
    sections.push({ start, end, bandRecords });
  }
  return { docs: buf.readUInt32LE(12), sections };
}
