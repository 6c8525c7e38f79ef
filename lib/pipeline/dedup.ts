import {
  collidingDocs,
  compareListing,
  decodeRemovalHeader,
  decodeRemovalSection,
  encodeRemovals,
  removalHeaderBytes,
  resolveExactPartition,
  type ExactPartitionSummary,
  decodePairs,
  decodeGroupHeader,
  gatherBandFiles,
  groupHeaderBytes,
  mergeGroupFiles,
  encodeEdges,
  type GroupHeader,
  findDuplicatePairs,
  PairList,
  PartitionRecords,
  PartitionTooLargeError,
  refKey,
  resolveClusters,
  signatureFileDocs,
  type PairFinderStats,
} from '../dedup/index.ts';
import { artifactKeys, type DedupSummary, readItems, readPlan, readScoreIds, type RemovedFile, type RunFiles, sha256 } from '../run/index.ts';
import { ObjectStream, StoreNotFoundError } from '../store/index.ts';
import type { WorkItem } from '../corpus/index.ts';
import { minHashParamsOf, readSignatureTable } from './dedup-files.ts';
import { type DeclaredUnit, outputDigest, SINGLE_UNIT, type Upstream } from './unit.ts';
import type { DedupGroupEvent, DedupMergeEvent, DedupPartitionEvent, StageContext } from './types.ts';
import { BadStageInputError, MissingInputError, StaleInputError } from './errors.ts';


export interface DedupPartitionOutput {
  partition: number;
  /** Band records read (documents x bands that fell in this partition). */
  records: number;
  pairs: number;
  stats: PairFinderStats;
  /** Exact deduplication: what the partition decided (its removals are in dedup/removals/p-<partition>.bin). */
  resolved?: ExactPartitionSummary;
}

/** Largest clusters listed in the manifest, each with an example. */
const LARGEST_LISTED = 5;

/** Versions of the files a dedup unit reads (part of its fingerprint, so a rescored item redoes it), and their sizes. */
async function inputVersions(ctx: StageContext, run: RunFiles, keys: string[]): Promise<{ digest: string; sizes: Map<string, number> }> {
  const parts: string[] = [];
  const sizes = new Map<string, number>();
  for (const key of keys) {
    const head = await ctx.store.head(run.uri(key));
    if (!head) throw new MissingInputError(`dedup: ${run.uri(key)} does not exist; run the score stage first`);
    parts.push(`${key}#${head.etag}#${head.size}`);
    sizes.set(key, head.size);
  }
  return { digest: sha256(parts.join('\n')), sizes };
}

function dedupSpecOf(run: RunFiles) {
  const d = run.plan.spec.dedup;
  if (d.kind === 'none') throw new BadStageInputError('dedup: the spec deduplicates nothing (dedup.kind "none")');
  return d;
}

export interface DedupGatherOutput {
  group: number;
  items: number;
  bytes: number;
}

/** Unit `k` of `per` consecutive work items out of `items`: its first item and how many it holds. */
function consecutiveItems(k: number, per: number, items: number): { first: number; count: number } {
  const first = k * per;
  return { first, count: Math.max(0, Math.min(per, items - first)) };
}

/** The work items of gather group `group`: consecutive items of the plan. */
function groupItems(run: RunFiles, group: number, items: number): { first: number; count: number } {
  return consecutiveItems(group, run.plan.dedupGroupItems, items);
}

/** A dedup unit's name: its kind's letter (g: group, m: merged group, p: partition) and its index. */
const unitName = (letter: 'g' | 'm' | 'p', k: number) => `${letter}-${String(k).padStart(5, '0')}`;

/**
 * dedup gather (one group): reads the band files of a group of consecutive work items (one GET each) and writes them
 * again laid out by partition, each record with its item's index, as dedup/groups/g-<group>.bin: the shuffle's first
 * level, so a partition reads one range per group instead of one per item. Memory: the group's band files twice.
 */
