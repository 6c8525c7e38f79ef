import { CHAR_KIND, LOWER, LOWER_TABLE_SIZE } from '../char-classes.ts';
import { STOPWORD_SHIFT, STOPWORD_SLOTS } from '../stopwords.ts';
import { ASCII_PAIR_FLAGS, LONG_WORD } from '../doc-stats.ts';
import { SCAN_KERNEL_WASM_BASE64 } from './scan-kernel.wasm.ts';
import { KERNEL_CHAR_CLASS as RULES_CHAR_CLASS, MAX_KERNEL_CHARS, type RuleTokens } from '../../rules/index.ts';
import { embeddedModule, Wasm, WASM_PAGE, type WasmMemory } from '../../wasm.ts';

/**
 * The featurizer's scan and pack as a WebAssembly kernel (scan-kernel.as.ts, AssemblyScript, embedded by
 * `npm run build:kernel`): texts are copied into its memory as UTF-16 code units and scanned there, about twice as fast
 * as the same loop over JavaScript strings (charCodeAt checks the string's representation on every call).
 *
 * Memory: the tables and per-document sets from heapBase, then per scan the batch's region (texts, starts, offsets,
 * counters, hashes, counts) and, reserved with it, the region pack() writes (ids, float counts, offsets, documents):
 * pack never grows the memory, so the views scan() returned stay valid until the next scan().
 */

/**
 * Columns per block of a packed batch: each document's columns start at a multiple of COLUMN_BLOCK and are padded up
 * to the next (padding id, count 0), and one whole padding block closes the batch, so the proxy graph sums blocks
 * that each belong to one document (lib/proxy/onnx-export.ts).
 */
export const COLUMN_BLOCK = 32;

/** A document's columns once packed: its n-grams rounded up to whole blocks. */
export function blockColumns(ngrams: number): number {
  return Math.ceil(ngrams / COLUMN_BLOCK) * COLUMN_BLOCK;
}

/** Per-document counters the kernel writes, in its order (scan-kernel.as.ts C_*). */
export const COUNTER = {
  len: 0,
  words: 1,
  wordChars: 2,
  longest: 3,
  used: 4,
  distinct: 5,
  stops: 6,
  lines: 7,
  repeated: 8,
  capitalized: 9,
  lengths: 10, // 6 bins: 10..15
  stopPairs: 16,
  sentenceStarts: 17,
  spaceWords: 18,
  letters: 19,
  upper: 20,
  digits: 21,
  punct: 22,
  spaces: 23,
  nonAscii: 24,
  caseSwitches: 25,
  letterDigit: 26,
  rarePairs: 27,
  vowels: 28,
  longWordChars: 29,
  shortWords: 30,
  punctRuns: 31,
  spaceRuns: 32,
  newlines: 33,
  textHash1: 34,
  textHash2: 35,
} as const;
/** Counters per document. */
export const COUNTERS = 36;

const LENGTH_BIN = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5]);

/**
 * The kernel's ASCII pair flags: ASCII_PAIR_FLAGS (bit 0 rare pair, bit 1 vowel) with, for a lowercase letter c, its
 * rules classes in bits 2 to 7 (lib/rules KERNEL_CHAR_CLASS: alphabetic, phrase start, 'j'), which the lowercase-run loop ORs
 * into the rules token under way without a second table load.
 */
const PAIR_FLAGS: Uint8Array = (() => {
  const flags = ASCII_PAIR_FLAGS.slice();
  for (let c = 97; c <= 122; c++) {
    const k = RULES_CHAR_CLASS[c]!;
    if ((k & ~0xfc) !== 0) throw new Error('scan kernel: a lowercase letter has rules classes outside bits 2 to 7');
    for (let p = 0; p < 128; p++) flags[(p << 7) | c] |= k;
  }
  return flags;
})();
const LINE_SET_CAPACITY = 4096;
const PAGE = WASM_PAGE;


interface KernelExports {
  memory: WasmMemory;
  COUNTERS: { value: number };
  heapBase(): number;
  setup(...args: number[]): void;
  scanBatch(
    n: number, text: number, starts: number, hashes: number, counts: number, offsets: number, counters: number, pos: number, words: number,
    tokens: number, tokenOffsets: number, tokenLimit: number,
  ): number;
  pack(...args: number[]): number;
}

const kernelModule = embeddedModule(SCAN_KERNEL_WASM_BASE64);

/** What scan() returns: views into the kernel's memory (valid until the next scan) and a copy of the offsets. */
export interface KernelScan {
  /** Documents. */
  n: number;
  /** Base hashes of all documents, concatenated. */
  hashes: Int32Array;
  /** Occurrences of each hash in its document. */
  counts: Int32Array;
  /** Document i's hashes are [offsets[i], offsets[i + 1]) (a copy). */
  offsets: Int32Array;
  /** COUNTERS counters per document, row-major (COUNTER names the columns). */
  counters: Int32Array;
  /**
   * When scan() was asked for them: every word's hash (the featurizer's word hash, fmix32 of the word's FNV-1a state),
   * all documents concatenated in text order, COUNTER.words of them per document (a view, valid until the next scan).
   */
  words?: Int32Array;
  /** When scan() was asked for them: the texts and the quality rules' tokens (lib/rules evaluateRulesTokens' input). */
  ruleTokens?: RuleTokens;
}

