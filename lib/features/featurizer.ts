import { FeatureConfigError } from './errors.ts';
import { deriveSeed, remixBucket } from './hashing.ts';
import { COUNTER, COUNTERS, ScanKernel } from './kernel/scan-kernel.ts';
import { DENSE_FEATURE_NAMES, featureConfigSchema } from './schema.ts';
import { DOC_STAT_COUNT } from './doc-stats.ts';
import type { AnalyzedBatch, FeatureBatch, FeatureConfig, Featurizer } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Words per document that feed the hashed n-grams, unless configured otherwise. */
export const DEFAULT_MAX_WORDS = 1024;

const RAW_DIM = DENSE_FEATURE_NAMES.length;

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
  private readonly kernel: ScanKernel;
  private readonly raw = new Float64Array(RAW_DIM);
  // Reused buffers of pack().
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
    this.kernel = new ScanKernel({ maxWords: config.maxWords, seeds: this.seeds, buckets: config.buckets, shift: this.shift, padId: this.padId });
  }

  bucketOf(hash: number, member: number): number {
    return remixBucket(hash, this.seeds[member]!, this.shift);
  }

  analyze(texts: readonly string[], bytes?: ArrayLike<number>, opts: { wordHashes?: boolean; ruleTokens?: boolean } = {}): AnalyzedBatch {
    const n = texts.length;
    const scan = this.kernel.scan(texts, { words: opts.wordHashes === true, ruleTokens: opts.ruleTokens === true });
    const ct = scan.counters;
    const scale = new Float32Array(n);
    const dense = new Float32Array(n * this.denseDim);
    const spaceWords = new Int32Array(n);
    const tokenStats = new Float64Array(n * DOC_STAT_COUNT);
    const textHashes = new Uint32Array(2 * n);
    const raw = this.raw;
    for (let i = 0; i < n; i++) {
      const c = i * COUNTERS;
      const len = ct[c + COUNTER.len]!;
      const words = ct[c + COUNTER.words]!;
      const used = ct[c + COUNTER.used]!;
      const letters = ct[c + COUNTER.letters]!;
      const digits = ct[c + COUNTER.digits]!;
      const punct = ct[c + COUNTER.punct]!;
      const spaces = ct[c + COUNTER.spaces]!;
      const nonAscii = ct[c + COUNTER.nonAscii]!;
      const capitalized = ct[c + COUNTER.capitalized]!;
      const lineCount = ct[c + COUNTER.lines]!;
      const chars = Math.max(1, len);
      raw[0] = Math.log1p(len);
      raw[1] = Math.log1p(words);
      raw[2] = words > 0 ? ct[c + COUNTER.wordChars]! / words : 0;
      raw[3] = letters / chars;
      raw[4] = digits / chars;
      raw[5] = punct / chars;
      raw[6] = letters > 0 ? ct[c + COUNTER.upper]! / letters : 0;
      raw[7] = spaces / chars;
      raw[8] = nonAscii / chars;
      raw[9] = used > 0 ? ct[c + COUNTER.distinct]! / used : 0;
      raw[10] = lineCount > 0 ? ct[c + COUNTER.repeated]! / lineCount : 0;
      raw[11] = Math.log1p(ct[c + COUNTER.longest]!);
      raw[12] = used > 0 ? ct[c + COUNTER.stops]! / used : 0;
      const w = Math.max(1, words);
      raw[13] = capitalized / w;
      for (let b = 0; b < 6; b++) raw[14 + b] = ct[c + COUNTER.lengths + b]! / w;
      raw[20] = used > 1 ? ct[c + COUNTER.stopPairs]! / (used - 1) : 0;
      raw[21] = capitalized > 0 ? ct[c + COUNTER.sentenceStarts]! / capitalized : 0;
      scale[i] = used > 0 ? 1 / used : 0;
      spaceWords[i] = ct[c + COUNTER.spaceWords]!;
      const row = i * this.denseDim;
      for (let d = 0; d < this.denseDim; d++) {
        const col = this.columns[d]!;
        dense[row + d] = (raw[col]! - this.mean[d]!) * this.invStd[d]!;
      }
      textHashes[2 * i] = ct[c + COUNTER.textHash1]!;
      textHashes[2 * i + 1] = ct[c + COUNTER.textHash2]!;
      // The token-count statistics, in DOC_STAT_NAMES order.
      const textBytes = bytes ? bytes[i]! : Buffer.byteLength(texts[i]!);
      const st = i * DOC_STAT_COUNT;
      tokenStats[st] = textBytes;
      tokenStats[st + 1] = letters;
      tokenStats[st + 2] = digits;
      tokenStats[st + 3] = punct;
      tokenStats[st + 4] = spaces;
      tokenStats[st + 5] = textBytes - (len - nonAscii); // UTF-8 bytes of the non-ASCII characters
      tokenStats[st + 6] = words;
      tokenStats[st + 7] = len > 0 ? ct[c + COUNTER.newlines]! + 1 : 0;
      tokenStats[st + 8] = ct[c + COUNTER.caseSwitches]!;
      tokenStats[st + 9] = ct[c + COUNTER.letterDigit]!;
      tokenStats[st + 10] = ct[c + COUNTER.punctRuns]!;
      tokenStats[st + 11] = ct[c + COUNTER.spaceRuns]!;
      tokenStats[st + 12] = ct[c + COUNTER.longWordChars]!;
      tokenStats[st + 13] = ct[c + COUNTER.shortWords]!;
      tokenStats[st + 14] = ct[c + COUNTER.vowels]!;
      tokenStats[st + 15] = ct[c + COUNTER.rarePairs]!;
    }
    const batch: AnalyzedBatch = {
      n, hashes: scan.hashes, counts: scan.counts, offsets: scan.offsets, scale, dense, spaceWords, tokenStats, textHashes,
      ...(scan.words ? { wordHashes: scan.words } : {}),
      ...(scan.ruleTokens ? { ruleTokens: scan.ruleTokens } : {}),
    };
    this.current = batch;
    return batch;
  }

  /** The batch of the latest analyze(): the only one pack() can read (the kernel holds its hashes). */
  private current: AnalyzedBatch | undefined;

  pack(batch: AnalyzedBatch, docs?: ArrayLike<number>): FeatureBatch {
    if (batch !== this.current) throw new Error('featurizer: pack() takes the batch of this featurizer\'s latest analyze()');
    const n = docs ? docs.length : batch.n;
    if (docs) {
      for (let r = 0; r < n; r++) {
        const i = docs[r]!;
        if (!(i >= 0 && i < batch.n && Number.isInteger(i))) throw new Error(`featurizer: pack() document ${i} is not in the batch (0..${batch.n - 1})`);
      }
    }
    const d = this.denseDim;
    const packed = this.kernel.pack(docs);
    if (this.scaleOut.length < n) {
      this.scaleOut = new Float32Array(Math.max(n, this.scaleOut.length * 2));
      this.denseOut = new Float32Array(this.scaleOut.length * d);
    }
    if (!docs) {
      this.scaleOut.set(batch.scale);
      this.denseOut.set(batch.dense);
    } else {
      for (let r = 0; r < n; r++) {
        const i = docs[r]!;
        this.scaleOut[r] = batch.scale[i]!;
        for (let c = 0; c < d; c++) this.denseOut[r * d + c] = batch.dense[i * d + c]!;
      }
    }
    return {
      n,
      members: this.members,
      width: packed.width,
      ids: packed.ids,
      counts: packed.counts,
      offsets: packed.offsets,
      scale: this.scaleOut.subarray(0, n),
      dense: this.denseOut.subarray(0, n * d),
      denseDim: d,
    };
  }

  featurize(texts: readonly string[]): FeatureBatch {
    return this.pack(this.analyze(texts));
  }
}