export async function dedupGatherUnit(event: DedupGroupEvent, ctx: StageContext): Promise<DeclaredUnit<DedupGatherOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  dedupSpecOf(run);
  if (event.group >= run.plan.dedupGroups) throw new BadStageInputError(`dedup gather: group ${event.group} is out of range (the plan has ${run.plan.dedupGroups})`);
  const items = await readItems(ctx.store, run);
  const { first, count } = groupItems(run, event.group, items.length);
  const members = items.slice(first, first + count);
  const versions = await inputVersions(ctx, run, members.map((it) => artifactKeys.bands(it.id)));
  const key = artifactKeys.dedupGroup(event.group);
  return { run, unit: unitName('g', event.group), inputs: versions.digest, outputs: [key], work: async () => {
    const inputs = [];
    for (let i = 0; i < members.length; i++) {
      const uri = run.uri(artifactKeys.bands(members[i]!.id));
      inputs.push({ item: first + i, file: await ctx.store.read(uri), uri });
      ctx.progress.add({ docs: 0 });
    }
    const file = gatherBandFiles(inputs, run.plan.dedupPartitions, first);
    await ctx.store.write(run.uri(key), file);
    return { group: event.group, items: members.length, bytes: file.length };
  } };
}

/** Units of the shuffle's top level: the merged groups when the plan merges gather groups, else the groups themselves. */
function topLevel(run: RunFiles) {
  const merged = run.plan.dedupMergeGroups > 1;
  const unitItems = Math.max(1, run.plan.dedupMergeGroups) * run.plan.dedupGroupItems;
  return {
    merged,
    count: run.plan.dedupMerges,
    /** Consecutive work items per unit. */
    unitItems,
    key: (k: number) => (merged ? artifactKeys.dedupMerged(k) : artifactKeys.dedupGroup(k)),
    unit: (k: number) => unitName(merged ? 'm' : 'g', k),
    items: (k: number, items: number) => consecutiveItems(k, unitItems, items),
  };
}

/** Group-format files' headers (where partition sections lie, documents per item, body digests), one read each. */
async function readGroupHeaders(ctx: StageContext, run: RunFiles, files: readonly { key: string; items: number }[], stage: string, writer: string) {
  const P = run.plan.dedupPartitions;
  const headers: ({ uri: string } & GroupHeader)[] = [];
  for (const f of files) {
    const uri = run.uri(f.key);
    const header = await ctx.store.read(uri, { start: 0, end: groupHeaderBytes(P, f.items) }).catch((err: unknown) => {
      throw err instanceof StoreNotFoundError ? new MissingInputError(`${stage}: ${uri} does not exist; run the ${writer} stage first`) : err;
    });
    headers.push({ uri, ...decodeGroupHeader(header, P, uri) });
  }
  return headers;
}

/**
 * Merges run one at a time in a process: a merge holds all its inputs' streams open (up to 32) and the upload's parts,
 * and the S3 client has 50 sockets; merges running side by side in one process (the local runner without workers
 * starts a fan-out's calls together) could each hold some sockets while waiting for more. A Lambda runs one anyway.
 */
let mergeTurn: Promise<unknown> = Promise.resolve();
function oneMergeAtATime<T>(work: () => Promise<T>): Promise<T> {
  const turn = mergeTurn.then(work);
  mergeTurn = turn.catch(() => undefined);
  return turn;
}

export interface DedupMergeOutput {
  merge: number;
  /** Group files merged. */
  groups: number;
  bytes: number;
}

/**
 * dedup merge (one merged group, only when the plan merges: dedupMergeGroups > 1): combines M consecutive group files
 * into dedup/merged/m-<merge>.bin, a group file of all their items (lib/dedup/group-file.ts), so a partition reads one
 * range per M groups: the shuffle's merge level. Reads each input's header (one range read) and then its body as one
 * stream, all M in lockstep, partition by partition, and streams the merged file out: memory is a chunk per input and
 * the upload's parts, whatever the files' sizes.
 */