/** What pack() returns: views into the kernel's memory. */
export interface KernelPack {
  width: number;
  ids: Int32Array;
  counts: Float32Array;
  offsets: Int32Array;
}

const align = (x: number): number => (x + 15) & ~15;

/** One kernel instance: its own memory, tables and sets (one per featurizer). */
export class ScanKernel {
  private readonly ex: KernelExports;
  private buf: Buffer;
  private readonly dynamicAt: number;
  private readonly seedsAt: number;
  /** The region pack() may use (reserved by the last scan) and the last scan's addresses. */
  private last = { n: 0, hashesAt: 0, countsAt: 0, offsetsAt: 0, packAt: 0, packEnd: 0 };

  /** `module`: another compiled build of the kernel (for benchmarks of variants); the embedded one by default. */
  constructor(
    private readonly opts: { maxWords: number; seeds: Int32Array; buckets: number; shift: number; padId: number },
    module: object = kernelModule(),
  ) {
    const instance = new Wasm.Instance(module, {});
    this.ex = instance.exports as unknown as KernelExports;
    if (this.ex.COUNTERS.value !== COUNTERS) throw new Error(`scan kernel: ${this.ex.COUNTERS.value} counters, expected ${COUNTERS}`);
    let typeCapacity = 16;
    while (typeCapacity < opts.maxWords * 2) typeCapacity *= 2;
    let at = align(this.ex.heapBase());
    const place = (bytes: number): number => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    const kindAt = place(CHAR_KIND.length);
    const lowerAt = place(LOWER_TABLE_SIZE * 2);
    const pairAt = place(PAIR_FLAGS.length);
    const stopAt = place(STOPWORD_SLOTS.length * 4);
    const lenBinAt = place(LENGTH_BIN.length * 4);
    const typeSlotsAt = place(typeCapacity * 16);
    const lineKeysAt = place(LINE_SET_CAPACITY * 4);
    const lineStampsAt = place(LINE_SET_CAPACITY * 4);
    const kindCountsAt = place(256 * 4);
    const rulesClassAt = place(RULES_CHAR_CLASS.byteLength);
    this.seedsAt = place(opts.seeds.length * 4);
    this.dynamicAt = at;
    this.buf = this.ensure(at);
    const b = this.buf;
    b.set(CHAR_KIND, kindAt);
    new Uint16Array(b.buffer, lowerAt, LOWER_TABLE_SIZE).set(LOWER.subarray(0, LOWER_TABLE_SIZE));
    b.set(PAIR_FLAGS, pairAt);
    new Uint16Array(b.buffer, rulesClassAt, RULES_CHAR_CLASS.length).set(RULES_CHAR_CLASS);
    new Int32Array(b.buffer, stopAt, STOPWORD_SLOTS.length).set(STOPWORD_SLOTS);
    new Int32Array(b.buffer, lenBinAt, LENGTH_BIN.length).set(LENGTH_BIN);
    new Int32Array(b.buffer, this.seedsAt, opts.seeds.length).set(opts.seeds);
    this.ex.setup(
      kindAt, lowerAt, LOWER_TABLE_SIZE, pairAt, stopAt, STOPWORD_SHIFT, lenBinAt,
      typeSlotsAt, typeCapacity,
      lineKeysAt, lineStampsAt, LINE_SET_CAPACITY,
      kindCountsAt, opts.maxWords, LONG_WORD, rulesClassAt,
    );
  }

  /** Grows the memory to at least `end` bytes; returns a Buffer over all of it. */
  private ensure(end: number): Buffer {
    const mem = this.ex.memory;
    const have = mem.buffer.byteLength;
    if (end > have) mem.grow(Math.ceil((end - have) / PAGE));
    if (!this.buf || this.buf.buffer !== mem.buffer) this.buf = Buffer.from(mem.buffer);
    return this.buf;
  }

