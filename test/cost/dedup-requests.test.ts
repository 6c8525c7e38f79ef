/**
 * The estimate's S3 request model is the stack's access pattern: the dedup stages of a small run against s3rver make
 * exactly the GET, HEAD and PUT requests that lib/dedup/layout.ts's shuffleRequests (which `proxysel estimate` prices)
 * gives for that run's items, groups, merged groups and partitions.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRemovalHeader, shuffleRequests } from '../../lib/dedup/index.ts';
import { type StageRequests } from '../../lib/dedup/layout.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger, stageContext } from '../../lib/pipeline/index.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { readScoreFile } from '../../lib/run/index.ts';
import { createStore, type ObjectStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';

let corpus: { dir: string; cleanup: () => Promise<void> };
let server: RunningS3rver;
let store: ObjectStore;
const OUT = 's3://selections/requests/';

async function upload(dir: string, prefix: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) await upload(join(dir, e.name), `${prefix}${e.name}/`);
    else await store.write(`s3://corpora/demo/${prefix}${e.name}`, await readFile(join(dir, e.name)));
  }
}

/** GET, HEAD and PUT requests by method, from the server's log (every request must be one of them). */
function byMethod(log: string[]): StageRequests {
  const counts = { gets: 0, heads: 0, puts: 0 };
  for (const line of log) {
    const method = line.split(' ')[0];
    if (method === 'GET') counts.gets++;
    else if (method === 'HEAD') counts.heads++;
    else if (method === 'PUT') counts.puts++;
    else throw new Error(`unexpected request ${line}`);
  }
  return counts;
}

beforeAll(async () => {
  corpus = await smallDemoCorpus(0.1);
  server = await startS3rver(['corpora', 'selections']);
  store = createStore({ s3: server.s3 });
  await upload(join(corpus.dir, 'corpus'), 'corpus/');
  await upload(join(corpus.dir, 'reference'), 'reference/');
}, 120_000);

afterAll(async () => {
  await server?.close();
  await corpus?.cleanup();
});

