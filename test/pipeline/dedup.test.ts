/**
 * The dedup stage in the pipeline: the score stage writes signatures and band keys beside the scores, the dedup
 * partitions and the clustering run between score and reduce, and reduce/select never take a removed document.
 */
import { cp, readFile, readdir, rm, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartitionTooLargeError } from '../../lib/dedup/index.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { reselect } from '../../lib/runner/reselect.ts';
import { selectionFromFlags } from '../../lib/cli/select.ts';
import { readScoreFile } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { readDemoLabels } from '../dedup/demo-labels.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';

/** The demo's near-duplicates need finer bands than FineWeb's (see test/dedup/demo-recall.test.ts). */
const DEMO_DEDUP = { kind: 'minhash', bands: 28, rows: 4, threshold: 0.6 };

let corpus: { dir: string; cleanup: () => Promise<void> };
let work: string;
let categories: Map<string, string>;
/** Labelled duplicate group of each document in one (original's source), for originals and their copies. */
let groups: Map<string, string>;

beforeAll(async () => {
  corpus = await smallDemoCorpus(0.1);
  work = await mkdtemp(join(tmpdir(), 'proxysel-dedup-'));
  ({ category: categories, group: groups } = await readDemoLabels(corpus.dir));
}, 120_000);
afterAll(async () => {
  await corpus?.cleanup();
  await rm(work, { recursive: true, force: true });
});

