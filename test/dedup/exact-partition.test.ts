import { describe, expect, it } from 'vitest';
import {
  BandFileWriter,
  compareListing,
  decodeGroupHeader,
  decodeRemovalHeader,
  decodeRemovalSection,
  encodeRemovals,
  findDuplicatePairs,
  gatherBandFiles,
  MinHasher,
  PairList,
  PartitionRecords,
  refKey,
  removalHeaderBytes,
  resolveClusters,
  resolveExactPartition,
  SIGNATURE_HEADER_BYTES,
  SignatureFileWriter,
  SignatureTable,
  signatureFileDocs,
  decodeSignatureHeader,
  type ExactPartitionSummary,
} from '../../lib/dedup/index.ts';
import { docHash } from '../../lib/select/index.ts';

interface Doc {
  text: string;
  key: number | null;
  id: string;
  tokens: number;
}

/** A corpus of `items` work items whose texts repeat often (a pool of `pool` texts), with tied and excluded keys. */
function corpus(items: number, docsPerItem: (item: number) => number, pool: number, seed: number): Doc[][] {
  let h = seed;
  const next = () => (h = (Math.imul(h, 1103515245) + 12345) >>> 0);
  return Array.from({ length: items }, (_, item) =>
    Array.from({ length: docsPerItem(item) }, (_, pos) => {
      const t = next() % pool;
      const k = next() % 10;
      return { text: `text number ${t} ${'word '.repeat(t % 7)}`, key: k === 0 ? null : k < 4 ? 0.5 : (next() % 1000) / 1000, id: `i${item}-d${pos}`, tokens: 1 + (next() % 50) };
    }),
  );
}

const GUARD = { threshold: 1, maxClusterSize: 6, maxItemShare: 0.3 };

/**
 * Both ways over the same files: the partitions' pairs merged by the one clustering call (what exact deduplication
 * did before), and each partition deciding its own copies (resolveExactPartition), its removals laid out by group.
 */
function run(items: Doc[][], partitions: number, groupItems: number) {
  const hasher = new MinHasher({ shingle: 1, hashes: 1, bands: 1, rows: 1, seed: 1 }, { exactOnly: true });
  const sigFiles: Buffer[] = [];
  const bandFiles: Buffer[] = [];
  for (const docs of items) {
    const sigs = new SignatureFileWriter(0);
    const bands = new BandFileWriter(partitions);
    docs.forEach((d, pos) => {
      const hasWords = hasher.hash(d.text);
      const tie = docHash(d.id, 1);
      sigs.add(pos, d.tokens, tie, d.key, hasher.exact, hasWords, new Uint32Array(0));
      bands.add(pos, null, hasher.exact, { row: pos, tokens: d.tokens, tie, key: d.key });
    });
    sigFiles.push(sigs.finish());
    bandFiles.push(bands.finish());
  }
  const groups: Buffer[] = [];
  for (let first = 0; first < items.length; first += groupItems) {
    groups.push(gatherBandFiles(bandFiles.slice(first, first + groupItems).map((file, i) => ({ item: first + i, file, uri: `item ${first + i}` })), partitions, first));
  }
  const G = groups.length;
  const table = new SignatureTable(0);
  sigFiles.forEach((buf, item) => {
    const { recordBytes } = decodeSignatureHeader(buf, 'x');
    for (let pos = 0; pos < signatureFileDocs(buf.length, 0, 'x'); pos++) table.add(refKey(item, pos), buf, SIGNATURE_HEADER_BYTES + pos * recordBytes, 'x');
  });
  const pairs = new PairList();
  const summaries: ExactPartitionSummary[] = [];
  const removalFiles: Buffer[] = [];
  for (let p = 0; p < partitions; p++) {
    const part = new PartitionRecords();
    const headers = groups.map((buf, g) => decodeGroupHeader(buf, partitions, `group ${g}`));
    groups.forEach((buf, g) => {
      const s = headers[g]!.sections[p]!;
      part.addGroupSection(buf.subarray(s.start, s.end), s.bandRecords, `group ${g}`);
    });
    for (const e of findDuplicatePairs(part, table, { threshold: 1, maxPivots: 1 }).edges) pairs.push(refKey(e.a.item, e.a.pos), refKey(e.b.item, e.b.pos));
    const itemDocs = (item: number) => headers[Math.floor(item / groupItems)]!.itemDocs[item % groupItems]!;
    const { summary, removals } = resolveExactPartition(part, itemDocs, GUARD, 5);
    summaries.push(summary);
    removalFiles.push(encodeRemovals(removals, G, groupItems));
  }
  const clusters = resolveClusters(pairs, table, items.map((d) => d.length), GUARD);

  // The reference's removal lists, by item: (row, key, tokens) in row order.
  const reference = new Map<number, [number, number | null, number][]>();
  for (const c of clusters) {
    for (const r of c.removed) {
      const slot = table.slot(refKey(r.ref.item, r.ref.pos));
      reference.set(r.ref.item, [...(reference.get(r.ref.item) ?? []), [table.row(slot), table.key(slot), table.tokens(slot)]]);
    }
  }
  for (const list of reference.values()) list.sort((a, b) => a[0] - b[0]);
  // Each group's items' lists from one section of every partition's removal file.
  const local = new Map<number, [number, number | null, number][]>();
  for (let g = 0; g < G; g++) {
    for (const file of removalFiles) {
      const s = decodeRemovalHeader(file.subarray(0, removalHeaderBytes(G)), G, 'removals').sections[g]!;
      const r = decodeRemovalSection(file.subarray(s.start, s.end), 'removals');
      for (let i = 0; i < r.count; i++) {
        expect(Math.floor(r.item[i]! / groupItems)).toBe(g);
        const key = r.key[i]!;
        local.set(r.item[i]!, [...(local.get(r.item[i]!) ?? []), [r.row[i]!, Number.isNaN(key) ? null : key, r.tokens[i]!]]);
      }
    }
  }
  for (const list of local.values()) list.sort((a, b) => a[0] - b[0]);
  return { clusters, pairs, summaries, reference, local };
}