describe('the dedup stages\' S3 requests', () => {
  it('are the estimate\'s formula for the run: items + merged groups x partitions reads each way, not items x partitions', async () => {
    const spec = quickJob(corpus.dir, OUT, {
      corpus: { uri: 's3://corpora/demo/corpus/' },
      reference: { kind: 'ngram', text: 's3://corpora/demo/reference/brown-heldout.txt' },
      dedup: { kind: 'exact', partitions: 3 },
    });
    await runJob(spec, { s3: server.s3, workers: 0, log: silentLogger });

    // Cut the plan into groups of two items merged two at a time (at this size the layout makes one group and no
    // merge), and run the dedup stages again from scratch, one call at a time, counting each stage's requests.
    const planUri = `${OUT}plan.json`;
    const plan = (await store.readJson(planUri)) as {
      corpus: { items: number };
      dedupGroupItems: number;
      dedupGroups: number;
      dedupPartitions: number;
      dedupMergeGroups: number;
      dedupMerges: number;
    };
    const items = plan.corpus.items;
    expect(items).toBeGreaterThanOrEqual(6);
    // What the run decided with one group and no merge: the merged layout must decide the same, byte for byte.
    const decided = async () => Promise.all((await store.list(`${OUT}dedup/`)).filter((o) => /\/dedup\/(removed\/|summary\.json)/.test(o.uri)).map(async (o) => [o.key, (await store.read(o.uri)).toString('hex')]));
    const before = await decided();
    expect(before.length).toBeGreaterThan(2);
    expect(plan.dedupMergeGroups).toBe(1);
    plan.dedupGroupItems = 2;
    plan.dedupGroups = Math.ceil(items / 2);
    plan.dedupMergeGroups = 2;
    plan.dedupMerges = Math.ceil(plan.dedupGroups / 2);
    await store.writeJson(planUri, plan);
    for (const o of await store.list(`${OUT}plan/done/`)) if (/\/(dedup|dedup-gather|dedup-merge|dedup-removals|dedup-clusters)\//.test(o.uri)) await store.delete(o.uri);
    const ctx = stageContext(createStore({ s3: server.s3 }), silentLogger);
    server.takeRequests();

    for (let group = 0; group < plan.dedupGroups; group++) await runStage('dedup-gather', { plan: planUri, group }, ctx);
    const gather = byMethod(server.takeRequests());
    for (let merge = 0; merge < plan.dedupMerges; merge++) await runStage('dedup-merge', { plan: planUri, merge }, ctx);
    const merge = byMethod(server.takeRequests());
    for (let partition = 0; partition < plan.dedupPartitions; partition++) await runStage('dedup', { plan: planUri, partition }, ctx);
    const partition = byMethod(server.takeRequests());
    for (let merge = 0; merge < plan.dedupMerges; merge++) await runStage('dedup-removals', { plan: planUri, merge }, ctx);
    const removals = byMethod(server.takeRequests());
    await runStage('dedup-clusters', { plan: planUri }, ctx);
    const clusters = byMethod(server.takeRequests());
    expect(await decided()).toEqual(before);

    // What the later stages' requests depend on, from the run's outputs: the removal files' sections that hold a
    // removal, the items that lose a document, and the score files holding the largest clusters' ids.
    let removalSections = 0;
    for (let p = 0; p < plan.dedupPartitions; p++) {
      const file = await store.read(`${OUT}dedup/removals/p-${String(p).padStart(5, '0')}.bin`);
      removalSections += decodeRemovalHeader(file, plan.dedupMerges, 'removals').sections.filter((s) => s.end > s.start).length;
    }
    const summary = (await store.readJson(`${OUT}dedup/summary.json`)) as { itemsWithRemovals: string[]; largest: { kept: string; example: string | null }[] };
    const itemIds = ((await store.readJson(`${OUT}plan/items.json`)) as { id: string }[]).map((it) => it.id);
    const holding = new Set<number>();
    for (const [i, id] of itemIds.entries()) {
      const ids = new Set((await readScoreFile(store, `${OUT}scores/${id}.parquet`)).map((r) => r.id));
      for (const c of summary.largest) if (ids.has(c.kept) || (c.example !== null && ids.has(c.example))) holding.add(i);
    }
    expect(summary.itemsWithRemovals.length).toBeGreaterThan(1);
    expect(removalSections).toBeGreaterThan(plan.dedupMerges);
    // The partitions read the merged files (the group files' bytes, in fewer files).
    expect(plan.dedupMerges).toBeLessThan(plan.dedupGroups);

    const expected = shuffleRequests(
      { kind: 'exact' },
      { partitions: plan.dedupPartitions, groups: plan.dedupGroups, mergeGroups: 2, merges: plan.dedupMerges },
      items,
      { itemsWithPairs: 0, itemsWithRemovals: summary.itemsWithRemovals.length, scoreFiles: holding.size, removalSections },
    );
    expect({ gather, merge, partition, removals, clusters }).toEqual(expected);
    // The shuffle's reads: one per item for the gather, two per group for the merge (a header and one stream), two per
    // merged group for each partition, and back: at most two per partition for each merged group; the summary reads
    // a marker per partition and per merged group, not the duplicates.
    const top = plan.dedupMerges;
    expect(gather.gets - 3 * plan.dedupGroups).toBe(items);
    expect(merge.gets - 3 * top).toBe(2 * plan.dedupGroups);
    expect(merge.puts).toBe(2 * top);
    expect(partition.gets - 3 * plan.dedupPartitions).toBe(2 * top * plan.dedupPartitions);
    expect(removals.gets - 2 * top - summary.itemsWithRemovals.length).toBeLessThanOrEqual(2 * top * plan.dedupPartitions);
    expect(clusters.gets).toBe(2 + plan.dedupPartitions + top + holding.size + 1);
  }, 600_000);
});
