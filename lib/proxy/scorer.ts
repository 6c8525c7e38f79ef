import type * as ort from 'onnxruntime-node';
import { blockColumns, COLUMN_BLOCK, createFeaturizer, featureConfigSchema, type FeatureBatch, type FeatureConfig, type Featurizer } from '../features/index.ts';
import { ProxyModelError } from './errors.ts';
import { PROXY_GRAPH } from './onnx-export.ts';
import type { ProxyScores } from './types.ts';
import { formatZodError } from '../validate/index.ts';
import { evaluateRulesTokens, type CompiledRules } from '../rules/index.ts';

type Onnxruntime = typeof import('onnxruntime-node');
let onnxruntime: Promise<Onnxruntime> | undefined;

/** onnxruntime-node, loaded by the first scorer: importing lib/proxy (for its schemas) does not load the native module. */
function loadOnnxruntime(): Promise<Onnxruntime> {
  onnxruntime ??= import('onnxruntime-node');
  return onnxruntime;
}

/** Options of ProxyScorer.create. */
export interface ProxyScorerOptions {
  /** onnxruntime intra-op threads (default 1: one per worker). */
  intraOpNumThreads?: number;
  /**
   * Upper bound on the ids (K * columns) per graph run (default 2^21, about 64 MB of onnxruntime buffers); a larger
   * batch runs in consecutive chunks of documents. The graph's sums do not depend on which documents share a run.
   */
  maxIdsPerRun?: number;
}

/** What ProxyScorer.score returns: the ensemble's scores and text statistics measured in the same featurizer pass. */
export interface ProxyTextScores extends ProxyScores {
  /** Whitespace-separated words per text (whitespace-separated runs), from the featurizer's single scan. */
  words: Int32Array;
  /** The token-count statistics (lib/features docStats) per text, row-major [n, DOC_STAT_COUNT], from the same scan. */
  tokenStats: Float64Array;
  /** Deduplication's normalized-text hash per text (halves at 2i, 2i + 1: MinHasher's `exact`), from the same scan. */
  textHashes: Uint32Array;
  /**
   * With `wordHashes: true`: every word's hash, the texts concatenated in order, `tokenStats`' word count of them per
   * text (what MinHasher.hashWords shingles), from the same scan; a copy, the caller's to keep.
   */
  wordHashes?: Int32Array;
  /**
   * With `rules`: the bitmask of the quality rules each text fails (lib/rules evaluateRules' bits), evaluated from the
   * tokens the featurizer's scan wrote in the same pass over the texts.
   */
  rules?: Uint32Array;
}

/**
 * Scores texts with an exported proxy graph in onnxruntime-node. Texts are featurised once and packed without padding
 * to a common length (each document's distinct n-grams with their counts, flattened in blocks of 32 columns); a batch
 * is one graph run unless it passes maxIdsPerRun. Results come back in input order.
 */