async function selectedIds(out: string): Promise<string[]> {
  const ids: string[] = [];
  for (const f of (await readdir(join(out, 'selected'))).filter((f) => f.endsWith('.jsonl.gz')).sort()) {
    const text = gunzipSync(await readFile(join(out, 'selected', f))).toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}

/** Ids of every document the dedup stage removed (removal lists by row, mapped to ids through the score files). */
async function removedIds(out: string): Promise<Set<string>> {
  const summary = JSON.parse(await readFile(join(out, 'dedup', 'summary.json'), 'utf8')) as { itemsWithRemovals: string[] };
  const store = createStore({});
  const ids = new Set<string>();
  for (const item of summary.itemsWithRemovals) {
    const rows = new Set((JSON.parse(await readFile(join(out, 'dedup', 'removed', `${item}.json`), 'utf8')) as { rows: number[] }).rows);
    for (const r of await readScoreFile(store, join(out, 'scores', `${item}.parquet`))) if (rows.has(r.row)) ids.add(r.id);
  }
  return ids;
}

/**
 * Budget spent on copies: the share of documents beyond the first of each labelled duplicate group (an original and its
 * near and exact copies). Keep-best may keep a labelled copy instead of its original; that document is then no copy.
 */
function redundantShare(docs: readonly string[]): number {
  const seen = new Set<string>();
  let redundant = 0;
  for (const id of docs) {
    const g = groups.get(id);
    if (g === undefined) continue;
    if (seen.has(g)) redundant++;
    else seen.add(g);
  }
  return redundant / docs.length;
}

const isDuplicate = (id: string) => ['near-duplicate', 'exact-duplicate'].includes(categories.get(id) ?? '');

describe('deduplication in a local run', () => {
  const out = () => join(work, 'minhash');
  let first: Awaited<ReturnType<typeof runJob>>;

  beforeAll(async () => {
    first = await runJob(quickJob(corpus.dir, out(), { dedup: DEMO_DEDUP, labels: join(corpus.dir, 'labels.jsonl.gz') }), { workers: 2, log: silentLogger });
  }, 300_000);

  it('reports clusters, removed documents and tokens, and the largest clusters with an example each', () => {
    const d = first.manifest.dedup!;
    expect(d.kind).toBe('minhash');
    expect(d.clusters).toBeGreaterThan(0);
    expect(d.docsRemoved).toBeGreaterThanOrEqual(d.clusters);
    expect(d.tokensRemoved).toBeGreaterThan(0);
    expect(d.tokensEstimated).toBe(true);
    expect(d.largest.length).toBeGreaterThan(0);
    expect(d.largest[0]!.docs).toBeGreaterThanOrEqual(d.largest.at(-1)!.docs);
    for (const c of d.largest) {
      expect(categories.has(c.kept)).toBe(true);
      expect(categories.has(c.example!)).toBe(true);
    }
    expect(first.timings.map((t) => t.stage)).toContain('dedup');
  });

  it('selects no removed document, and the selection holds no larger a share of duplicates than the corpus', async () => {
    const ids = await selectedIds(out());
    expect(ids.length).toBe(first.manifest.selected.docs);
    const removed = await removedIds(out());
    expect(removed.size).toBe(first.manifest.dedup!.docsRemoved);
    for (const id of ids) expect(removed.has(id)).toBe(false);
    const corpusShare = redundantShare([...categories.keys()]);
    const selectedShare = redundantShare(ids);
    const categoryShare = (docs: readonly string[]) => docs.filter(isDuplicate).length / docs.length;
    console.log(
      `redundant copies: corpus ${(100 * corpusShare).toFixed(1)}%, selection ${(100 * selectedShare).toFixed(1)}% of documents; ` +
        `documents labelled near/exact duplicate: corpus ${(100 * categoryShare([...categories.keys()])).toFixed(1)}%, selection ${(100 * categoryShare(ids)).toFixed(1)}%`,
    );
    expect(corpusShare).toBeGreaterThan(0.03);
    expect(selectedShare).toBeLessThanOrEqual(corpusShare);
    // Still filled to the budget from what remained, or short by what the manifest names.
    const { selected, budget } = first.manifest;
    if (selected.shortfall) expect(selected.shortfall.amount).toBeCloseTo(budget.tokens! - selected.tokens, 6);
    else expect(selected.tokens).toBeGreaterThanOrEqual(0.98 * budget.tokens!);
  });

  it('gives the same manifest byte for byte in a fresh run, and a resumed run skips dedup and reproduces it', async () => {
    const fresh = join(work, 'minhash-fresh');
    await runJob(quickJob(corpus.dir, fresh, { dedup: DEMO_DEDUP, labels: join(corpus.dir, 'labels.jsonl.gz') }), { workers: 1, log: silentLogger });
    const a = await readFile(join(out(), 'manifest.json'), 'utf8');
    expect(await readFile(join(fresh, 'manifest.json'), 'utf8')).toBe(a);

    const pairs = join(out(), 'dedup', 'pairs', 'p-00000.bin');
    const before = (await stat(pairs)).mtimeMs;
    await runJob(quickJob(corpus.dir, out(), { dedup: DEMO_DEDUP, labels: join(corpus.dir, 'labels.jsonl.gz') }), { workers: 2, log: silentLogger });
    expect((await stat(pairs)).mtimeMs).toBe(before);
    expect(await readFile(join(out(), 'manifest.json'), 'utf8')).toBe(a);
  }, 300_000);

  it('redoes the gather of an item whose band file changed, a partition only when its groups\' contents changed, and still reproduces the manifest', async () => {
    const manifest = await readFile(join(out(), 'manifest.json'), 'utf8');
    const bands = join(out(), 'scores', '00000.bands');
    await writeFile(bands, await readFile(bands)); // same bytes, new version: the marker's fingerprint no longer matches
    const group = join(out(), 'dedup', 'groups', 'g-00000.bin');
    const pairs = join(out(), 'dedup', 'pairs', 'p-00000.bin');
    const before = { group: (await stat(group)).mtimeMs, pairs: (await stat(pairs)).mtimeMs };
    await runJob(quickJob(corpus.dir, out(), { dedup: DEMO_DEDUP, labels: join(corpus.dir, 'labels.jsonl.gz') }), { workers: 0, log: silentLogger });
    // The group holding the item is gathered again; its bytes are the same, so the partitions that read it are not redone.
    expect((await stat(group)).mtimeMs).toBeGreaterThan(before.group);
    expect((await stat(pairs)).mtimeMs).toBe(before.pairs);
    expect(await readFile(join(out(), 'manifest.json'), 'utf8')).toBe(manifest);

    // A group whose contents changed (here: the partition's marker says it read other group digests) is read again.
    const marker = join(out(), 'plan', 'done', 'dedup', 'p-00000.json');
    const m = JSON.parse(await readFile(marker, 'utf8')) as { fingerprint: string };
    await writeFile(marker, JSON.stringify({ ...m, fingerprint: '0'.repeat(32) }));
    await runJob(quickJob(corpus.dir, out(), { dedup: DEMO_DEDUP, labels: join(corpus.dir, 'labels.jsonl.gz') }), { workers: 0, log: silentLogger });
    expect((await stat(pairs)).mtimeMs).toBeGreaterThan(before.pairs);
    expect(await readFile(join(out(), 'manifest.json'), 'utf8')).toBe(manifest);
  }, 300_000);

  it('re-selects from the stored scores without deduplicating again, and still skips the removed documents', async () => {
    const summary = join(out(), 'dedup', 'summary.json');
    const before = (await stat(summary)).mtimeMs;
    const { manifest } = await reselect(out(), selectionFromFlags({ budget: 'fraction=0.5', policy: 'top' }), { store: createStore({}), log: silentLogger });
    expect((await stat(summary)).mtimeMs).toBe(before);
    expect(manifest.dedup).toEqual(first.manifest.dedup);
    const removed = await removedIds(out());
    const ids = await selectedIds(out());
    expect(ids.length).toBe(manifest.selected.docs);
    for (const id of ids) expect(removed.has(id)).toBe(false);
  }, 120_000);
});

describe('the dedup partition\'s memory bound', () => {
  it('fails a partition holding more band records than dedup.maxPartitionRecords, naming the partition and the fix', async () => {
    const out = join(work, 'minhash');
    const copy = join(work, 'bounded');
    await cp(out, copy, { recursive: true });
    const planUri = join(copy, 'plan.json');
    const plan = JSON.parse(await readFile(planUri, 'utf8')) as { spec: { dedup: { maxPartitionRecords: number } } };
    plan.spec.dedup.maxPartitionRecords = 10;
    await writeFile(planUri, JSON.stringify(plan));
    await rm(join(copy, 'plan', 'done', 'dedup'), { recursive: true, force: true });
    const ctx = { store: createStore({}), log: silentLogger, progress: { add() {} } };
    await expect(runStage('dedup', { plan: planUri, partition: 0 }, ctx)).rejects.toThrow(PartitionTooLargeError);
    await expect(runStage('dedup', { plan: planUri, partition: 0 }, ctx)).rejects.toThrow(/dedup partition 0: \d+ band and exact records exceed the bound of 10 .*raise dedup\.partitions/);
  });
});

describe('dedup kinds', () => {
  it('"none" writes no signatures and no dedup section; the default ("exact") removes byte-identical copies', async () => {
    const none = join(work, 'none');
    const a = await runJob(quickJob(corpus.dir, none, { dedup: { kind: 'none' } }), { workers: 0, log: silentLogger });
    expect(a.manifest.dedup).toBeUndefined();
    const noneShare = redundantShare(await selectedIds(none));
    console.log(`redundant copies without dedup: selection ${(100 * noneShare).toFixed(1)}% of documents`);
    expect((await readdir(join(none, 'scores'))).some((f) => f.endsWith('.dedup') || f.endsWith('.bands'))).toBe(false);

    const exact = join(work, 'exact');
    const b = await runJob(quickJob(corpus.dir, exact), { workers: 0, log: silentLogger });
    expect(b.manifest.dedup?.kind).toBe('exact');
    const exactCopies = [...categories.values()].filter((c) => c === 'exact-duplicate').length;
    expect(b.manifest.dedup!.docsRemoved).toBeGreaterThanOrEqual(exactCopies);
    const ids = await selectedIds(exact);
    expect(new Set(ids).size).toBe(ids.length);
  }, 300_000);
});
