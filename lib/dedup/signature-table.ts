import { DedupFileError } from './errors.ts';
import type { SignatureRecord } from './signature-file.ts';

/** Bytes of a signature record before its signature (see signature-file.ts). */
export const RECORD_FIXED_BYTES = 28;

/**
 * Signature records of a set of documents, by ref key (see `refKey`), in flat typed arrays: 25 + 2K bytes per document
 * and one map entry, no object per document. What the pair finder and the clustering hold of the documents they look
 * at: at 10^5 to 10^6 documents, a record object with its own signature array cost about four times as much.
 */
export class SignatureTable {
  private readonly slots = new Map<number, number>();
  private capacity = 0;
  private refs = new Float64Array(0);
  private rows = new Uint32Array(0);
  private tokenCounts = new Uint32Array(0);
  private ties = new Uint32Array(0);
  private keys = new Float32Array(0);
  private exact0 = new Uint32Array(0);
  private exact1 = new Uint32Array(0);
  private words = new Uint8Array(0);
  private sigs = new Uint16Array(0);
  /** Documents held. */
  size = 0;

  /** @param expected documents to make room for at once (more may be added: the arrays then grow) */
  constructor(
    readonly hashes: number,
    expected = 0,
  ) {
    this.grow(expected);
  }

  /**
   * Adds the record at `offset` of `buf` (a signature file's bytes, or a range of them) as document `ref`. A document
   * already held is not added again.
   */
  add(ref: number, buf: Buffer, offset: number, uri: string): void {
    if (this.slots.has(ref)) return;
    if (offset + RECORD_FIXED_BYTES + 2 * this.hashes > buf.length) throw new DedupFileError(uri, `a record at byte ${offset} is cut short`);
    if (this.size === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    const i = this.size++;
    this.slots.set(ref, i);
    this.refs[i] = ref;
    this.rows[i] = buf.readUInt32LE(offset);
    this.tokenCounts[i] = buf.readUInt32LE(offset + 4);
    this.ties[i] = buf.readUInt32LE(offset + 8);
    this.keys[i] = buf.readFloatLE(offset + 12);
    this.exact0[i] = buf.readUInt32LE(offset + 16);
    this.exact1[i] = buf.readUInt32LE(offset + 20);
    this.words[i] = buf.readUInt32LE(offset + 24) & 1;
    const base = i * this.hashes;
    for (let h = 0, o = offset + RECORD_FIXED_BYTES; h < this.hashes; h++, o += 2) this.sigs[base + h] = buf.readUInt16LE(o);
  }

  /** The slot of document `ref`, or -1 when it is not held. */
  slot(ref: number): number {
    return this.slots.get(ref) ?? -1;
  }

  ref(i: number): number {
    return this.refs[i]!;
  }
  row(i: number): number {
    return this.rows[i]!;
  }
  tokens(i: number): number {
    return this.tokenCounts[i]!;
  }
  tie(i: number): number {
    return this.ties[i]!;
  }
  /** The policy key; null when the policy excludes the document. */
  key(i: number): number | null {
    const k = this.keys[i]!;
    return Number.isNaN(k) ? null : k;
  }
  /** Whether the text has words (so its signature means something). */
  hasWords(i: number): boolean {
    return this.words[i] === 1;
  }
  /** 53 bits of the normalized-text hash as one number: equal texts give equal prefixes (confirm with `sameText`). */
  exactPrefix(i: number): number {
    return this.exact0[i]! * 2097152 + (this.exact1[i]! & 0x1fffff);
  }
  sameText(i: number, j: number): boolean {
    return this.exact0[i] === this.exact0[j] && this.exact1[i] === this.exact1[j];
  }

  /** Estimated Jaccard of two documents' signatures (0 without hashes), as `estimateJaccard`. */
  jaccard(i: number, j: number): number {
    const k = this.hashes;
    if (k === 0) return 0;
    const s = this.sigs;
    let same = 0;
    for (let h = 0, a = i * k, b = j * k; h < k; h++) if (s[a + h] === s[b + h]) same++;
    return same / k;
  }

  /** Document `i` as a record object (for callers that want one; the signature is a copy). */
  record(i: number): SignatureRecord {
    return {
      row: this.row(i),
      tokens: this.tokens(i),
      tie: this.tie(i),
      key: this.key(i),
      exact: [this.exact0[i]!, this.exact1[i]!],
      hasWords: this.hasWords(i),
      signature: this.sigs.slice(i * this.hashes, (i + 1) * this.hashes),
    };
  }

  private grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const n = this.size;
    const widen = <T extends Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old.subarray(0, n * per) as never);
      return next;
    };
    this.refs = widen(this.refs, (c) => new Float64Array(c));
    this.rows = widen(this.rows, (c) => new Uint32Array(c));
    this.tokenCounts = widen(this.tokenCounts, (c) => new Uint32Array(c));
    this.ties = widen(this.ties, (c) => new Uint32Array(c));
    this.keys = widen(this.keys, (c) => new Float32Array(c));
    this.exact0 = widen(this.exact0, (c) => new Uint32Array(c));
    this.exact1 = widen(this.exact1, (c) => new Uint32Array(c));
    this.words = widen(this.words, (c) => new Uint8Array(c));
    this.sigs = widen(this.sigs, (c) => new Uint16Array(c), this.hashes);
    this.capacity = capacity;
  }
}