export class ProxyScorer {
  /**
   * Calls of score() run one at a time: the featurizer packs every chunk into scratch buffers it reuses, and
   * onnxruntime reads a run's inputs from them after the call yields, so two overlapping calls (concurrent items in one
   * process) would overwrite each other's inputs and give wrong, nondeterministic scores.
   */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly ort: Onnxruntime,
    private readonly session: ort.InferenceSession,
    private readonly featurizer: Featurizer,
    private readonly maxIds: number,
  ) {}

  /** Loads the graph; `features` is the card's feature config (validated here). */
  static async create(onnxBytes: Uint8Array, features: FeatureConfig, opts: ProxyScorerOptions = {}): Promise<ProxyScorer> {
    const parsed = featureConfigSchema.safeParse(features);
    if (!parsed.success) {
      throw new ProxyModelError(`proxy card: ${formatZodError(parsed.error, { under: 'features' })}`);
    }
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const runtime = await loadOnnxruntime();
    let session: ort.InferenceSession;
    try {
      session = await runtime.InferenceSession.create(onnxBytes, sessionOptions);
    } catch (err) {
      throw new ProxyModelError(`proxy model: onnxruntime could not load it: ${(err as Error).message}`);
    }
    const g = PROXY_GRAPH;
    for (const name of [g.ids, g.counts, g.offsets, g.scale, g.dense]) {
      if (!session.inputNames.includes(name)) {
        const inputs = session.inputNames.join(', ');
        await session.release();
        const hint = name === g.counts || name === g.offsets ? '; a graph with padded ids [N, K, L] comes from an earlier proxysel: refit the proxy' : '';
        throw new ProxyModelError(`proxy model: graph has no input "${name}" (inputs: ${inputs})${hint}`);
      }
    }
    for (const name of [g.mean, g.std]) {
      if (!session.outputNames.includes(name)) {
        await session.release();
        throw new ProxyModelError(`proxy model: graph has no output "${name}" (outputs: ${session.outputNames.join(', ')})`);
      }
    }
    return new ProxyScorer(runtime, session, createFeaturizer(parsed.data), opts.maxIdsPerRun ?? 1 << 21);
  }

  /**
   * Ensemble mean and std for each text, in input order, with each text's whitespace-separated word count and token
   * statistics; `bytes`: the texts' UTF-8 lengths when known (else computed); `opts.wordHashes`: every word's hash too
   * (MinHash's input, from the same scan); `opts.rules`: the quality rules' bitmasks too (from the same scan's tokens).
   */
  async score(texts: readonly string[], bytes?: ArrayLike<number>, opts: { wordHashes?: boolean; rules?: CompiledRules } = {}): Promise<ProxyTextScores> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await this.scoreAlone(texts, bytes, opts.wordHashes === true, opts.rules);
    } finally {
      release();
    }
  }

  private async scoreAlone(texts: readonly string[], bytes: ArrayLike<number> | undefined, wordHashes: boolean, rules: CompiledRules | undefined): Promise<ProxyTextScores> {
    const n = texts.length;
    const mean = new Float32Array(n);
    const std = new Float32Array(n);
    if (n === 0) {
      return {
        mean, std, words: new Int32Array(0), tokenStats: new Float64Array(0), textHashes: new Uint32Array(0),
        ...(wordHashes ? { wordHashes: new Int32Array(0) } : {}), ...(rules ? { rules: new Uint32Array(0) } : {}),
      };
    }
    const f = this.featurizer;
    const withRules = rules !== undefined && rules.mask !== 0;
    const batch = f.analyze(texts, bytes, { wordHashes, ruleTokens: withRules });
    // The quality rules from the scan's tokens, before pack() reuses the kernel's memory.
    const ruleBits = rules === undefined ? undefined : withRules ? evaluateRulesTokens(texts, batch.ruleTokens!, rules) : new Uint32Array(n);
    // A copy: the view is the featurizer's scratch, which the next batch (or pack's runs below) may reuse.
    const words = batch.wordHashes?.slice();
    const k = f.members;
    const blocks = (d: number) => blockColumns(batch.offsets[d + 1]! - batch.offsets[d]!);
    let s = 0;
    while (s < n) {
      // Consecutive documents while K * (their columns + the closing padding block) stays within the bound (at least one).
      let e = s + 1;
      let columns = blocks(s) + COLUMN_BLOCK;
      while (e < n && k * (columns + blocks(e)) <= this.maxIds) columns += blocks(e++);
      const packed = s === 0 && e === n ? f.pack(batch) : f.pack(batch, Int32Array.from({ length: e - s }, (_, r) => s + r));
      const out = await this.run(packed);
      mean.set(out.mean, s);
      std.set(out.std, s);
      s = e;
    }
    return {
      mean, std, words: batch.spaceWords, tokenStats: batch.tokenStats, textHashes: batch.textHashes,
      ...(words ? { wordHashes: words } : {}), ...(ruleBits ? { rules: ruleBits } : {}),
    };
  }

  private async run(packed: FeatureBatch): Promise<ProxyScores> {
    const g = PROXY_GRAPH;
    const { Tensor } = this.ort;
    const feeds = {
      [g.ids]: new Tensor('int32', packed.ids, [packed.members, packed.width]),
      [g.counts]: new Tensor('float32', packed.counts, [packed.width]),
      [g.offsets]: new Tensor('int32', packed.offsets, [packed.n + 1]),
      [g.scale]: new Tensor('float32', packed.scale, [packed.n]),
      [g.dense]: new Tensor('float32', packed.dense, [packed.n, packed.denseDim]),
    };
    const out = await this.session.run(feeds, [g.mean, g.std]);
    return { mean: out[g.mean]!.data as Float32Array, std: out[g.std]!.data as Float32Array };
  }

  /** Releases the onnxruntime session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
