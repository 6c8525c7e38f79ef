import { BandFileWriter } from './band-file.ts';
import { decodeGroupHeader, gatherBandFiles } from './group-file.ts';
import { PartitionRecords } from './partition-records.ts';
import { findDuplicatePairs, type PairFinderStats } from './candidates.ts';
import { resolveClusters, type Cluster } from './clusters.ts';
import { refKey } from './doc-ref.ts';
import { bandKeys, MinHasher } from './signature.ts';
import { PairList } from './edge-file.ts';
import { decodeSignatureHeader, SIGNATURE_HEADER_BYTES, SignatureFileWriter, signatureFileDocs } from './signature-file.ts';
import { SignatureTable } from './signature-table.ts';
import type { ClusterGuard, MinHashParams } from './types.ts';

/** One document handed to `deduplicateInMemory`. */
export interface InMemoryDoc {
  text: string;
  /** Policy key (higher is better), or null when excluded. */
  key: number | null;
  tie: number;
  tokens: number;
}

export interface InMemoryOptions {
  kind: 'minhash' | 'exact';
  params: MinHashParams;
  partitions: number;
  guard: ClusterGuard;
  maxPivots: number;
  /** Consecutive items per gather group (default 2, so that several groups take part). */
  groupItems?: number;
}

/**
 * Runs the whole deduplication over documents held in memory, through the same file formats and steps as the pipeline
 * (signature and band files per item, gather groups of items, one pair finder per partition, one clustering): for tests
 * and benchmarks. For exact deduplication the pipeline decides each partition's clusters in the partition instead
 * (resolveExactPartition); test/dedup/exact-partition.test.ts holds the two equal.
 */
export function deduplicateInMemory(items: readonly (readonly InMemoryDoc[])[], o: InMemoryOptions): { clusters: Cluster[]; stats: PairFinderStats } {
  const hasher = new MinHasher(o.params);
  const hashes = o.kind === 'minhash' ? o.params.hashes : 0;
  const keys = new Uint32Array(o.params.bands);
  const sigFiles: Buffer[] = [];
  const bandFiles: Buffer[] = [];
  for (const docs of items) {
    const sigs = new SignatureFileWriter(hashes);
    const bands = new BandFileWriter(o.partitions);
    docs.forEach((d, pos) => {
      const hasWords = hasher.hash(d.text);
      sigs.add(pos, d.tokens, d.tie, d.key, hasher.exact, hasWords, hasher.signature);
      bands.add(pos, o.kind === 'minhash' && hasWords ? bandKeys(hasher.signature, o.params, keys) : null, hasher.exact, { row: pos, tokens: d.tokens, tie: d.tie, key: d.key });
    });
    sigFiles.push(sigs.finish());
    bandFiles.push(bands.finish());
  }
  const table = new SignatureTable(hashes);
  sigFiles.forEach((buf, item) => {
    const uri = `item ${item}`;
    const { recordBytes } = decodeSignatureHeader(buf, uri);
    const docs = signatureFileDocs(buf.length, hashes, uri);
    for (let pos = 0; pos < docs; pos++) table.add(refKey(item, pos), buf, SIGNATURE_HEADER_BYTES + pos * recordBytes, uri);
  });
  const stats: PairFinderStats = { bandBuckets: 0, comparisons: 0, truncatedBuckets: 0, exactGroups: 0 };
  const pairs = new PairList();
  const groupItems = o.groupItems ?? 2;
  const groups: Buffer[] = [];
  for (let first = 0; first < bandFiles.length; first += groupItems) {
    const inputs = bandFiles.slice(first, first + groupItems).map((file, i) => ({ item: first + i, file, uri: `item ${first + i}` }));
    groups.push(gatherBandFiles(inputs, o.partitions, first));
  }
  for (let p = 0; p < o.partitions; p++) {
    const part = new PartitionRecords();
    groups.forEach((buf, g) => {
      const s = decodeGroupHeader(buf, o.partitions, `group ${g}`).sections[p]!;
      part.addGroupSection(buf.subarray(s.start, s.end), s.bandRecords, `group ${g}`);
    });
    const found = findDuplicatePairs(part, table, { threshold: o.guard.threshold, maxPivots: o.maxPivots });
    for (const e of found.edges) pairs.push(refKey(e.a.item, e.a.pos), refKey(e.b.item, e.b.pos));
    for (const k of Object.keys(stats) as (keyof PairFinderStats)[]) stats[k] += found.stats[k];
  }
  const clusters = resolveClusters(pairs, table, items.map((d) => d.length), o.guard);
  return { clusters, stats };
}
