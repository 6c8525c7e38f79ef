import { readFile, readdir, stat, writeFile, mkdtemp, rm, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { reselect } from '../../lib/runner/reselect.ts';
import { selectionFromFlags } from '../../lib/cli/select.ts';
import { tokenizeWords } from '../../lib/reference/ngram/index.ts';
import { runFileSchemaOf } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';
import { startS3rver } from '../helpers/s3rver.ts';

let corpus: { dir: string; cleanup: () => Promise<void> };
let work: string;

beforeAll(async () => {
  corpus = await smallDemoCorpus();
  work = await mkdtemp(join(tmpdir(), 'proxysel-e2e-'));
});
afterAll(async () => {
  await corpus?.cleanup();
  await rm(work, { recursive: true, force: true });
});

async function listFilesRecursive(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFilesRecursive(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

describe('end to end on the local filesystem', () => {
  let first: Awaited<ReturnType<typeof runJob>>;
  const outA = () => join(work, 'a');

  beforeAll(async () => {
    first = await runJob(quickJob(corpus.dir, outA()), { workers: 2, log: silentLogger });
  });

  it('never passes the token budget, and fills it to within one document or names the shortfall and why', () => {
    const m = first.manifest;
    expect(m.budget.tokens).toBeGreaterThan(0);
    expect(m.selected.tokens).toBeLessThanOrEqual(m.budget.tokens!);
    expect(m.selected.docs).toBeGreaterThan(0);
    if (m.selected.shortfall) {
      expect(m.selected.shortfall.amount).toBeCloseTo(m.budget.tokens! - m.selected.tokens, 6);
      expect(m.selected.shortfall.reason).toMatch(/failing a quality rule \d+ documents/);
    } else expect(m.selected.tokens).toBeGreaterThanOrEqual(0.98 * m.budget.tokens!);
  });

  it('writes every artifact the manifest refers to, and the selected documents are real corpus documents', async () => {
    const files = await listFilesRecursive(outA());
    for (const key of ['plan.json', 'plan/items.json', 'sample/sample.jsonl.gz', 'reference/labels.jsonl.gz', 'proxy/model.onnx', 'proxy/card.json', 'threshold.json', 'manifest.json', 'run.json', '_SUCCESS']) {
      expect(files).toContain(key);
    }
    let docs = 0;
    for (const shard of first.manifest.selected.shards) {
      const lines = gunzipSync(await readFile(join(outA(), shard.file))).toString('utf8').trim().split('\n');
      expect(lines).toHaveLength(shard.docs);
      for (const line of lines) {
        const rec = JSON.parse(line) as { id: string; text: string };
        expect(typeof rec.id).toBe('string');
        expect(rec.text.length).toBeGreaterThan(0);
      }
      docs += lines.length;
    }
    expect(docs).toBe(first.manifest.selected.docs);
  });

  it('writes only JSON files that lib/run has a schema for, each of which its schema accepts', async () => {
    const files = (await listFilesRecursive(outA())).filter((k) => k.endsWith('.json') || k === '_FAILED');
    expect(files.length).toBeGreaterThan(20);
    for (const key of files) {
      const schema = runFileSchemaOf(key);
      expect(schema, key).toBeDefined();
      const parsed = schema!.safeParse(JSON.parse(await readFile(join(outA(), key), 'utf8')));
      expect(parsed.success, `${key}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('materializes the same selection as Parquet when the spec asks for { format: "parquet" }', async () => {
    const out = join(work, 'parquet');
    const { manifest } = await runJob(quickJob(corpus.dir, out, { materialize: { format: 'parquet' } }), { workers: 0, log: silentLogger });
    expect(manifest.selected.docs).toBe(first.manifest.selected.docs);
    for (const [i, shard] of manifest.selected.shards.entries()) {
      expect(shard.file).toMatch(/^selected\/[0-9]+\.parquet$/);
      const bytes = await readFile(join(out, shard.file));
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      const jsonl = gunzipSync(await readFile(join(outA(), first.manifest.selected.shards[i]!.file)))
        .toString('utf8')
        .trim()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as unknown);
      expect(rows).toEqual(jsonl);
    }
  });

  it('reports the bad records the demo corpus holds, with file and line', () => {
    const bad = first.manifest.corpus.badRecords;
    expect(bad.count).toBe(3);
    for (const ex of bad.examples) expect(ex.message).toMatch(/\.(jsonl|jsonl\.gz|parquet).* (line|record|byte) \d+/);
  });

  it('records the proxy fidelity and members in the manifest', () => {
    const p = first.manifest.proxy;
    expect(p.members).toBe(3);
    for (const k of ['spearman', 'pearson', 'r2', 'topKAgreement'] as const) expect(Number.isFinite(p.fidelity[k])).toBe(true);
    expect(p.fidelity.spearman).toBeGreaterThan(0.5);
  });

  it('gives a byte-identical manifest in another output folder, with times and location only in run.json', async () => {
    const outB = join(work, 'b');
    await runJob(quickJob(corpus.dir, outB), { workers: 1, log: silentLogger });
    const a = await readFile(join(outA(), 'manifest.json'));
    const b = await readFile(join(outB, 'manifest.json'));
    expect(b.equals(a)).toBe(true);
    expect(a.toString()).not.toContain(work);
    const runA = JSON.parse(await readFile(join(outA(), 'run.json'), 'utf8'));
    expect(runA.output).toContain(outA());
  });

  it('resumes: a second run of the same job skips items whose outputs exist and match', async () => {
    const scoreFile = join(outA(), 'scores', (await readdir(join(outA(), 'scores'))).find((f) => f.endsWith('.parquet'))!);
    const before = (await stat(scoreFile)).mtimeMs;
    const again = await runJob(quickJob(corpus.dir, outA()), { workers: 2, log: silentLogger });
    expect((await stat(scoreFile)).mtimeMs).toBe(before);
    expect(JSON.stringify(again.manifest)).toBe(JSON.stringify(first.manifest));
  });

  it('re-selects from stored scores for a new budget without scoring again', async () => {
    const out = join(work, 'reselect');
    await runJob(quickJob(corpus.dir, out), { workers: 2, log: silentLogger });
    const { manifest } = await reselect(out, selectionFromFlags({ budget: 'fraction=0.1', policy: 'top' }), { store: createStore(), log: silentLogger });
    expect(manifest.budget.fraction).toBe(0.1);
    expect(manifest.selected.tokens).toBeLessThanOrEqual(manifest.budget.tokens!);
    expect(manifest.selected.tokens).toBeGreaterThanOrEqual(0.98 * manifest.budget.tokens!);
    expect((manifest.policy as { kind: string }).kind).toBe('top');

    // budget-band over the same scores: the top of the key order is excluded down to 3 x budget, the budget fills below.
    const band = (await reselect(out, selectionFromFlags({ budget: 'fraction=0.05', policy: 'budget-band', multiple: '3' }), { store: createStore(), log: silentLogger })).manifest;
    const budget = band.budget.tokens!;
    expect(band.selected.tokens).toBeLessThanOrEqual(budget);
    expect(band.selected.tokens).toBeGreaterThanOrEqual(0.98 * budget);
    const t = band.threshold as { exclude: { excluded: { tokens: number } } };
    // What the policy keeps: every document but those the rules, the trust check and dedup left out (threshold.json's totals).
    const totals = (JSON.parse(await readFile(join(out, 'threshold.json'), 'utf8')) as { corpus: { tokens: number; excludedTokens: number; removedTokens: number } }).corpus;
    const kept = totals.tokens - totals.excludedTokens - totals.removedTokens;
    expect(t.exclude.excluded.tokens).toBeGreaterThanOrEqual(kept - 3 * budget);
    expect(t.exclude.excluded.tokens).toBeLessThan(kept - 3 * budget + 0.02 * budget);
    const ids = async (m: typeof band) => {
      const out2: string[] = [];
      for (const shard of m.selected.shards) {
        for (const line of gunzipSync(await readFile(join(out, shard.file))).toString('utf8').trim().split('\n')) out2.push(JSON.parse(line).id);
      }
      return new Set(out2);
    };
    const bandIds = await ids(band);
    const topIds = await ids((await reselect(out, selectionFromFlags({ budget: 'fraction=0.05', policy: 'top' }), { store: createStore(), log: silentLogger })).manifest);
    // The top 5% of the corpus's tokens is never in the band of 3 x 5% below the excluded top (the kept documents hold more than 20%).
    expect(kept).toBeGreaterThan(0.2 * band.corpus.tokens);
    expect([...bandIds].filter((id) => topIds.has(id))).toHaveLength(0);
  });
});

describe('exact token counts', () => {
  it('counts every document with the reference tokenizer when exactTokens is set', async () => {
    const out = join(work, 'exact');
    const { manifest } = await runJob(quickJob(corpus.dir, out, { exactTokens: true }), { workers: 0, log: silentLogger });
    expect(manifest.selected.docs).toBeGreaterThan(0);
    for (const shard of manifest.selected.shards.slice(0, 3)) {
      const docs = gunzipSync(await readFile(join(out, shard.file)))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string });
      const exact = docs.reduce((a, d) => a + tokenizeWords(d.text).length + 1, 0);
      expect(shard.tokens).toBe(exact);
    }
    expect(manifest.selected.tokens).toBeLessThanOrEqual(manifest.budget.tokens!);
  });
});

describe('end to end through an S3-protocol server (s3rver)', () => {
  it('gives the same manifest as the local run', async () => {
    const server = await startS3rver(['corpora', 'selections']);
    try {
      const store = createStore({ s3: server.s3 });
      for (const file of await listFilesRecursive(corpus.dir)) {
        if (file.startsWith('corpus/') || file.startsWith('reference/')) {
          await store.write(`s3://corpora/demo/${file}`, await readFile(join(corpus.dir, file)));
        }
      }
      const spec = quickJob(corpus.dir, 's3://selections/e2e/', {
        corpus: { uri: 's3://corpora/demo/corpus/' },
        reference: { kind: 'ngram', text: 's3://corpora/demo/reference/brown-heldout.txt' },
      });
      const result = await runJob(spec, { s3: server.s3, workers: 2, log: silentLogger });
      const local = await runJob(quickJob(corpus.dir, join(work, 'for-s3')), { workers: 2, log: silentLogger });
      // Byte for byte, except specHash: it identifies the spec, and the spec names a different corpus location.
      const withoutHash = (text: string) => text.replace(/"specHash": "[0-9a-f]+"/, '"specHash": "-"');
      const remote = (await store.read('s3://selections/e2e/manifest.json')).toString();
      expect(withoutHash(remote)).toBe(withoutHash((await readFile(join(work, 'for-s3', 'manifest.json'))).toString()));
      expect(remote).toContain(`"specHash": "${result.manifest.specHash}"`);
      expect(result.manifest.selected.docs).toBe(local.manifest.selected.docs);
    } finally {
      await server.close();
    }
  });
});

describe('bad input', () => {
  it('fails the job on the first bad record with onBadRecord "fail", naming the file and line', async () => {
    await expect(
      runJob(quickJob(corpus.dir, join(work, 'fail'), { corpus: { uri: join(corpus.dir, 'corpus'), onBadRecord: 'fail' } }), {
        workers: 0,
        log: silentLogger,
      }),
    ).rejects.toThrow(/part-\d+\.jsonl(\.gz)? (line|byte) \d+: /);
  });

  it('fails the item of a truncated gzip shard with a message naming the shard', async () => {
    const dir = join(work, 'truncated-corpus');
    await mkdir(dir, { recursive: true });
    const shards = (await readdir(join(corpus.dir, 'corpus'))).filter((f) => f.endsWith('.jsonl.gz'));
    for (const f of shards) await copyFile(join(corpus.dir, 'corpus', f), join(dir, f));
    const victim = join(dir, shards[0]!);
    const bytes = await readFile(victim);
    await writeFile(victim, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(
      runJob(quickJob(corpus.dir, join(work, 'truncated'), { corpus: { uri: dir } }), { workers: 0, log: silentLogger }),
    ).rejects.toThrow(new RegExp(`${shards[0]!.replace(/\./g, '\\.')}.*(truncated|corrupt)`));
  });

  it('rejects an invalid spec before any work, writing nothing', async () => {
    const out = join(work, 'never');
    await expect(
      runJob({ ...quickJob(corpus.dir, out), budget: { fraction: 7 }, sample: { docs: 1 } }, { workers: 0, log: silentLogger }),
    ).rejects.toThrow(/budget.*\n.*sample\.docs|sample\.docs[\s\S]*budget|budget[\s\S]*sample\.docs/);
    await expect(stat(out)).rejects.toThrow();
  });
});
