import { DedupFileError } from './errors.ts';
import { RECORD_FIXED_BYTES, SignatureTable } from './signature-table.ts';

/**
 * scores/<item>.dedup: one fixed-size record per document of the item's score file, in the same order, so document
 * `pos` is a single byte range (`recordRange`). Little-endian.
 *
 * header (20 bytes): magic "PXDS", version 2, hashes K (0: exact hashes only), reserved 0xffffffff, record bytes; the
 *   file is written as the score stage goes (a chunk at a time), so the number of documents is its size's: (size - 20) /
 *   record bytes
 * record (24 + 2K bytes): row u32, tokens u32, tie u32, key f32 (NaN: excluded by the policy), exact hash u32 x 2,
 *   flags u32 (bit 0: the text has words, so its signature means something), signature u16 x K
 */
const MAGIC = 0x53445850; // "PXDS"
const VERSION = 2;
/** Bytes a writer holds before `take` hands them out. */
const CHUNK_BYTES = 1 << 20;
export const SIGNATURE_HEADER_BYTES = 20;

/** One document's record in a signature file. */
export interface SignatureRecord {
  row: number;
  tokens: number;
  tie: number;
  /** null when the policy excludes the document. */
  key: number | null;
  exact: [number, number];
  hasWords: boolean;
  signature: Uint16Array;
}

export function signatureRecordBytes(hashes: number): number {
  return RECORD_FIXED_BYTES + 2 * hashes;
}

/** Byte range of document `pos`'s record. */
export function recordRange(hashes: number, pos: number): { start: number; end: number } {
  const start = SIGNATURE_HEADER_BYTES + pos * signatureRecordBytes(hashes);
  return { start, end: start + signatureRecordBytes(hashes) };
}

/** Appends records to a buffer that `take` empties once it holds CHUNK_BYTES (no per-document allocation). */
export class SignatureFileWriter {
  private buf: Buffer;
  private used = SIGNATURE_HEADER_BYTES;
  private count = 0;
  private readonly recordBytes: number;

  constructor(readonly hashes: number) {
    this.recordBytes = signatureRecordBytes(hashes);
    this.buf = Buffer.alloc(CHUNK_BYTES + this.recordBytes);
    this.buf.writeUInt32LE(MAGIC, 0);
    this.buf.writeUInt32LE(VERSION, 4);
    this.buf.writeUInt32LE(this.hashes, 8);
    this.buf.writeUInt32LE(0xffffffff, 12);
    this.buf.writeUInt32LE(this.recordBytes, 16);
  }

  get docs(): number {
    return this.count;
  }

  /** Adds one document; `signature` holds K full 32-bit values (their low 16 bits are stored), or is empty when K = 0. */
  add(row: number, tokens: number, tie: number, key: number | null, exact: readonly [number, number], hasWords: boolean, signature: Uint32Array): void {
    if (this.used + this.recordBytes > this.buf.length) {
      const next = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    const b = this.buf;
    let o = this.used;
    b.writeUInt32LE(row >>> 0, o);
    b.writeUInt32LE(Math.max(0, Math.round(tokens)) >>> 0, o + 4);
    b.writeUInt32LE(tie >>> 0, o + 8);
    b.writeFloatLE(key === null ? Number.NaN : key, o + 12);
    b.writeUInt32LE(exact[0] >>> 0, o + 16);
    b.writeUInt32LE(exact[1] >>> 0, o + 20);
    b.writeUInt32LE(hasWords ? 1 : 0, o + 24);
    o += RECORD_FIXED_BYTES;
    for (let i = 0; i < this.hashes; i++, o += 2) b.writeUInt16LE(signature[i]! & 0xffff, o);
    this.used = o;
    this.count++;
  }

  /** The bytes to write next once CHUNK_BYTES are held (the header first), else undefined. */
  take(): Buffer | undefined {
    return this.used >= CHUNK_BYTES ? this.finish() : undefined;
  }

  /** The bytes not yet taken (the header too, when nothing was). */
  finish(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.used));
    this.used = 0;
    return out;
  }
}

/** Reads the header of a signature file (its first SIGNATURE_HEADER_BYTES bytes). */
export function decodeSignatureHeader(buf: Buffer, uri: string): { hashes: number; recordBytes: number } {
  if (buf.length < SIGNATURE_HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC) throw new DedupFileError(uri, 'not a proxysel signature file');
  if (buf.readUInt32LE(4) !== VERSION) throw new DedupFileError(uri, `signature file version ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const hashes = buf.readUInt32LE(8);
  if (buf.readUInt32LE(16) !== signatureRecordBytes(hashes)) throw new DedupFileError(uri, 'record size does not match the hash count');
  return { hashes, recordBytes: signatureRecordBytes(hashes) };
}

/** Documents of a signature file of `size` bytes: throws naming the file when the size is not a whole number of records. */
export function signatureFileDocs(size: number, hashes: number, uri: string): number {
  const body = size - SIGNATURE_HEADER_BYTES;
  const rb = signatureRecordBytes(hashes);
  if (body < 0 || body % rb !== 0) throw new DedupFileError(uri, `${size} bytes is not a header and whole ${rb}-byte records`);
  return body / rb;
}

/** Decodes consecutive records from `buf` (which starts at a record boundary). */
export function decodeSignatureRecords(buf: Buffer, hashes: number, uri: string): SignatureRecord[] {
  const size = signatureRecordBytes(hashes);
  if (buf.length % size !== 0) throw new DedupFileError(uri, `${buf.length} bytes is not a whole number of ${size}-byte records`);
  const n = buf.length / size;
  const table = new SignatureTable(hashes, n);
  for (let i = 0; i < n; i++) table.add(i, buf, i * size, uri);
  return Array.from({ length: n }, (_, i) => table.record(i));
}

/** Decodes a whole signature file. */
export function decodeSignatureFile(buf: Buffer, uri: string): SignatureRecord[] {
  const { hashes } = decodeSignatureHeader(buf, uri);
  signatureFileDocs(buf.length, hashes, uri);
  return decodeSignatureRecords(buf.subarray(SIGNATURE_HEADER_BYTES), hashes, uri);
}
