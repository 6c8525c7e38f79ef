import { KERNEL_CHAR_CLASS } from '../char-classes.ts';
import type { CompiledRules } from '../types.ts';
import { RULES_KERNEL_WASM_BASE64 } from './rules-kernel.wasm.ts';
import { embeddedModule, Wasm, WASM_PAGE, type WasmMemory } from '../../wasm.ts';

/**
 * The rules' evaluation as a WebAssembly kernel (rules-kernel.as.ts, AssemblyScript, embedded by `npm run build:kernel`):
 * texts are copied into its memory as UTF-16 code units and scanned there, with the same tokens, hashes, counts and
 * float64 comparisons as the TypeScript evaluator (scan.ts, ngrams.ts, evaluate.ts), which stays the reference. The
 * kernel tokenizes a text itself (evaluate, evaluateOne) or takes the tokens the featurizer's scan kernel wrote in its
 * pass over the same texts (evaluateTokens: the score stage), and walks the tokens.
 *
 * Memory: the class table, the compiled rules (f64 parameters, stop words), then the scratch of one document (sized for
 * the longest document seen so far, about 100 to 200 bytes per code unit) and per call the batch's texts, their starts
 * and the bitmasks (evaluateTokens: one run of about TOKEN_RUN_CHARS code units at a time, with its token records).
 * Documents longer than {@link MAX_KERNEL_CHARS} are left to the caller (the TypeScript evaluator), so the scratch stays
 * bounded.
 */

/** The longest document (UTF-16 code units) the kernel evaluates; longer ones take the TypeScript path. */
export const MAX_KERNEL_CHARS = 1 << 18;

const PAGE = WASM_PAGE;
const PARAMS = 28;
const STOP_REGION = 16384;
/** evaluateTokens copies and walks texts in runs of about this many code units (at least one text per run). */
const TOKEN_RUN_CHARS = 1 << 16;
/** The scratch is first sized for documents of this many code units. */
const MIN_SCRATCH_CHARS = 4096;


interface RulesKernelExports {
  memory: WasmMemory;
  PARAMS: { value: number };
  heapBase(): number;
  setup(classTable: number, params: number): void;
  setRules(
    mask: number, exhaustive: number, enoughStops: number, minWords: number, maxWordLength: number, flags: number, shortMax: number,
    slots: number, slotCount: number, hashes: number, offsets: number, chars: number,
  ): void;
  setScratch(at: number, chars: number): number;
  scratchBytes(chars: number): number;
  evaluateBatch(count: number, text: number, starts: number, out: number): void;
  evaluateTokensBatch(count: number, text: number, starts: number, records: number, offsets: number, newlines: number, limit: number, out: number): void;
  tokenizeOne(at: number, len: number, out: number): number;
}

/**
 * A batch's texts with their rules tokens, as the featurizer's scan kernel writes them in its pass over the texts
 * (lib/features/kernel/scan-kernel.as.ts): the rules kernel then walks tokens instead of characters. Views into the
 * scan kernel's memory, valid until its next scan.
 */
export interface RuleTokens {
  /** The texts' UTF-16 code units, concatenated (little-endian bytes, no separator). */
  text: Uint8Array;
  /** Text d's code units are [starts[d], starts[d + 1]) (n + 1 entries). */
  starts: Int32Array;
  /**
   * Four int32 per token (a maximal run of non-whitespace code units, lib/rules/char-classes.ts): start, end, the
   * FNV-1a hash of its code units, the OR of their classes (KERNEL_CHAR_CLASS) | CC_LINE_BREAK when the whitespace
   * before it holds a line break.
   */
  records: Int32Array;
  /** Text d's tokens are records [4 * offsets[d], 4 * offsets[d + 1]) (n + 1 entries; none for a text over MAX_KERNEL_CHARS). */
  offsets: Int32Array;
  /** Text d's '\n' code units: newlines[stride * d] (the scan kernel's counters; stride 1 when absent). */
  newlines: Int32Array;
  newlinesStride?: number;
}

const align = (x: number): number => (x + 15) & ~15;

/** One kernel instance (one per thread: module state). */
export class RulesKernel {
  private readonly ex: RulesKernelExports;
  private buf: Buffer;
  private i32 = new Int32Array(0);
  private readonly paramsAt: number;
  private readonly stopAt: number;
  private readonly scratchAt: number;
  private scratchChars = 0;
  private dynamicAt = 0;
  private rules: CompiledRules | undefined;

