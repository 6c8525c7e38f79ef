import {
  CHAR_KIND,
  CLASS_DIGIT,
  CLASS_LOWER,
  CLASS_PUNCT,
  CLASS_SPACE,
  CLASS_UPPER,
  KIND_CLASS_MASK,
  KIND_NON_ASCII,
  KIND_WORD_SEPARATOR,
  LOWER,
  LOWER_TABLE_SIZE,
  WORD_CLASSES,
} from './char-classes.ts';
import { FeatureConfigError } from './errors.ts';
import { FNV_OFFSET, FNV_PRIME, bigramHash, deriveSeed, fmix32, remixBucket, TEXT_HASH_SEED, textHashFirst, textHashSecond, textHashWord } from './hashing.ts';
import { DENSE_FEATURE_NAMES, featureConfigSchema } from './schema.ts';
import { StampSet } from './stamp-set.ts';
import { ASCII_PAIR_FLAGS, DOC_STAT_COUNT, LONG_WORD } from '../tokens/index.ts';
import { STOPWORD_SHIFT, STOPWORD_SLOTS } from './stopwords.ts';
import type { AnalyzedBatch, FeatureBatch, FeatureConfig, Featurizer } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Words per document that feed the hashed n-grams, unless configured otherwise. */
export const DEFAULT_MAX_WORDS = 1024;

const RAW_DIM = DENSE_FEATURE_NAMES.length;
const EMPTY_STATS = new Float64Array(0);
const EMPTY_HASHES = new Uint32Array(0);
const LINE_SET_CAPACITY = 4096;
/** Word length (capped at 12) -> length-histogram bin: 1-2, 3-4, 5-6, 7-8, 9-11, 12+. */
const LENGTH_BIN = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5]);

/**
 * A feature configuration with identity standardisation (means 0, stds 1): what fit uses to measure the dense
 * statistics before it knows their means and spreads.
 */
export function defaultFeatureConfig(opts: { buckets: number; members: number; seed: number; maxWords?: number }): FeatureConfig {
  const hashSeeds = Array.from({ length: opts.members }, (_, k) => deriveSeed(opts.seed, 1000 + k));
  return {
    version: 1,
    kind: 'hashed-ngrams',
    buckets: opts.buckets,
    hashSeeds,
    maxWords: opts.maxWords ?? DEFAULT_MAX_WORDS,
    dense: [...DENSE_FEATURE_NAMES],
    denseMean: DENSE_FEATURE_NAMES.map(() => 0),
    denseStd: DENSE_FEATURE_NAMES.map(() => 1),
  };
}

/**
 * Builds the featurizer shared by fit and score.
 *
 * Tokens are maximal runs of word characters (letters, digits, non-ASCII letters), lowercased, hashed straight from char
 * codes (FNV-1a + fmix32, no string allocation). The first `maxWords` words give unigram hashes and the bigram hashes
 * of consecutive words; each member maps a base hash to its own bucket with its own seed. Pooling is a mean over the
 * document's words (scale = 1/words), so a bucket's feature value is its count divided by the word count. Dense
 * statistics (see DENSE_FEATURE_NAMES) are measured over the whole text and standardised with the config's means/stds.
 *
 * The returned tensors are views into buffers the featurizer reuses: consume them before the next call.
 */
export function createFeaturizer(config: FeatureConfig): Featurizer {
  const parsed = featureConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new FeatureConfigError(`invalid feature config: ${formatZodError(parsed.error)}`);
  }
  const cfg = parsed.data;
  return new HashedNgramFeaturizer(cfg);
}