export async function dedupMergeUnit(event: DedupMergeEvent, ctx: StageContext): Promise<DeclaredUnit<DedupMergeOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  dedupSpecOf(run);
  const M = run.plan.dedupMergeGroups;
  if (M <= 1) throw new BadStageInputError(`dedup merge: the plan merges no gather groups (dedupMergeGroups ${M})`);
  if (event.merge >= run.plan.dedupMerges) throw new BadStageInputError(`dedup merge: merge ${event.merge} is out of range (the plan has ${run.plan.dedupMerges})`);
  const items = await readItems(ctx.store, run);
  const groups: number[] = [];
  for (let g = event.merge * M; g < Math.min(run.plan.dedupGroups, (event.merge + 1) * M); g++) groups.push(g);
  const headers = await readGroupHeaders(
    ctx,
    run,
    groups.map((g) => ({ key: artifactKeys.dedupGroup(g), items: groupItems(run, g, items.length).count })),
    'dedup merge',
    'dedup gather',
  );
  const P = run.plan.dedupPartitions;
  const key = artifactKeys.dedupMerged(event.merge);
  // The merged file is a function of its inputs' bodies, which their digests cover.
  return { run, unit: topLevel(run).unit(event.merge), inputs: sha256(headers.map((h) => h.digest).join('\n')), outputs: [key], work: () => oneMergeAtATime(async () => {
    const out = new ObjectStream(ctx.store, run.uri(key));
    const bodies: Awaited<ReturnType<typeof ctx.store.readStream>>[] = [];
    try {
      const inputs = [];
      for (const h of headers) {
        const body = await ctx.store.readStream(h.uri, { start: groupHeaderBytes(P, h.items) });
        bodies.push(body);
        inputs.push({ uri: h.uri, header: h, body });
      }
      const bytes = await mergeGroupFiles(inputs, P, {
        write: async (chunk) => {
          await out.write(chunk);
        },
      });
      await out.end();
      ctx.progress.add({ docs: 0 });
      return { merge: event.merge, groups: headers.length, bytes };
    } catch (err) {
      for (const b of bodies) b.destroy();
      await out.abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }) };
}

/**
 * dedup (one partition): reads this partition's section from every file of the shuffle's top level (the merged files,
 * or the gather groups' files when the plan merges none; a header and a range read each). Exact deduplication decides
 * the partition's copies here (every copy of a text is in the partition of its hash: resolveExactPartition) and writes
 * what it removes to dedup/removals/p-<partition>.bin, laid out by top-level unit.
 * MinHash finds the documents that share a band key or an exact hash, reads just their signatures, and writes the
 * pairs verified at the threshold to dedup/pairs/p-<partition>.bin for the clustering. Memory: 12 bytes per band
 * record and 32 per exact record of the partition, bounded by dedup.maxPartitionRecords.
 */
export async function dedupPartitionUnit(event: DedupPartitionEvent, ctx: StageContext): Promise<DeclaredUnit<DedupPartitionOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const d = dedupSpecOf(run);
  const P = run.plan.dedupPartitions;
  if (event.partition >= P) throw new BadStageInputError(`dedup: partition ${event.partition} is out of range (the plan has ${P})`);
  const items = await readItems(ctx.store, run);
  const unit = unitName('p', event.partition);
  const top = topLevel(run);
  const headers = await readGroupHeaders(
    ctx,
    run,
    Array.from({ length: top.count }, (_, k) => ({ key: top.key(k), items: top.items(k, items.length).count })),
    'dedup',
    top.merged ? 'dedup merge' : 'dedup gather',
  );
  // The outcome depends on the documents' texts (band keys, exact hashes, and signatures that the band keys are cut
  // from) and, for exact deduplication, on the policy keys the exact records carry: the group files' digests cover all
  // (a merged file's digest is made of its group files').
  const versions = sha256(headers.map((h) => h.digest).join('\n'));
  const output = d.kind === 'exact' ? artifactKeys.dedupRemovals(event.partition) : artifactKeys.dedupPairs(event.partition);
  return { run, unit, inputs: versions, outputs: [output], work: async () => {
    const records = new PartitionRecords();
    for (const h of headers) {
      const s = h.sections[event.partition]!;
      const held = records.bands + records.exacts + s.bandRecords;
      if (held > d.maxPartitionRecords) throw new PartitionTooLargeError(event.partition, held, d.maxPartitionRecords);
      if (s.end > s.start) records.addGroupSection(await ctx.store.read(h.uri, { start: s.start, end: s.end }), s.bandRecords, h.uri);
      ctx.progress.add({ docs: 0 });
    }
    const stats: PairFinderStats = { bandBuckets: 0, comparisons: 0, truncatedBuckets: 0, exactGroups: 0 };
    if (d.kind === 'exact') {
      const itemDocs = (item: number) => {
        const h = headers[Math.floor(item / top.unitItems)]!;
        return h.itemDocs[item - h.firstItem]!;
      };
      const { summary, removals } = resolveExactPartition(records, itemDocs, d, LARGEST_LISTED);
      await ctx.store.write(run.uri(output), encodeRemovals(removals, top.count, top.unitItems));
      return { partition: event.partition, records: records.exacts, pairs: summary.pairs, stats: { ...stats, exactGroups: summary.clusters }, resolved: summary };
    }
    const hashes = minHashParamsOf(run.plan.spec).hashes;
    const sigs = await readSignatureTable(ctx.store, run, items.map((it) => it.id), collidingDocs(records), hashes);
    const { edges, stats: found } = findDuplicatePairs(records, sigs, { threshold: d.threshold, maxPivots: d.maxPivots });
    await ctx.store.write(run.uri(output), encodeEdges(edges));
    return { partition: event.partition, records: records.bands + records.exacts, pairs: edges.length, stats: found };
  } };
}