  /** `module`: another compiled build of the kernel (for benchmarks of variants); the embedded one by default. */
  constructor(module: object = rulesKernelModule()) {
    this.ex = new Wasm.Instance(module, {}).exports as unknown as RulesKernelExports;
    if (this.ex.PARAMS.value !== PARAMS) throw new Error(`rules kernel: ${this.ex.PARAMS.value} parameters, expected ${PARAMS}`);
    const classAt = align(this.ex.heapBase());
    this.paramsAt = align(classAt + KERNEL_CHAR_CLASS.byteLength);
    this.stopAt = align(this.paramsAt + PARAMS * 8);
    this.scratchAt = align(this.stopAt + STOP_REGION);
    this.buf = Buffer.alloc(0);
    this.buf = this.ensure(this.scratchAt);
    new Uint16Array(this.buf.buffer, classAt, KERNEL_CHAR_CLASS.length).set(KERNEL_CHAR_CLASS);
    this.ex.setup(classAt, this.paramsAt);
    this.growScratch(MIN_SCRATCH_CHARS);
  }

  /** Grows the memory to at least `end` bytes; returns a Buffer over all of it. */
  private ensure(end: number): Buffer {
    const mem = this.ex.memory;
    const have = mem.buffer.byteLength;
    if (end > have) mem.grow(Math.ceil((end - have) / PAGE));
    if (this.buf.buffer !== mem.buffer) {
      this.buf = Buffer.from(mem.buffer);
      this.i32 = new Int32Array(mem.buffer);
    }
    return this.buf;
  }

  private growScratch(chars: number): void {
    let size = Math.max(this.scratchChars, MIN_SCRATCH_CHARS);
    while (size < chars) size *= 2;
    const bytes = this.ex.scratchBytes(size);
    const b = this.ensure(this.scratchAt + bytes);
    b.fill(0, this.scratchAt, this.scratchAt + bytes);
    this.dynamicAt = align(this.ex.setScratch(this.scratchAt, size));
    this.scratchChars = size;
  }

  private setRules(rules: CompiledRules): void {
    const p = rules.params;
    const v = new Float64Array(this.buf.buffer, this.paramsAt, PARAMS);
    v[0] = p['gopher.word_count'].min;
    v[1] = p['gopher.word_count'].max;
    v[2] = p['gopher.mean_word_length'].min;
    v[3] = p['gopher.mean_word_length'].max;
    v[4] = p['gopher.symbol_word_ratio'].max;
    v[5] = p['gopher.bullet_lines'].max;
    v[6] = p['gopher.ellipsis_lines'].max;
    v[7] = p['gopher.alpha_words'].min;
    v[8] = p['gopher.stop_words'].min;
    v[9] = p['gopher.dup_line_frac'].max;
    v[10] = p['gopher.dup_para_frac'].max;
    v[11] = p['gopher.dup_line_char_frac'].max;
    v[12] = p['gopher.dup_para_char_frac'].max;
    v[13] = p['gopher.top_2gram_char_frac'].max;
    v[14] = p['gopher.top_3gram_char_frac'].max;
    v[15] = p['gopher.top_4gram_char_frac'].max;
    v[16] = p['gopher.dup_5gram_char_frac'].max;
    v[17] = p['gopher.dup_6gram_char_frac'].max;
    v[18] = p['gopher.dup_7gram_char_frac'].max;
    v[19] = p['gopher.dup_8gram_char_frac'].max;
    v[20] = p['gopher.dup_9gram_char_frac'].max;
    v[21] = p['gopher.dup_10gram_char_frac'].max;
    const c4 = p['c4.min_sentences'];
    v[22] = c4.min;
    v[23] = p['fineweb.line_punct_ratio'].min;
    v[24] = p['fineweb.line_punct_ratio'].excludeZero ? 1 : 0;
    v[25] = p['fineweb.short_line_ratio'].max;
    v[26] = p['fineweb.dup_line_char_frac'].max;
    v[27] = p['fineweb.list_ratio'].max;
    // The stop words: slots, hashes, offsets and code units.
    const { slots, hashes, words } = rules.stopWords;
    let at = this.stopAt;
    const slotsAt = at;
    at = align(at + slots.length * 4);
    const hashesAt = at;
    at = align(at + hashes.length * 4);
    const offsetsAt = at;
    at = align(at + (words.length + 1) * 4);
    const charsAt = at;
    const chars = words.reduce((sum, w) => sum + w.length, 0);
    if (charsAt + chars * 2 > this.stopAt + STOP_REGION) throw new Error('rules kernel: stop words too large');
    const b = this.buf;
    new Int32Array(b.buffer, slotsAt, slots.length).set(slots);
    new Int32Array(b.buffer, hashesAt, hashes.length).set(hashes);
    const offsets = new Int32Array(b.buffer, offsetsAt, words.length + 1);
    let c = 0;
    words.forEach((w, i) => {
      offsets[i] = c;
      b.write(w, charsAt + 2 * c, 'utf16le');
      c += w.length;
    });
    offsets[words.length] = c;
    const flags = (c4.dropNoTerminalPunct ? 1 : 0) | (c4.removeCitations ? 2 : 0) | (c4.dropJavascript ? 4 : 0) | (c4.dropPolicy ? 8 : 0);
    this.ex.setRules(
      rules.mask | 0, rules.exhaustive ? 1 : 0, p['gopher.stop_words'].min, c4.minWordsPerLine, Math.min(c4.maxWordLength, 0x7fffffff), flags,
      p['fineweb.short_line_ratio'].maxLength, slotsAt, slots.length, hashesAt, offsetsAt, charsAt,
    );
    this.rules = rules;
  }