class HashedNgramFeaturizer implements Featurizer {
  readonly members: number;
  readonly denseDim: number;
  readonly padId: number;
  private readonly shift: number;
  private readonly seeds: Int32Array;
  private readonly columns: Int32Array;
  private readonly mean: Float64Array;
  private readonly invStd: Float64Array;
  private readonly maxWords: number;
  private readonly typeSet: StampSet;
  private readonly lineSet = new StampSet(LINE_SET_CAPACITY);
  private readonly raw = new Float64Array(RAW_DIM);
  // Reused buffers.
  private hashBuf = new Int32Array(1 << 16);
  private countBuf = new Int32Array(1 << 16);
  private idsBuf = new Int32Array(1 << 16);
  private countsOut = new Float32Array(1 << 14);
  private offsetsOut = new Int32Array(65);
  private scaleOut = new Float32Array(64);
  private denseOut = new Float32Array(64 * RAW_DIM);

  constructor(readonly config: FeatureConfig) {
    this.members = config.hashSeeds.length;
    this.denseDim = config.dense.length;
    this.padId = this.members * config.buckets;
    this.shift = 32 - Math.log2(config.buckets);
    this.seeds = Int32Array.from(config.hashSeeds, (s) => s | 0);
    const index = new Map<string, number>(DENSE_FEATURE_NAMES.map((n, i) => [n, i]));
    this.columns = Int32Array.from(config.dense, (n) => index.get(n)!);
    this.mean = Float64Array.from(config.denseMean);
    this.invStd = Float64Array.from(config.denseStd, (s) => 1 / s);
    this.maxWords = config.maxWords;
    let cap = 16;
    while (cap < this.maxWords * 2) cap *= 2;
    this.typeSet = new StampSet(cap);
  }

  bucketOf(hash: number, member: number): number {
    return remixBucket(hash, this.seeds[member]!, this.shift);
  }