export interface DedupRemovalsOutput {
  /** The shuffle's top-level unit: a merged group (a gather group when the plan merges none). */
  merge: number;
  /** Ids of the group's items that lose documents (each has dedup/removed/<item>.json), in item order. */
  itemsWithRemovals: string[];
  docsRemoved: number;
}

/**
 * dedup removals (one unit of the shuffle's top level: a merged group, or a gather group when the plan merges none),
 * exact deduplication: reads the unit's section of every partition's removals (a header and a range each: the shuffle
 * back from partitions to items) and writes each of its items' removal list,
 * dedup/removed/<item>.json (rows in order). MinHash decides its removals in the clustering, which writes these lists
 * itself: this unit then writes nothing.
 */
export async function dedupRemovalsUnit(event: DedupMergeEvent, ctx: StageContext): Promise<DeclaredUnit<DedupRemovalsOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const d = dedupSpecOf(run);
  const top = topLevel(run);
  const G = top.count;
  if (event.merge >= G) throw new BadStageInputError(`dedup removals: unit ${event.merge} is out of range (the plan has ${G})`);
  const unit = top.unit(event.merge);
  if (d.kind !== 'exact') return { run, unit, inputs: 'minhash', outputs: [], work: async () => ({ merge: event.merge, itemsWithRemovals: [], docsRemoved: 0 }) };
  const items = await readItems(ctx.store, run);
  const { first, count } = top.items(event.merge, items.length);
  const parts: { uri: string; start: number; end: number; digest: string }[] = [];
  for (let p = 0; p < run.plan.dedupPartitions; p++) {
    const uri = run.uri(artifactKeys.dedupRemovals(p));
    const header = await ctx.store.read(uri, { start: 0, end: removalHeaderBytes(G) }).catch((err: unknown) => {
      throw err instanceof StoreNotFoundError ? new MissingInputError(`dedup removals: ${uri} does not exist; run the dedup stage first`) : err;
    });
    const h = decodeRemovalHeader(header, G, uri);
    parts.push({ uri, ...h.sections[event.merge]!, digest: h.digest });
  }
  // Which items lose documents (the unit's outputs) is known only from the sections: they are read here, when the unit
  // is declared, and so again when it is skipped on a resume.
  const lists = new Map<number, RemovedDoc[]>();
  for (const part of parts) {
    if (part.end === part.start) continue;
    const r = decodeRemovalSection(await ctx.store.read(part.uri, { start: part.start, end: part.end }), part.uri);
    for (let i = 0; i < r.count; i++) {
      const item = r.item[i]!;
      if (item < first || item >= first + count) throw new BadStageInputError(`dedup removals: ${part.uri} lists item ${item} in unit ${event.merge} (items ${first} to ${first + count - 1})`);
      const list = lists.get(item) ?? [];
      const key = r.key[i]!;
      list.push({ row: r.row[i]!, key: Number.isNaN(key) ? null : key, tokens: r.tokens[i]! });
      lists.set(item, list);
    }
  }
  const written = [...lists.keys()].sort((a, b) => a - b);
  return { run, unit, inputs: parts.map((p) => p.digest), outputs: written.map((i) => artifactKeys.dedupRemoved(items[i]!.id)), work: async () => {
    let docsRemoved = 0;
    for (const index of written) docsRemoved += await writeRemovalList(ctx, run, items[index]!.id, lists.get(index)!);
    return { merge: event.merge, itemsWithRemovals: written.map((i) => items[i]!.id), docsRemoved };
  } };
}