  /**
   * Scans the texts: hashes, counts, offsets and counters of each (see KernelScan); with `opts.words`, every word's hash
   * too; with `opts.ruleTokens`, the quality rules' tokens.
   */
  scan(texts: readonly string[], opts: { words?: boolean; ruleTokens?: boolean } = {}): KernelScan {
    const n = texts.length;
    let chars = 0;
    let bound = 0; // hashes at most: 2 per word of the first maxWords, a word being at least one code unit
    let wordBound = 0; // words at most: a word and the separator after it take two code units, the last one at least one
    let tokenBound = 0; // the same for the rules' tokens, of the texts that get them
    for (let i = 0; i < n; i++) {
      const len = texts[i]!.length;
      chars += len;
      bound += 2 * Math.min(this.opts.maxWords, len);
      wordBound += (len + 1) >> 1;
      if (len <= MAX_KERNEL_CHARS) tokenBound += (len + 1) >> 1;
    }
    let at = this.dynamicAt;
    const region = (bytes: number): number => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    // (The kernel puts a sentinel code unit after each text while it scans it, and the saved one back: after the last
    // text, the first of the next region.)
    const textAt = region(chars * 2);
    const startsAt = region((n + 1) * 4);
    const offsetsAt = region((n + 1) * 4);
    const countersAt = region(n * COUNTERS * 4);
    const hashesAt = region(bound * 4);
    const countsAt = region(bound * 4);
    const wordsAt = opts.words ? region(wordBound * 4) : 0;
    // Rules tokens at most: one per two code units (a token and the whitespace after it), the last one at least one.
    const tokensAt = opts.ruleTokens ? region(tokenBound * 16) : 0;
    const tokenOffsetsAt = opts.ruleTokens ? region((n + 1) * 4) : 0;
    let b = this.ensure(at);
    const starts = new Int32Array(b.buffer, startsAt, n + 1);
    let c = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = c;
      const t = texts[i]!;
      b.write(t, textAt + 2 * c, 'utf16le');
      c += t.length;
    }
    starts[n] = c;
    new Int32Array(b.buffer, offsetsAt, 1)[0] = 0;
    if (opts.ruleTokens) new Int32Array(b.buffer, tokenOffsetsAt, 1)[0] = 0;
    const used = this.ex.scanBatch(n, textAt, startsAt, hashesAt, countsAt, offsetsAt, countersAt, 0, wordsAt, tokensAt, tokenOffsetsAt, MAX_KERNEL_CHARS);
    // The region pack() writes, for every document of the batch: ids K * columns, counts, offsets, documents, where the
    // columns are the n-grams, each document's padding to a whole block (less than one block each) and the last block.
    const k = this.opts.seeds.length;
    const columns = used + (COLUMN_BLOCK - 1) * n + COLUMN_BLOCK;
    const packAt = at;
    const packEnd = packAt + align(k * columns * 4) + align(columns * 4) + align((n + 1) * 4) + align(n * 4) + 64;
    b = this.ensure(packEnd);
    this.last = { n, hashesAt, countsAt, offsetsAt, packAt, packEnd };
    const counters = new Int32Array(b.buffer, countersAt, n * COUNTERS);
    let words: Int32Array | undefined;
    if (opts.words) {
      let total = 0;
      for (let i = 0; i < n; i++) total += counters[i * COUNTERS + COUNTER.words]!;
      words = new Int32Array(b.buffer, wordsAt, total);
    }
    return {
      n,
      hashes: new Int32Array(b.buffer, hashesAt, used),
      counts: new Int32Array(b.buffer, countsAt, used),
      offsets: new Int32Array(b.buffer, offsetsAt, n + 1).slice(),
      counters,
      ...(words ? { words } : {}),
      ...(opts.ruleTokens ? { ruleTokens: this.ruleTokens(b, n, textAt, c, startsAt, tokensAt, tokenOffsetsAt, counters) } : {}),
    };
  }

  private ruleTokens(b: Buffer, n: number, textAt: number, chars: number, startsAt: number, tokensAt: number, offsetsAt: number, counters: Int32Array): RuleTokens {
    const offsets = new Int32Array(b.buffer, offsetsAt, n + 1);
    return {
      text: new Uint8Array(b.buffer, textAt, chars * 2),
      starts: new Int32Array(b.buffer, startsAt, n + 1),
      records: new Int32Array(b.buffer, tokensAt, offsets[n]! * 4),
      offsets,
      newlines: counters.subarray(COUNTER.newlines),
      newlinesStride: COUNTERS,
    };
  }

  /**
   * Member bucket ids, member-major [K, width], of the last scan's documents `docs` (all of them in order when
   * absent), with their counts and column offsets, in blocks of COLUMN_BLOCK columns (see FeatureBatch).
   */
  pack(docs?: ArrayLike<number>): KernelPack {
    const l = this.last;
    const n = docs ? docs.length : l.n;
    const b = this.buf;
    const off = new Int32Array(b.buffer, l.offsetsAt, l.n + 1);
    let width = COLUMN_BLOCK; // the closing padding block
    for (let r = 0; r < n; r++) {
      const d = docs ? docs[r]! : r;
      width += blockColumns(off[d + 1]! - off[d]!);
    }
    const k = this.opts.seeds.length;
    let at = l.packAt;
    const region = (bytes: number): number => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    const idsAt = region(k * width * 4);
    const countsAt = region(width * 4);
    const offsetsAt = region((n + 1) * 4);
    const docsAt = region(n * 4);
    if (at > l.packEnd) throw new Error('scan kernel: pack region overflow');
    const list = new Int32Array(b.buffer, docsAt, n);
    if (docs) list.set(docs);
    else for (let r = 0; r < n; r++) list[r] = r;
    const { buckets, shift, padId } = this.opts;
    this.ex.pack(n, docsAt, l.offsetsAt, l.hashesAt, l.countsAt, k, this.seedsAt, buckets, shift, width, padId, COLUMN_BLOCK, idsAt, countsAt, offsetsAt);
    return {
      width,
      ids: new Int32Array(b.buffer, idsAt, k * width),
      counts: new Float32Array(b.buffer, countsAt, width),
      offsets: new Int32Array(b.buffer, offsetsAt, n + 1),
    };
  }
}