  analyze(texts: readonly string[], bytes?: ArrayLike<number>): AnalyzedBatch {
    const n = texts.length;
    const offsets = new Int32Array(n + 1);
    const scale = new Float32Array(n);
    const dense = new Float32Array(n * this.denseDim);
    const spaceWords = new Int32Array(n);
    const tokenStats = new Float64Array(n * DOC_STAT_COUNT);
    const textHashes = new Uint32Array(2 * n);
    this.tokenStats = tokenStats;
    this.textHashes = textHashes;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const need = pos + 2 * this.maxWords;
      if (need > this.hashBuf.length) {
        const size = Math.max(need, this.hashBuf.length * 2);
        const grown = new Int32Array(size);
        grown.set(this.hashBuf.subarray(0, pos));
        this.hashBuf = grown;
        const grownCounts = new Int32Array(size);
        grownCounts.set(this.countBuf.subarray(0, pos));
        this.countBuf = grownCounts;
      }
      const text = texts[i]!;
      const used = this.scanText(text, pos, i, bytes ? bytes[i]! : Buffer.byteLength(text));
      const words = this.lastWords;
      pos = used;
      offsets[i + 1] = pos;
      scale[i] = words > 0 ? 1 / words : 0;
      spaceWords[i] = this.lastSpaceWords;
      const row = i * this.denseDim;
      for (let d = 0; d < this.denseDim; d++) {
        const c = this.columns[d]!;
        dense[row + d] = (this.raw[c]! - this.mean[d]!) * this.invStd[d]!;
      }
    }
    this.tokenStats = EMPTY_STATS;
    this.textHashes = EMPTY_HASHES;
    return { n, hashes: this.hashBuf.subarray(0, pos), counts: this.countBuf.subarray(0, pos), offsets, scale, dense, spaceWords, tokenStats, textHashes };
  }

  /** The batch's token-count statistics while analyze() runs (scanText writes document i's row at i * DOC_STAT_COUNT). */
  private tokenStats = EMPTY_STATS;
  /** The batch's normalized-text hashes while analyze() runs (document i's at 2i, 2i + 1). */
  private textHashes = EMPTY_HASHES;
  private lastWords = 0;
  private lastSpaceWords = 0;
  private readonly lengthCounts = new Int32Array(6);
  private readonly kindCounts = new Int32Array(256);

  /**
   * Scans one text, appending its base hashes and their counts at `pos`; fills this.raw, this.lastWords and
   * this.lastSpaceWords; returns the new end. One pass over the characters with one table lookup each (CHAR_KIND):
   * character classes are counted by kind (`kindCounts[kind]++`) and summed per document, and each word is consumed by
   * a tight inner loop. Each word costs one probe of the document's type set, which deduplicates the unigrams (a
   * repeated word adds to the count of its first occurrence), and one load of the direct-mapped stopword table.
   *
   * The same pass measures the token-count statistics (lib/tokens docStats, bit-identical: tested) into
   * this.tokenStats at `statsAt`, `bytes` being the text's UTF-8 length: case and letter/digit switches from the class
   * of the previous character of the word, rare letter pairs and vowels from one ASCII_PAIR_FLAGS load per word
   * character, word lengths at each word's end, runs and line breaks outside words. And deduplication's normalized-text
   * hash (hashing.ts: textHashWord and the rest; MinHasher's `exact`, tested equal) into this.textHashes. Document
   * `doc`'s rows are written.
   */
  private scanText(text: string, pos: number, doc: number, bytes: number): number {
    const hashes = this.hashBuf;
    const hashCounts = this.countBuf;
    const maxWords = this.maxWords;
    const types = this.typeSet;
    const lines = this.lineSet;
    const counts = this.kindCounts;
    const lengths = this.lengthCounts;
    types.clear();
    lines.clear();
    counts.fill(0);
    lengths.fill(0);
    const len = text.length;
    let words = 0;
    let wordChars = 0;
    let longest = 0;
    let used = 0;
    let distinct = 0;
    let stops = 0;
    let lineCount = 0;
    let repeated = 0;
    let lineHash = FNV_OFFSET;
    let lineHasText = false;
    let prev = 0;
    let capitalized = 0;
    let stopPairs = 0;
    let prevStop = 0;
    let sentenceEnd = true; // the text's first word opens a sentence
    let sentenceStarts = 0;
    let spaceWords = 0;
    let afterSeparator = true; // whitespace-separated words: a non-separator after a separator (or the start) opens one
    // Token-count statistics (docStats) beyond the class counts.
    let caseSwitches = 0;
    let letterDigit = 0;
    let rarePairs = 0;
    let vowels = 0;
    let longWordChars = 0;
    let shortWords = 0;
    let punctRuns = 0;
    let spaceRuns = 0;
    let newlines = 0;
    let e1 = FNV_OFFSET; // the normalized-text hash's halves
    let e2 = TEXT_HASH_SEED;
    let prevOut = CLASS_SPACE; // class of the previous character outside words, 0 after a word (docStats starts at space)
    let lowerRun = 0; // ASCII lowercase letters counted by the run loop (their kind is CLASS_LOWER)
    let asciiSpaces = 0; // spaces (32) outside words, counted apart from kindCounts
    let i = 0;
    while (i < len) {
      let c = text.charCodeAt(i);
      let k = CHAR_KIND[c]!;
      if (k & WORD_CLASSES) {
        // A word: its first character decides capitalisation; then a tight loop over the rest of its run.
        if (afterSeparator) spaceWords++;
        afterSeparator = false;
        const firstUpper = (k & KIND_CLASS_MASK) === CLASS_UPPER;
        if (firstUpper && sentenceEnd) sentenceStarts++;
        sentenceEnd = false;
        lineHasText = true;
        const start = i;
        let wh = FNV_OFFSET;
        let prevCls = 0; // class of the word's previous character (none yet)
        let prevAscii = 0; // the word's previous character if ASCII, else 0
        if (words > 0) e1 = Math.imul(e1 ^ 32, FNV_PRIME);
        for (;;) {
          if (((c - 97) >>> 0) < 26) {
            // A run of ASCII lowercase letters, the bulk of most texts: its own loop without the kind table, the
            // lowercase table or the class counts (counted as one run length), with the same hashes and pair flags.
            if (prevCls !== CLASS_LOWER) {
              if (prevCls === CLASS_DIGIT) letterDigit++; // a digit to letter switch (lower after upper is none)
              prevCls = CLASS_LOWER;
            }
            const runStart = i;
            for (;;) {
              wh = Math.imul(wh ^ c, FNV_PRIME);
              e1 = Math.imul(e1 ^ c, FNV_PRIME);
              lineHash = Math.imul(lineHash ^ c, FNV_PRIME);
              const flags = ASCII_PAIR_FLAGS[(prevAscii << 7) | c]!;
              rarePairs += flags & 1;
              vowels += flags >> 1;
              prevAscii = c;
              if (++i === len) break;
              c = text.charCodeAt(i);
              if (((c - 97) >>> 0) >= 26) break;
            }
            lowerRun += i - runStart;
            if (i === len) break;
            k = CHAR_KIND[c]!;
            if ((k & WORD_CLASSES) === 0) break;
            continue;
          }
          counts[k]!++;
          const lc = c < LOWER_TABLE_SIZE ? LOWER[c]! : c;
          wh = Math.imul(wh ^ lc, FNV_PRIME);
          e1 = Math.imul(e1 ^ lc, FNV_PRIME);
          lineHash = Math.imul(lineHash ^ c, FNV_PRIME);
          const cls = k & KIND_CLASS_MASK;
          if (cls !== prevCls && prevCls !== 0) {
            // A switch inside the word: lower to upper, or between digits and letters.
            if (cls === CLASS_UPPER && prevCls === CLASS_LOWER) caseSwitches++;
            else if (cls === CLASS_DIGIT || prevCls === CLASS_DIGIT) letterDigit++;
          }
          prevCls = cls;
          const ascii = c < 128 ? c : 0;
          const flags = ASCII_PAIR_FLAGS[(prevAscii << 7) | ascii]!;
          rarePairs += flags & 1;
          vowels += flags >> 1;
          prevAscii = ascii;
          if (++i === len) break;
          c = text.charCodeAt(i);
          k = CHAR_KIND[c]!;
          if ((k & WORD_CLASSES) === 0) break;
        }
        const wlen = i - start;
        if (wlen > LONG_WORD) longWordChars += wlen - LONG_WORD;
        if (wlen < 3) shortWords++;
        prevOut = 0;
        words++;
        wordChars += wlen;
        if (wlen > longest) longest = wlen;
        if (firstUpper) capitalized++;
        lengths[LENGTH_BIN[wlen < 12 ? wlen : 12]!]!++;
        const h = fmix32(wh);
        e2 = textHashWord(e2, h);
        if (used < maxWords) {
          // The type set never fills: it holds at most maxWords keys in at least 2 * maxWords slots.
          const first = types.getOrPut(h, pos);
          if (first >= 0) {
            hashCounts[first]!++; // a repeated word: its first occurrence's position
          } else {
            hashes[pos] = h;
            hashCounts[pos++] = 1;
            distinct++;
          }
          if (used > 0) {
            hashes[pos] = bigramHash(prev, h);
            hashCounts[pos++] = 1;
          }
          prev = h;
          used++;
          // Stopwords counted without branches: 1 or 0.
          const stop = STOPWORD_SLOTS[h >>> STOPWORD_SHIFT] === h ? 1 : 0;
          stops += stop;
          stopPairs += stop & prevStop;
          prevStop = stop;
        }
        if (i === len) break;
      }
      // A character outside words (c, k: the character at i).
      if (c === 32) {
        // The plain space between words, most characters outside them: what the general path below does for it.
        asciiSpaces++;
        afterSeparator = true;
        if (prevOut !== CLASS_SPACE) spaceRuns++;
        prevOut = CLASS_SPACE;
        lineHash = Math.imul(lineHash ^ 32, FNV_PRIME);
        i++;
        continue;
      }
      counts[k]!++;
      if (k & KIND_WORD_SEPARATOR) afterSeparator = true;
      else {
        if (afterSeparator) spaceWords++;
        afterSeparator = false;
      }
      const cls = k & KIND_CLASS_MASK;
      // . ! ? end a sentence; closing quotes and brackets keep that state, any other punctuation clears it.
      if (cls === CLASS_PUNCT) {
        sentenceEnd = c === 46 || c === 33 || c === 63 || ((c === 34 || c === 39 || c === 41) && sentenceEnd);
        if (prevOut !== CLASS_PUNCT) punctRuns++;
      } else if (prevOut !== CLASS_SPACE) spaceRuns++; // outside words every class is punctuation or space
      prevOut = cls;
      if (c === 10) {
        newlines++;
        if (lineHasText) {
          lineCount++;
          if (!lines.add(fmix32(lineHash)) && !lines.full) repeated++;
        }
        lineHash = FNV_OFFSET;
        lineHasText = false;
      } else {
        lineHash = Math.imul(lineHash ^ c, FNV_PRIME);
        if (cls !== CLASS_SPACE) lineHasText = true;
      }
      i++;
    }
    // The end of the text closes the last line.
    if (lineHasText) {
      lineCount++;
      if (!lines.add(fmix32(lineHash)) && !lines.full) repeated++;
    }
    // Character classes from the per-kind counts.
    counts[CLASS_LOWER]! += lowerRun;
    counts[CHAR_KIND[32]!]! += asciiSpaces;
    let letters = 0;
    let upper = 0;
    let digits = 0;
    let punct = 0;
    let spaces = 0;
    let nonAscii = 0;
    for (let kind = 0; kind < 256; kind++) {
      const n = counts[kind]!;
      if (n === 0) continue;
      const cls = kind & KIND_CLASS_MASK;
      if (kind & KIND_NON_ASCII) nonAscii += n;
      if (cls & WORD_CLASSES) {
        if (cls !== CLASS_DIGIT) letters += n;
        else digits += n;
        if (cls === CLASS_UPPER) upper += n;
      } else if (cls === CLASS_SPACE) spaces += n;
      else if (cls === CLASS_PUNCT) punct += n;
    }
    const chars = Math.max(1, len);
    const raw = this.raw;
    raw[0] = Math.log1p(len);
    raw[1] = Math.log1p(words);
    raw[2] = words > 0 ? wordChars / words : 0;
    raw[3] = letters / chars;
    raw[4] = digits / chars;
    raw[5] = punct / chars;
    raw[6] = letters > 0 ? upper / letters : 0;
    raw[7] = spaces / chars;
    raw[8] = nonAscii / chars;
    raw[9] = used > 0 ? distinct / used : 0;
    raw[10] = lineCount > 0 ? repeated / lineCount : 0;
    raw[11] = Math.log1p(longest);
    raw[12] = used > 0 ? stops / used : 0;
    const w = Math.max(1, words);
    raw[13] = capitalized / w;
    for (let b = 0; b < 6; b++) raw[14 + b] = lengths[b]! / w;
    raw[20] = used > 1 ? stopPairs / (used - 1) : 0;
    raw[21] = capitalized > 0 ? sentenceStarts / capitalized : 0;
    this.lastWords = used;
    this.lastSpaceWords = spaceWords;
    // The token-count statistics, in DOC_STAT_NAMES order.
    this.textHashes[2 * doc] = textHashFirst(e1, words);
    this.textHashes[2 * doc + 1] = textHashSecond(e2, words);
    const st = this.tokenStats;
    const statsAt = doc * DOC_STAT_COUNT;
    st[statsAt] = bytes;
    st[statsAt + 1] = letters;
    st[statsAt + 2] = digits;
    st[statsAt + 3] = punct;
    st[statsAt + 4] = spaces;
    st[statsAt + 5] = bytes - (len - nonAscii); // UTF-8 bytes of the non-ASCII characters
    st[statsAt + 6] = words;
    st[statsAt + 7] = len > 0 ? newlines + 1 : 0;
    st[statsAt + 8] = caseSwitches;
    st[statsAt + 9] = letterDigit;
    st[statsAt + 10] = punctRuns;
    st[statsAt + 11] = spaceRuns;
    st[statsAt + 12] = longWordChars;
    st[statsAt + 13] = shortWords;
    st[statsAt + 14] = vowels;
    st[statsAt + 15] = rarePairs;
    return pos;
  }

  pack(batch: AnalyzedBatch, docs?: ArrayLike<number>): FeatureBatch {
    const n = docs ? docs.length : batch.n;
    const k = this.members;
    const d = this.denseDim;
    const offsets = batch.offsets;
    let used = 0;
    if (docs) for (let r = 0; r < n; r++) used += offsets[docs[r]! + 1]! - offsets[docs[r]!]!;
    else used = offsets[n]!;
    const width = used + 1; // the padding column
    if (this.idsBuf.length < k * width) this.idsBuf = new Int32Array(Math.max(k * width, this.idsBuf.length * 2));
    if (this.countsOut.length < width) this.countsOut = new Float32Array(Math.max(width, this.countsOut.length * 2));
    if (this.scaleOut.length < n) {
      this.scaleOut = new Float32Array(Math.max(n, this.scaleOut.length * 2));
      this.denseOut = new Float32Array(this.scaleOut.length * d);
      this.offsetsOut = new Int32Array(this.scaleOut.length + 1);
    }
    const ids = this.idsBuf;
    const counts = this.countsOut;
    const offsetsOut = this.offsetsOut;
    if (!docs) {
      // All documents in order: their hashes are already contiguous, one pass per member.
      for (let m = 0; m < k; m++) this.remix(batch.hashes, 0, used, m, ids, m * width);
      for (let p = 0; p < used; p++) counts[p] = batch.counts[p]!;
      offsetsOut.set(offsets);
      this.scaleOut.set(batch.scale);
      this.denseOut.set(batch.dense);
    } else {
      let col = 0;
      for (let r = 0; r < n; r++) {
        const i = docs[r]!;
        const start = offsets[i]!;
        const end = offsets[i + 1]!;
        offsetsOut[r] = col;
        for (let m = 0; m < k; m++) this.remix(batch.hashes, start, end, m, ids, m * width + col);
        for (let p = start; p < end; p++) counts[col++] = batch.counts[p]!;
        this.scaleOut[r] = batch.scale[i]!;
        for (let c = 0; c < d; c++) this.denseOut[r * d + c] = batch.dense[i * d + c]!;
      }
    }
    offsetsOut[n] = used;
    counts[used] = 0;
    for (let m = 0; m < k; m++) ids[m * width + used] = this.padId;
    return {
      n,
      members: k,
      width,
      ids: ids.subarray(0, k * width),
      counts: counts.subarray(0, width),
      offsets: offsetsOut.subarray(0, n + 1),
      scale: this.scaleOut.subarray(0, n),
      dense: this.denseOut.subarray(0, n * d),
      denseDim: d,
    };
  }

  /** Member m's bucket ids (remixBucket, inlined) of hashes[start, end), written to out from `at`. */
  private remix(hashes: Int32Array, start: number, end: number, m: number, out: Int32Array, at: number): void {
    const seed = this.seeds[m]!;
    const base = m * this.config.buckets;
    const shift = this.shift;
    for (let p = start; p < end; p++) {
      let x = Math.imul(hashes[p]! ^ seed, 0x9e3779b1);
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      out[at++] = base + (x >>> shift);
    }
  }

  featurize(texts: readonly string[]): FeatureBatch {
    return this.pack(this.analyze(texts));
  }
}