/**
 * dedup clusters (one), writing dedup/summary.json. Exact deduplication: the partitions decided the clusters and the
 * removals stage wrote the lists; this adds up what their completion markers kept. MinHash: merges every partition's
 * verified pairs by union-find, reads the clustered documents' signature records (policy key, tokens, signature),
 * keeps in each cluster the copy with the best policy key and writes the others' rows per item
 * (dedup/removed/<item>.json). Large or item-emptying clusters are verified pairwise against kept representatives (see
 * resolveClusters). Partitions are read in order, and components do not depend on the order of unions: deterministic.
 */
export interface DedupClustersOutput {
  /** URI of dedup/summary.json. */
  summary: string;
  clusters: number;
  docsRemoved: number;
  tokensRemoved: number;
}

type Clusters = ReturnType<typeof resolveClusters>;
type SignatureRecords = Awaited<ReturnType<typeof readSignatureTable>>;

/**
 * The clusters of duplicates: every partition's verified pairs, joined by the spec's rule (MinHash threshold, or exact),
 * under the guards on cluster size and item share; with the signature records of the paired documents.
 */
async function readClusters(
  ctx: StageContext,
  run: RunFiles,
  at: { items: readonly WorkItem[]; pairKeys: readonly string[]; signatureSizes: ReadonlyMap<string, number> },
): Promise<{ pairs: PairList; clusters: Clusters; sigs: SignatureRecords }> {
  const d = dedupSpecOf(run);
  const { items } = at;
  // The pairs as two columns of ref keys, the paired documents' records in flat arrays: no object per pair or document.
  const pairs = new PairList();
  for (const key of at.pairKeys) decodePairs(await ctx.store.read(run.uri(key)), run.uri(key), pairs);
  const refs = new Set<number>();
  for (let i = 0; i < pairs.count; i++) refs.add(pairs.a[i]!).add(pairs.b[i]!);
  const hashes = minHashParamsOf(run.plan.spec).hashes;
  const sigs = await readSignatureTable(ctx.store, run, items.map((it) => it.id), [...refs], hashes);
  refs.clear();
  // Documents per item for the item-share guard: a signature file holds one fixed-size record per document.
  const itemDocs = items.map((it) => {
    const key = artifactKeys.signatures(it.id);
    return signatureFileDocs(at.signatureSizes.get(key)!, hashes, run.uri(key));
  });
  const threshold = d.kind === 'minhash' ? d.threshold : 1;
  const clusters = resolveClusters(pairs, sigs, itemDocs, { threshold, maxClusterSize: d.maxClusterSize, maxItemShare: d.maxItemShare });
  return { pairs, clusters, sigs };
}

/** One removed document as its item's removal list holds it. */
type RemovedDoc = { row: number; key: number | null; tokens: number };

/** Writes dedup/removed/<item>.json: the item's removed documents in row order (sorts `list`). Returns their number. */
async function writeRemovalList(ctx: StageContext, run: RunFiles, item: string, list: RemovedDoc[]): Promise<number> {
  list.sort((a, b) => a.row - b.row);
  const file: RemovedFile = { item, rows: list.map((x) => x.row), keys: list.map((x) => x.key), tokens: list.map((x) => x.tokens) };
  await ctx.store.writeJson(run.uri(artifactKeys.dedupRemoved(item)), file);
  return list.length;
}