describe('exact deduplication decided per partition', () => {
  it('removes the same documents, with the same summary, as merging every pair in one clustering call', () => {
    for (const [items, partitions, groupItems, pool, seed] of [
      [7, 3, 2, 40, 1],
      [5, 1, 5, 15, 2],
      [12, 5, 3, 300, 3],
      [3, 4, 1, 8, 4],
    ] as const) {
      const docs = corpus(items, (i) => 20 + ((i * 37) % 60), pool, seed);
      const { clusters, pairs, summaries, reference, local } = run(docs, partitions, groupItems);
      expect(clusters.length).toBeGreaterThan(3);
      expect([...local.entries()].sort((a, b) => a[0] - b[0])).toEqual([...reference.entries()].sort((a, b) => a[0] - b[0]));
      const sum = (f: (s: ExactPartitionSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
      expect(sum((s) => s.clusters)).toBe(clusters.length);
      expect(sum((s) => s.pairs)).toBe(pairs.count);
      expect(sum((s) => s.docsRemoved)).toBe(clusters.reduce((a, c) => a + c.removed.length, 0));
      expect(sum((s) => s.tokensRemoved)).toBe(clusters.reduce((a, c) => a + c.tokensRemoved, 0));
      const guarded = clusters.filter((c) => c.guard);
      expect(sum((s) => s.guarded.clusters)).toBe(guarded.length);
      expect(sum((s) => s.guarded.docs)).toBe(guarded.reduce((a, c) => a + c.members.length, 0));
      expect(sum((s) => s.guarded.kept)).toBe(guarded.reduce((a, c) => a + c.kept.length, 0));
      // The five largest, in the listing order (clusters come sorted by it).
      const largest = summaries.flatMap((s) => s.largest).sort(compareListing).slice(0, 5);
      expect(largest.map((c) => ({ docs: c.docs, kept: c.kept, example: c.example, guard: c.guard }))).toEqual(
        clusters.slice(0, 5).map((c) => ({ docs: c.members.length, kept: c.kept[0], example: c.removed[0]!.ref, guard: c.guard })),
      );
    }
  });

  it('guards clusters by size and item share, and an excluded copy is kept only when every copy is excluded', () => {
    const same = (key: number | null, id: string): Doc => ({ text: 'one text', key, id, tokens: 2 });
    const other = (n: number): Doc => ({ text: `other ${n}`, key: 1, id: `o${n}`, tokens: 1 });
    // Item 0: 3 copies of 4 documents (over the 0.3 share); item 1: one copy among 9 documents.
    const docs = [[same(null, 'a'), same(0.2, 'b'), same(null, 'c'), other(1)], [same(null, 'd'), ...Array.from({ length: 8 }, (_, i) => other(10 + i))]];
    const { summaries, local } = run(docs, 2, 1);
    const s = summaries.find((x) => x.clusters === 1)!;
    expect(s.guarded).toEqual({ clusters: 1, docs: 4, kept: 1 });
    // b (the only key) is kept; a, c and d removed.
    expect(local.get(0)!.map((r) => r[0])).toEqual([0, 2]);
    expect(local.get(1)!.map((r) => r[0])).toEqual([0]);
    expect(s.largest[0]).toMatchObject({ docs: 4, kept: { item: 0, pos: 1 }, guard: 'item-share' });
  });

  it('refuses a removal file written for another number of groups, naming it', () => {
    const file = encodeRemovals({ count: 0, item: new Uint32Array(0), row: new Uint32Array(0), tokens: new Uint32Array(0), key: new Float32Array(0) }, 3, 4);
    expect(() => decodeRemovalHeader(file, 2, 's3://b/dedup/removals/p-00001.bin')).toThrow(/s3:\/\/b\/dedup\/removals\/p-00001\.bin: written for 3 groups, the plan has 2/);
  });
});
