/**
 * Hashing for the rules' scan, and a set of text spans over typed arrays reused from one document to the next:
 * clearing is O(1) (a generation stamp per slot; a slot whose stamp is not the current generation is empty), and a
 * small document uses a small power-of-two prefix of the arrays so its probes stay in cache.
 */

/** FNV-1a 32-bit offset basis and prime, over UTF-16 code units. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a of a string's code units (what the scanner computes for a word). */
export function fnv1a(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Combines a running sequence hash with the next element's hash (order-sensitive, well mixed). */
export function combineHash(a: number, b: number): number {
  let h = (Math.imul(a, 0x9e3779b1) + b) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}

function capacityFor(entries: number): number {
  let cap = 16;
  while (cap < entries * 2) cap *= 2;
  return cap;
}

function shiftOf(cap: number): number {
  return 32 - Math.log2(cap);
}

/**
 * A set of text spans (lines, paragraphs) keyed by a hash and the span's length, equal spans confirmed by comparing
 * their characters, so a hash collision never makes two different spans duplicates.
 */
export class SpanSet {
  private hashes = new Int32Array(0);
  private starts = new Int32Array(0);
  private lens = new Int32Array(0);
  private stamps = new Uint32Array(0);
  private generation = 0;
  private shift = 28;
  private mask = 15;

  /** Empties the set, sized for at most `maxEntries` spans. */
  begin(maxEntries: number): void {
    const cap = capacityFor(maxEntries);
    if (cap > this.stamps.length) {
      this.hashes = new Int32Array(cap);
      this.starts = new Int32Array(cap);
      this.lens = new Int32Array(cap);
      this.stamps = new Uint32Array(cap);
      this.generation = 0;
    }
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamps.fill(0);
      this.generation = 1;
    }
    this.mask = cap - 1;
    this.shift = shiftOf(cap);
  }

  /** Adds the span text[start, start + len) under `hash`; true when an equal span was already there (a repeat). */
  add(text: string, hash: number, start: number, len: number): boolean {
    const { hashes, starts, lens, stamps, generation, mask } = this;
    let s = Math.imul(hash, 0x9e3779b1) >>> this.shift;
    for (;;) {
      if (stamps[s] !== generation) {
        stamps[s] = generation;
        hashes[s] = hash;
        starts[s] = start;
        lens[s] = len;
        return false;
      }
      if (hashes[s] === hash && lens[s] === len && spansEqual(text, starts[s], start, len)) return true;
      s = (s + 1) & mask;
    }
  }
}

function spansEqual(text: string, a: number, b: number, len: number): boolean {
  if (a === b) return true;
  for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}
