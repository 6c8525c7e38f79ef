import { DedupFileError } from './errors.ts';
import { GROUP_BAND_RECORD, GROUP_EXACT_RECORD, uint32View } from './group-file.ts';

/** A growable Uint32Array. */
class U32Column {
  data = new Uint32Array(0);
  reserve(n: number, length: number): void {
    if (n <= this.data.length) return;
    const next = new Uint32Array(Math.max(n, this.data.length * 2, 1024));
    next.set(this.data.subarray(0, length));
    this.data = next;
  }
}

/**
 * One partition's records from every group, in flat typed arrays (bounded: 12 bytes per band record, 32 per exact
 * record). Sections are added in group order, so the records are in (item, pos) order.
 */
export class PartitionRecords {
  private readonly cols = {
    bandKey: new U32Column(), bandItem: new U32Column(), bandPos: new U32Column(),
    hi: new U32Column(), lo: new U32Column(), exactItem: new U32Column(), exactPos: new U32Column(),
    row: new U32Column(), tokens: new U32Column(), tie: new U32Column(), key: new U32Column(),
  };
  bands = 0;
  exacts = 0;

  get bandKey(): Uint32Array { return this.cols.bandKey.data; }
  get bandItem(): Uint32Array { return this.cols.bandItem.data; }
  get bandPos(): Uint32Array { return this.cols.bandPos.data; }
  get exactHi(): Uint32Array { return this.cols.hi.data; }
  get exactLo(): Uint32Array { return this.cols.lo.data; }
  get exactItem(): Uint32Array { return this.cols.exactItem.data; }
  get exactPos(): Uint32Array { return this.cols.exactPos.data; }
  /** The exact records' documents: score-file row, tokens, tie hash and policy key (NaN: excluded), as band-file.ts. */
  get exactRow(): Uint32Array { return this.cols.row.data; }
  get exactTokens(): Uint32Array { return this.cols.tokens.data; }
  get exactTie(): Uint32Array { return this.cols.tie.data; }
  get exactKey(): Float32Array { return new Float32Array(this.cols.key.data.buffer, 0, this.cols.key.data.length); }

  /** Appends one group file's section of this partition (its bytes start..end, see group-file.ts). */
  addGroupSection(buf: Buffer, bandRecords: number, uri: string): void {
    const bandBytes = bandRecords * GROUP_BAND_RECORD;
    if (buf.length < bandBytes || (buf.length - bandBytes) % GROUP_EXACT_RECORD !== 0) throw new DedupFileError(uri, 'partition section cut short');
    const exactRecords = (buf.length - bandBytes) / GROUP_EXACT_RECORD;
    const c = this.cols;
    for (const col of [c.bandKey, c.bandItem, c.bandPos]) col.reserve(this.bands + bandRecords, this.bands);
    for (const col of [c.hi, c.lo, c.exactItem, c.exactPos, c.row, c.tokens, c.tie, c.key]) col.reserve(this.exacts + exactRecords, this.exacts);
    if (bandRecords > 0) {
      const w = uint32View(buf, 0, bandBytes);
      for (let i = 0; i < w.length; i += 3) {
        c.bandKey.data[this.bands] = w[i]!;
        c.bandItem.data[this.bands] = w[i + 1]!;
        c.bandPos.data[this.bands] = w[i + 2]!;
        this.bands++;
      }
    }
    if (exactRecords > 0) {
      const w = uint32View(buf, bandBytes, buf.length);
      for (let i = 0; i < w.length; i += 8) {
        const e = this.exacts++;
        c.hi.data[e] = w[i]!;
        c.lo.data[e] = w[i + 1]!;
        c.exactItem.data[e] = w[i + 2]!;
        c.exactPos.data[e] = w[i + 3]!;
        c.row.data[e] = w[i + 4]!;
        c.tokens.data[e] = w[i + 5]!;
        c.tie.data[e] = w[i + 6]!;
        c.key.data[e] = w[i + 7]!;
      }
    }
  }
}

/**
 * The order of `n` records by their 64-bit key (hi, lo), or by `lo` alone when `hi` is null: a stable LSD radix sort
 * over 16-bit digits, so equal keys keep their insertion order ((item, pos) for a partition's records).
 */
export function radixOrder(hi: Uint32Array | null, lo: Uint32Array, n: number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  const digits: [Uint32Array, number][] = [[lo, 0], [lo, 16]];
  if (hi) digits.push([hi, 0], [hi, 16]);
  for (const [col, shift] of digits) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(col[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const r = order[i]!;
      next[counts[(col[r]! >>> shift) & 0xffff]!++] = r;
    }
    [order, next] = [next, order];
  }
  return order;
}
