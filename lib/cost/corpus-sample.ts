/**
 * `proxysel estimate --corpus <uri>`: reads a few of the corpus's shards whole (spread over its sorted listing, at
 * least one of each format) and scales what they hold (documents, text and JSONL bytes, tokens) by stored bytes to the
 * shards of the same format, instead of guessing from file sizes alone.
 */
import { detectFormat, planWorkItems, readDocs, type ShardFormat } from '../corpus/index.ts';
import type { ObjectInfo } from '../store/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { CostInputError } from './errors.ts';

export interface CorpusSampleOptions {
  store: ObjectStore;
  /** The record field holding the text (the spec's `corpus.textField`). */
  textField: string;
  /** Counts a text's tokens (the reference's tokenizer); absent, tokens are text bytes x `tokensPerTextByte`. */
  countTokens?: (text: string) => number;
  tokensPerTextByte?: number;
  /** Shards read, about (default 16; at least one per format). */
  maxShards?: number;
  /** Stored bytes read at most, past the first shard (default 512 MB). */
  maxBytes?: number;
}

export interface CorpusSample {
  shards: number;
  storedBytes: number;
  sampledShards: number;
  sampledStoredBytes: number;
  /** What the sampled shards hold. */
  sampled: { docs: number; textBytes: number; jsonlBytes: number; tokens: number };
  /** Scaled to the whole corpus by stored bytes: estimates. */
  estimated: { docs: number; textBytes: number; jsonlBytes: number; tokens: number };
  /** How tokens were counted: the tokenizer's description, or the ratio used. */
  tokensFrom: string;
}

const SHARD = /\.(jsonl(\.gz|\.zst)?|parquet)$/;

/** Indices of `m` of `n` items spread evenly (the middle of each of m equal runs), in order. */
export function spreadIndices(n: number, m: number): number[] {
  const k = Math.min(n, m);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

export async function sampleCorpus(uri: string, options: CorpusSampleOptions & { tokensFrom?: string }): Promise<CorpusSample> {
  const objects = (await options.store.list(uri)).filter((o) => SHARD.test(o.key) && o.size > 0);
  if (objects.length === 0) throw new CostInputError(`--corpus ${uri}: no .jsonl, .jsonl.gz, .jsonl.zst or .parquet shards found`);
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const storedBytes = objects.reduce((a, o) => a + o.size, 0);
  const maxShards = options.maxShards ?? 16;
  const byFormat = new Map<ShardFormat, ObjectInfo[]>();
  for (const o of objects) {
    const f = detectFormat(o.key)!;
    byFormat.set(f, [...(byFormat.get(f) ?? []), o]);
  }
  const total = { docs: 0, textBytes: 0, jsonlBytes: 0, tokens: 0 };
  const estimated = { docs: 0, textBytes: 0, jsonlBytes: 0, tokens: 0 };
  let sampledStoredBytes = 0;
  let sampledShards = 0;
  const budget = (options.maxBytes ?? 512e6) / byFormat.size;
  for (const group of byFormat.values()) {
    const picks = spreadIndices(group.length, Math.max(1, Math.round((maxShards * group.length) / objects.length))).map((i) => group[i]!);
    const s = await readShards(picks, budget, options);
    for (const k of ['docs', 'textBytes', 'jsonlBytes', 'tokens'] as const) {
      total[k] += s.sampled[k];
      estimated[k] += (s.sampled[k] * group.reduce((a, o) => a + o.size, 0)) / s.storedBytes;
    }
    sampledStoredBytes += s.storedBytes;
    sampledShards += s.shards;
  }
  const tokensPerTextByte = options.tokensPerTextByte ?? 0.25;
  return {
    shards: objects.length,
    storedBytes,
    sampledShards,
    sampledStoredBytes,
    sampled: total,
    estimated,
    tokensFrom: options.tokensFrom ?? (options.countTokens ? 'the given tokenizer' : `${tokensPerTextByte} tokens per text byte`),
  };
}

/** Reads `objects` whole, in order, until `maxBytes` of them are read (the first always). */
async function readShards(
  objects: readonly ObjectInfo[],
  maxBytes: number,
  options: CorpusSampleOptions,
): Promise<{ shards: number; storedBytes: number; sampled: CorpusSample['sampled'] }> {
  const tokensPerTextByte = options.tokensPerTextByte ?? 0.25;
  const sampled = { docs: 0, textBytes: 0, jsonlBytes: 0, tokens: 0 };
  let sampledStoredBytes = 0;
  let sampledShards = 0;
  for (const object of objects) {
    if (sampledShards > 0 && sampledStoredBytes + object.size > maxBytes) continue;
    // The whole shard as one item, however large: what a run reads of it.
    const [item] = planWorkItems([object], { maxItemBytes: Number.MAX_SAFE_INTEGER });
    if (!item) continue;
    let docs = 0;
    let lastOffset = -1;
    let textBytes = 0;
    for await (const batch of readDocs(options.store, item, { textField: options.textField, onBadRecord: 'skip' })) {
      for (const doc of batch) {
        docs += 1;
        textBytes += doc.bytes;
        sampled.tokens += options.countTokens ? options.countTokens(doc.text) : doc.bytes * tokensPerTextByte;
        if (doc.offset >= 0) lastOffset = doc.offset;
      }
    }
    // JSONL bytes: up to the last record's start, plus one mean record (parquet: the text bytes, its offsets unknown).
    const jsonl = lastOffset > 0 && docs > 1 ? lastOffset + lastOffset / (docs - 1) : textBytes;
    sampled.docs += docs;
    sampled.textBytes += textBytes;
    sampled.jsonlBytes += jsonl;
    sampledStoredBytes += object.size;
    sampledShards += 1;
  }
  return { shards: sampledShards, storedBytes: sampledStoredBytes, sampled };
}
