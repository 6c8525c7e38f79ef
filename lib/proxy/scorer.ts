import * as ort from 'onnxruntime-node';
import { createFeaturizer, featureConfigSchema, type FeatureConfig, type Featurizer } from '../features/index.ts';
import { ProxyModelError } from './errors.ts';
import { PROXY_GRAPH } from './onnx-export.ts';
import type { ProxyScores } from './types.ts';

/** Options of ProxyScorer.create. */
export interface ProxyScorerOptions {
  /** onnxruntime intra-op threads (default 1: one per worker). */
  intraOpNumThreads?: number;
  /**
   * Upper bound on N*K*L ids per graph run (default 2^18); larger batches run in length-sorted chunks. Documents are
   * padded to the longest in their run, so smaller runs pad less (2^18 measured 1.23x faster than 2^20 here). Part of
   * the model's numerics: the float sums round differently with another bound, so keep it fixed for reproducibility.
   */
  maxIdsPerRun?: number;
}

/** What ProxyScorer.score returns: the ensemble's scores and text statistics measured in the same featurizer pass. */
export interface ProxyTextScores extends ProxyScores {
  /** Whitespace-separated words per text (whitespace-separated runs), from the featurizer's single scan. */
  words: Int32Array;
}

/**
 * Scores texts with an exported proxy graph in onnxruntime-node. Texts are featurised once, ordered by length and run
 * in chunks padded to their own longest document (little padding waste); results come back in input order.
 */
export class ProxyScorer {
  /**
   * Calls of score() run one at a time: the featurizer packs every chunk into scratch buffers it reuses, and
   * onnxruntime reads a run's inputs from them after the call yields, so two overlapping calls (concurrent items in one
   * process) would overwrite each other's inputs and give wrong, nondeterministic scores.
   */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly featurizer: Featurizer,
    private readonly maxIds: number,
  ) {}

  /** Loads the graph; `features` is the card's feature config (validated here). */
  static async create(onnxBytes: Uint8Array, features: FeatureConfig, opts: ProxyScorerOptions = {}): Promise<ProxyScorer> {
    const parsed = featureConfigSchema.safeParse(features);
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `features.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new ProxyModelError(`proxy card: ${msg}`);
    }
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnxBytes, sessionOptions);
    } catch (err) {
      throw new ProxyModelError(`proxy model: onnxruntime could not load it: ${(err as Error).message}`);
    }
    const g = PROXY_GRAPH;
    for (const name of [g.ids, g.scale, g.dense]) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new ProxyModelError(`proxy model: graph has no input "${name}" (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    for (const name of [g.mean, g.std]) {
      if (!session.outputNames.includes(name)) {
        await session.release();
        throw new ProxyModelError(`proxy model: graph has no output "${name}" (outputs: ${session.outputNames.join(', ')})`);
      }
    }
    return new ProxyScorer(session, createFeaturizer(parsed.data), opts.maxIdsPerRun ?? 1 << 18);
  }

  /** Ensemble mean and std for each text, in input order, with each text's whitespace-separated word count. */
  async score(texts: readonly string[]): Promise<ProxyTextScores> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await this.scoreAlone(texts);
    } finally {
      release();
    }
  }

  private async scoreAlone(texts: readonly string[]): Promise<ProxyTextScores> {
    const n = texts.length;
    const mean = new Float32Array(n);
    const std = new Float32Array(n);
    if (n === 0) return { mean, std, words: new Int32Array(0) };
    const f = this.featurizer;
    const batch = f.analyze(texts);
    const words = batch.spaceWords;
    const len = (i: number) => batch.offsets[i + 1]! - batch.offsets[i]!;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => len(a) - len(b) || a - b);
    const g = PROXY_GRAPH;
    let s = 0;
    while (s < n) {
      // Longest document last in the chunk: grow while N * K * L stays within the bound.
      let e = s + 1;
      while (e < n && (e + 1 - s) * f.members * Math.max(1, len(order[e]!)) <= this.maxIds) e++;
      const docs = order.slice(s, e);
      const packed = f.pack(batch, docs);
      const feeds = {
        [g.ids]: new ort.Tensor('int32', packed.ids, [packed.n, packed.members, packed.length]),
        [g.scale]: new ort.Tensor('float32', packed.scale, [packed.n]),
        [g.dense]: new ort.Tensor('float32', packed.dense, [packed.n, packed.denseDim]),
      };
      const out = await this.session.run(feeds, [g.mean, g.std]);
      const m = out[g.mean]!.data as Float32Array;
      const sd = out[g.std]!.data as Float32Array;
      for (let r = 0; r < docs.length; r++) {
        mean[docs[r]!] = m[r]!;
        std[docs[r]!] = sd[r]!;
      }
      s = e;
    }
    return { mean, std, words };
  }

  /** Releases the onnxruntime session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