/** Writes dedup/removed/<item>.json for each item with removed documents (rows in order); returns the totals. */
async function writeRemovals(ctx: StageContext, run: RunFiles, items: readonly WorkItem[], clusters: Clusters, sigs: SignatureRecords) {
  const removedByItem = new Map<number, RemovedDoc[]>();
  let docsRemoved = 0;
  let tokensRemoved = 0;
  const guarded = { clusters: 0, docs: 0, kept: 0 };
  for (const c of clusters) {
    if (c.guard) {
      guarded.clusters++;
      guarded.docs += c.members.length;
      guarded.kept += c.kept.length;
    }
    for (const r of c.removed) {
      const slot = sigs.slot(refKey(r.ref.item, r.ref.pos));
      const list = removedByItem.get(r.ref.item) ?? [];
      list.push({ row: sigs.row(slot), key: sigs.key(slot), tokens: sigs.tokens(slot) });
      removedByItem.set(r.ref.item, list);
      docsRemoved++;
      tokensRemoved += sigs.tokens(slot);
    }
  }
  const itemsWithRemovals: string[] = [];
  for (const [index, list] of [...removedByItem].sort((a, b) => a[0] - b[0])) {
    await writeRemovalList(ctx, run, items[index]!.id, list);
    itemsWithRemovals.push(items[index]!.id);
  }
  return { docsRemoved, tokensRemoved, guarded, itemsWithRemovals };
}

/** The ids of documents named by (item, pos): one read of each score file holding one, its id column only. */
async function idsOf(ctx: StageContext, run: RunFiles, items: readonly WorkItem[], refs: readonly { item: number; pos: number }[]) {
  const wanted = new Map<number, number[]>();
  for (const r of refs) wanted.set(r.item, [...(wanted.get(r.item) ?? []), r.pos]);
  const ids = new Map<number, Map<number, string>>();
  for (const [item, positions] of [...wanted].sort((a, b) => a[0] - b[0])) {
    ids.set(item, await readScoreIds(ctx.store, run.uri(artifactKeys.scores(items[item]!.id)), positions));
  }
  return (ref: { item: number; pos: number }) => ids.get(ref.item)!.get(ref.pos)!;
}

/**
 * The largest clusters, each with its kept document and one removed example, by id (one read of each score file holding
 * one of them, its id column only).
 */
async function largestClusters(ctx: StageContext, run: RunFiles, items: readonly WorkItem[], clusters: Clusters): Promise<DedupSummary['largest']> {
  const listed = clusters.slice(0, LARGEST_LISTED);
  const idOf = await idsOf(ctx, run, items, listed.flatMap((c) => [c.kept[0]!, ...(c.removed[0] ? [c.removed[0].ref] : [])]));
  return listed.map((c) => {
    const example = c.removed[0];
    return {
      docs: c.members.length,
      removed: c.removed.length,
      kept: idOf(c.kept[0]!),
      example: example ? idOf(example.ref) : null,
      jaccard: example ? Math.round(example.jaccard * 1000) / 1000 : null,
      ...(c.guard ? { guard: c.guard } : {}),
    };
  });
}

/** dedup-clusters' work: the clusters, the removal lists and dedup/summary.json. */
async function clusterAndRemove(
  ctx: StageContext,
  run: RunFiles,
  at: { items: readonly WorkItem[]; pairKeys: readonly string[]; signatureSizes: ReadonlyMap<string, number> },
): Promise<DedupClustersOutput> {
  const d = dedupSpecOf(run);
  const { pairs, clusters, sigs } = await readClusters(ctx, run, at);
  const { docsRemoved, tokensRemoved, guarded, itemsWithRemovals } = await writeRemovals(ctx, run, at.items, clusters, sigs);
  const largest = await largestClusters(ctx, run, at.items, clusters);
  const { seed: _seed, ...params } = minHashParamsOf(run.plan.spec);
  const summary: DedupSummary = {
    kind: d.kind,
    params: d.kind === 'minhash' ? { ...params, threshold: d.threshold } : {},
    partitions: run.plan.dedupPartitions,
    pairs: pairs.count,
    clusters: clusters.length,
    docsRemoved,
    tokensRemoved,
    guarded,
    largest,
    itemsWithRemovals,
  };
  return writeSummary(ctx, run, summary);
}

/** Writes dedup/summary.json and says what it found. */
async function writeSummary(ctx: StageContext, run: RunFiles, summary: DedupSummary): Promise<DedupClustersOutput> {
  await ctx.store.writeJson(run.uri(artifactKeys.dedupSummary), summary);
  ctx.log.info(`dedup: ${summary.clusters} cluster(s), ${summary.docsRemoved} document(s) and ${summary.tokensRemoved} tokens removed`);
  return { summary: run.uri(artifactKeys.dedupSummary), clusters: summary.clusters, docsRemoved: summary.docsRemoved, tokensRemoved: summary.tokensRemoved };
}