  /**
   * Writes the bitmask of texts[from, to) into out[from, to); each text must have at most MAX_KERNEL_CHARS code units.
   */
  evaluate(texts: readonly string[], from: number, to: number, rules: CompiledRules, out: Uint32Array): void {
    if (rules !== this.rules) this.setRules(rules);
    const n = to - from;
    let chars = 0;
    let longest = 0;
    for (let i = from; i < to; i++) {
      const len = texts[i]!.length;
      chars += len;
      if (len > longest) longest = len;
    }
    if (longest > this.scratchChars) this.growScratch(longest);
    // Each text is followed by a space (the kernel's sentinel).
    const textAt = this.dynamicAt;
    const startsAt = align(textAt + (chars + n) * 2);
    const outAt = align(startsAt + (n + 1) * 4);
    const b = this.ensure(outAt + n * 4);
    const starts = new Int32Array(b.buffer, startsAt, n + 1);
    let c = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = c;
      const t = texts[from + i]!;
      b.write(t, textAt + 2 * c, 'utf16le');
      c += t.length;
      b[textAt + 2 * c] = 0x20;
      b[textAt + 2 * c + 1] = 0;
      c++;
    }
    starts[n] = c;
    this.ex.evaluateBatch(n, textAt, startsAt, outAt);
    out.set(new Uint32Array(b.buffer, outAt, n), from);
  }

  /**
   * Writes the bitmask of the texts of `tokens` (see RuleTokens) into out[0, n); a text of more than MAX_KERNEL_CHARS
   * code units (which has no records) is not copied and is left with an empty text's bits (the caller evaluates it).
   * The texts go in runs of about TOKEN_RUN_CHARS code units: a run's code units and records are copied into the
   * kernel's memory and walked while the copy is still in the cache (a whole batch, megabytes, was out of it again by
   * the time the walk read a token's first code unit).
   */
  evaluateTokens(tokens: RuleTokens, rules: CompiledRules, out: Uint32Array): void {
    if (rules !== this.rules) this.setRules(rules);
    const { starts } = tokens;
    const n = starts.length - 1;
    let longest = 0;
    for (let i = 0; i < n; i++) {
      const len = starts[i + 1]! - starts[i]!;
      if (len <= MAX_KERNEL_CHARS && len > longest) longest = len;
    }
    if (longest > this.scratchChars) this.growScratch(longest);
    for (let from = 0; from < n; ) {
      let to = from;
      let chars = 0; // the code units of the texts the kernel evaluates
      do {
        const len = starts[to + 1]! - starts[to]!;
        if (len <= MAX_KERNEL_CHARS) chars += len;
        to++;
      } while (to < n && chars < TOKEN_RUN_CHARS);
      this.evaluateTokenRun(tokens, from, to, chars, out);
      from = to;
    }
  }

  /** evaluateTokens for texts [from, to), of `chars` code units without those over MAX_KERNEL_CHARS. */
  private evaluateTokenRun(tokens: RuleTokens, from: number, to: number, chars: number, out: Uint32Array): void {
    const { starts, records, offsets, text } = tokens;
    const n = to - from;
    const recordCount = offsets[to]! - offsets[from]!;
    const textAt = this.dynamicAt;
    const startsAt = align(textAt + chars * 2 + 8); // phraseMayStart may read three code units past a text
    const recordsAt = align(startsAt + (n + 1) * 4);
    const offsetsAt = align(recordsAt + recordCount * 16);
    const newlinesAt = align(offsetsAt + (n + 1) * 4);
    const outAt = align(newlinesAt + n * 4);
    const b = this.ensure(outAt + n * 4);
    const i32 = this.i32;
    const base = starts[0]!; // text[0] is code unit starts[0]
    const s0 = starts[from]!;
    if (chars === starts[to]! - s0) {
      b.set(text.subarray(2 * (s0 - base), 2 * (starts[to]! - base)), textAt);
      for (let i = 0; i <= n; i++) i32[(startsAt >> 2) + i] = starts[from + i]! - s0;
    } else {
      // Texts too long for the kernel are not copied: they stand there as empty texts (the caller evaluates them).
      let c = 0;
      for (let i = 0; i < n; i++) {
        i32[(startsAt >> 2) + i] = c;
        const at = starts[from + i]! - base;
        const len = starts[from + i + 1]! - starts[from + i]!;
        if (len > MAX_KERNEL_CHARS) continue;
        b.set(text.subarray(2 * at, 2 * (at + len)), textAt + 2 * c);
        c += len;
      }
      i32[(startsAt >> 2) + n] = c;
    }
    const o0 = offsets[from]!;
    i32.set(records.subarray(4 * o0, 4 * offsets[to]!), recordsAt >> 2);
    for (let i = 0; i <= n; i++) i32[(offsetsAt >> 2) + i] = offsets[from + i]! - o0;
    const stride = tokens.newlinesStride ?? 1;
    const nl = tokens.newlines;
    for (let i = 0, at = newlinesAt >> 2; i < n; i++) i32[at + i] = nl[stride * (from + i)]!;
    this.ex.evaluateTokensBatch(n, textAt, startsAt, recordsAt, offsetsAt, newlinesAt, MAX_KERNEL_CHARS, outAt);
    out.set(new Uint32Array(b.buffer, outAt, n), from);
  }

  /** The rules' token records of one text (at most MAX_KERNEL_CHARS code units; see RuleTokens), for tests. */
  tokenRecords(text: string): Int32Array {
    const len = text.length;
    if (len > this.scratchChars) this.growScratch(len);
    const textAt = this.dynamicAt;
    const outAt = align(textAt + (len + 1) * 2 + 8);
    const b = this.ensure(outAt + (len + 2) * 8);
    b.write(text, textAt, 'utf16le');
    b[textAt + 2 * len] = 0x20;
    b[textAt + 2 * len + 1] = 0;
    const count = this.ex.tokenizeOne(textAt, len, outAt);
    return new Int32Array(b.buffer, outAt, count * 4).slice();
  }

  /** The bitmask of one text (at most MAX_KERNEL_CHARS code units). */
  evaluateOne(text: string, rules: CompiledRules): number {
    if (rules !== this.rules) this.setRules(rules);
    const len = text.length;
    if (len > this.scratchChars) this.growScratch(len);
    const textAt = this.dynamicAt;
    const startsAt = align(textAt + (len + 1) * 2);
    const outAt = startsAt + 16;
    const b = this.ensure(outAt + 4);
    b.write(text, textAt, 'utf16le');
    b[textAt + 2 * len] = 0x20; // the kernel's sentinel
    b[textAt + 2 * len + 1] = 0;
    const i32 = this.i32;
    i32[startsAt >> 2] = 0;
    i32[(startsAt >> 2) + 1] = len + 1;
    this.ex.evaluateBatch(1, textAt, startsAt, outAt);
    return i32[outAt >> 2]! >>> 0;
  }
}

const rulesKernelModule = embeddedModule(RULES_KERNEL_WASM_BASE64);
