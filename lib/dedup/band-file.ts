import { DedupFileError } from './errors.ts';

/**
 * scores/<item>.bands: one item's LSH band keys and exact hashes, in document order, written as the score stage goes
 * (a chunk at a time, so its memory does not grow with the shard). The gather stage (group-file.ts) lays a group of
 * items' band files out by partition. Little-endian.
 *
 * header (16 bytes): magic "PXDB", version 3, partitions P (the plan's: a file of another plan is refused), reserved 0
 * chunk: band records n u32, exact records m u32, then n band records (key u32, pos u32), then m exact records
 *   (hash u32 x 2, pos u32, then what deciding an exact copy's fate takes, as in the signature file: row u32, tokens
 *   u32, tie u32, key f32 (NaN: excluded by the policy)), so exact deduplication resolves each partition's copies
 *   without reading any signature file (see exact-partition.ts)
 */
const MAGIC = 0x42445850; // "PXDB"
const VERSION = 3;
export const BAND_HEADER_BYTES = 16;
export const BAND_RECORD = 8;
export const EXACT_RECORD = 28;
/** Words (u32) of an exact record. */
export const EXACT_WORDS = EXACT_RECORD / 4;

/** What an exact record carries of its document besides the hash: the fields of its signature record that exact deduplication decides with. */
export interface ExactDoc {
  row: number;
  tokens: number;
  tie: number;
  /** The policy key; null when the policy excludes the document. */
  key: number | null;
}

/** Records per chunk before the writer hands it out (about 1 MiB of band records). */
const CHUNK_RECORDS = 1 << 17;

/** Collects an item's band keys and exact hashes; `take` hands out full chunks, `finish` the rest. */
export class BandFileWriter {
  private bands: Uint32Array<ArrayBuffer> = new Uint32Array(2 * 1024);
  private exacts: Uint32Array<ArrayBuffer> = new Uint32Array(EXACT_WORDS * 1024);
  private readonly key = new Float32Array(1);
  private readonly keyBits = new Uint32Array(this.key.buffer);
  private nb = 0;
  private ne = 0;
  private started = false;
  private docs = 0;

  constructor(readonly partitions: number) {
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 65536) {
      throw new RangeError(`BandFileWriter: partitions must be an integer in [1, 65536], got ${partitions}`);
    }
  }

  get documents(): number {
    return this.docs;
  }

  /**
   * Adds document `pos`: its band keys (none when it has no words), its exact hash (omitted for kind "none") with the
   * document's score-file row, tokens, tie hash and policy key (null: excluded), the fields its signature record holds.
   */
  add(pos: number, keys: Uint32Array | null, exact: readonly [number, number] | null, doc: ExactDoc): void {
    this.docs++;
    if (keys) {
      if (2 * (this.nb + keys.length) > this.bands.length) this.bands = grow(this.bands, 2 * (this.nb + keys.length));
      for (let b = 0; b < keys.length; b++) {
        this.bands[2 * this.nb] = keys[b]!;
        this.bands[2 * this.nb + 1] = pos;
        this.nb++;
      }
    }
    if (exact) {
      if (EXACT_WORDS * (this.ne + 1) > this.exacts.length) this.exacts = grow(this.exacts, EXACT_WORDS * (this.ne + 1));
      const at = EXACT_WORDS * this.ne;
      this.key[0] = doc.key === null ? Number.NaN : doc.key;
      this.exacts[at] = exact[0];
      this.exacts[at + 1] = exact[1];
      this.exacts[at + 2] = pos;
      this.exacts[at + 3] = doc.row >>> 0;
      this.exacts[at + 4] = Math.max(0, Math.round(doc.tokens)) >>> 0;
      this.exacts[at + 5] = doc.tie >>> 0;
      this.exacts[at + 6] = this.keyBits[0]!;
      this.ne++;
    }
  }

  /** The bytes to write next when a chunk is full (the header first), else undefined. */
  take(): Buffer | undefined {
    return this.nb + this.ne >= CHUNK_RECORDS ? this.chunk() : undefined;
  }

  /** The rest of the file: the last chunk (and the header, if nothing was taken). */
  finish(): Buffer {
    return this.chunk();
  }

  private chunk(): Buffer {
    const header = this.started ? 0 : BAND_HEADER_BYTES;
    const out = Buffer.alloc(header + 8 + this.nb * BAND_RECORD + this.ne * EXACT_RECORD);
    if (!this.started) {
      out.writeUInt32LE(MAGIC, 0);
      out.writeUInt32LE(VERSION, 4);
      out.writeUInt32LE(this.partitions, 8);
      this.started = true;
    }
    out.writeUInt32LE(this.nb, header);
    out.writeUInt32LE(this.ne, header + 4);
    const body = header + 8;
    Buffer.from(this.bands.buffer, 0, this.nb * BAND_RECORD).copy(out, body);
    Buffer.from(this.exacts.buffer, 0, this.ne * EXACT_RECORD).copy(out, body + this.nb * BAND_RECORD);
    this.nb = 0;
    this.ne = 0;
    return out;
  }
}

function grow(a: Uint32Array, need: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

/** One chunk of a band file: where its band and exact records lie. */
export interface BandChunk {
  bandStart: number;
  bands: number;
  exactStart: number;
  exacts: number;
}

/** Reads a whole band file's header and chunk table; `partitions` must match the plan's. */
export function decodeBandFile(buf: Buffer, partitions: number, uri: string): BandChunk[] {
  if (buf.length < BAND_HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel band file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `band file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const P = buf.readUInt32LE(8);
  if (P !== partitions) throw new DedupFileError(uri, `written for ${P} partitions, the plan has ${partitions}`);
  const chunks: BandChunk[] = [];
  for (let o = BAND_HEADER_BYTES; o < buf.length; ) {
    if (o + 8 > buf.length) throw new DedupFileError(uri, `chunk at byte ${o} cut short`);
    const bands = buf.readUInt32LE(o);
    const exacts = buf.readUInt32LE(o + 4);
    const end = o + 8 + bands * BAND_RECORD + exacts * EXACT_RECORD;
    if (end > buf.length) throw new DedupFileError(uri, `chunk at byte ${o} holds ${bands} band and ${exacts} exact records, past the file's ${buf.length} bytes`);
    chunks.push({ bandStart: o + 8, bands, exactStart: o + 8 + bands * BAND_RECORD, exacts });
    o = end;
  }
  return chunks;
}