/**
 * Exact deduplication's summary: the partitions decided every cluster (their markers keep what each found, with its
 * largest clusters) and the removals stage wrote the lists (its markers keep which items have one). Reads a marker per
 * partition and per group, and the ids of the largest clusters' documents: nothing grows with the duplicates.
 */
async function summarizeExact(
  ctx: StageContext,
  run: RunFiles,
  items: readonly WorkItem[],
  partitions: readonly ExactPartitionSummary[],
  groups: readonly DedupRemovalsOutput[],
): Promise<DedupClustersOutput> {
  const total = { clusters: 0, pairs: 0, docsRemoved: 0, tokensRemoved: 0, guarded: { clusters: 0, docs: 0, kept: 0 } };
  for (const p of partitions) {
    total.clusters += p.clusters;
    total.pairs += p.pairs;
    total.docsRemoved += p.docsRemoved;
    total.tokensRemoved += p.tokensRemoved;
    for (const k of ['clusters', 'docs', 'kept'] as const) total.guarded[k] += p.guarded[k];
  }
  const listed = partitions.flatMap((p) => p.largest).sort(compareListing).slice(0, LARGEST_LISTED);
  const idOf = await idsOf(ctx, run, items, listed.flatMap((c) => [c.kept, c.example]));
  const summary: DedupSummary = {
    kind: 'exact',
    params: {},
    partitions: run.plan.dedupPartitions,
    pairs: total.pairs,
    clusters: total.clusters,
    docsRemoved: total.docsRemoved,
    tokensRemoved: total.tokensRemoved,
    guarded: total.guarded,
    largest: listed.map((c) => ({ docs: c.docs, removed: c.docs - 1, kept: idOf(c.kept), example: idOf(c.example), jaccard: 1, ...(c.guard ? { guard: c.guard } : {}) })),
    itemsWithRemovals: groups.flatMap((g) => g.itemsWithRemovals),
  };
  const removedByGroups = groups.reduce((a, g) => a + g.docsRemoved, 0);
  if (removedByGroups !== total.docsRemoved) {
    throw new StaleInputError(`dedup: the partitions removed ${total.docsRemoved} document(s) but the removal lists hold ${removedByGroups}: rerun the dedup stages`);
  }
  return writeSummary(ctx, run, summary);
}

export async function dedupClustersUnit(
  event: { plan: string },
  ctx: StageContext,
  upstream: Upstream<'partitioned' | 'removalLists'>,
): Promise<DeclaredUnit<DedupClustersOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const d = dedupSpecOf(run); // refuses a spec that deduplicates nothing before anything else is read
  const P = run.plan.dedupPartitions;
  const items = await readItems(ctx.store, run);
  if (d.kind === 'exact') {
    const partitions: ExactPartitionSummary[] = [];
    const digests: string[] = [];
    for (let p = 0; p < P; p++) {
      const marker = await upstream.partitioned(run, unitName('p', p));
      const out = marker.output as DedupPartitionOutput;
      if (!out.resolved) throw new StaleInputError(`dedup: partition ${p} was not resolved by exact deduplication: rerun the dedup stage`);
      partitions.push(out.resolved);
      digests.push(outputDigest(marker, artifactKeys.dedupRemovals(p)));
    }
    const groups: DedupRemovalsOutput[] = [];
    const top = topLevel(run);
    for (let k = 0; k < top.count; k++) {
      const marker = await upstream.removalLists(run, top.unit(k));
      groups.push(marker.output as DedupRemovalsOutput);
      digests.push(...marker.outputs.map((o) => o.sha256));
    }
    const work = () => summarizeExact(ctx, run, items, partitions, groups);
    return { run, unit: SINGLE_UNIT, inputs: sha256(digests.join('\n')), outputs: [artifactKeys.dedupSummary], work };
  }
  const pairKeys = Array.from({ length: P }, (_, p) => artifactKeys.dedupPairs(p));
  const versions = await inputVersions(ctx, run, [...pairKeys, ...items.map((it) => artifactKeys.signatures(it.id))]);
  const work = () => clusterAndRemove(ctx, run, { items, pairKeys, signatureSizes: versions.sizes });
  return { run, unit: SINGLE_UNIT, inputs: versions.digest, outputs: [artifactKeys.dedupSummary], work };
}
