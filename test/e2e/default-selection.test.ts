/**
 * What the default selects, judged by the corpus's own labels (the demo's categories), at a quarter and at half of the
 * corpus's tokens: it must never turn into "take the noisiest documents" (the old budget-relative band did at 25%).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCorpus } from '../../lib/demo/index.ts';
import { demoJobSpec } from '../../lib/cli/demo.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { reselect } from '../../lib/runner/reselect.ts';
import { selectionFromFlags } from '../../lib/cli/select.ts';
import type { Manifest } from '../../lib/manifest/index.ts';
import { artifactKeys, readScoreFile } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'proxysel-default-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function categoriesOf(corpusDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of gunzipSync(await readFile(join(corpusDir, 'labels.jsonl.gz'))).toString('utf8').split('\n')) {
    if (line.trim()) {
      const r = JSON.parse(line) as { id: string; category: string };
      out.set(r.id, r.category);
    }
  }
  return out;
}

interface Shares {
  junk: number;
  prose: number;
}

const isJunk = (c: string | undefined) => c?.startsWith('junk-') ?? false;
const isProse = (c: string | undefined) => c === 'prose' || c === 'prose-other';

/**
 * Token shares (the run's estimated tokens, as scored) of junk and prose in the corpus and in the selection, and the
 * 95th percentile of the junk share of random selections of the same size from the documents that pass the quality
 * rules (what "a random selection of the clean documents" holds, with its sampling spread; 200 seeded draws).
 */
async function shares(output: string, manifest: Manifest, cats: Map<string, string>): Promise<{ corpus: Shares; selection: Shares; randomCleanJunkP95: number }> {
  const store = createStore();
  const selected = new Set<string>();
  for (const s of manifest.selected.shards) {
    for (const line of gunzipSync(await readFile(join(output, s.file))).toString('utf8').trim().split('\n')) selected.add((JSON.parse(line) as { id: string }).id);
  }
  const acc = { corpus: { t: 0, junk: 0, prose: 0 }, selection: { t: 0, junk: 0, prose: 0 } };
  const add = (a: { t: number; junk: number; prose: number }, c: string | undefined, t: number) => {
    a.t += t;
    if (isJunk(c)) a.junk += t;
    if (isProse(c)) a.prose += t;
  };
  const passing: { tokens: number; junk: boolean }[] = [];
  for (const item of await listItems(output)) {
    for (const r of await readScoreFile(store, join(output, artifactKeys.scores(item)))) {
      const c = cats.get(r.id);
      add(acc.corpus, c, r.tokens);
      if (r.rules === 0) passing.push({ tokens: r.tokens, junk: isJunk(c) });
      if (selected.has(r.id)) add(acc.selection, c, r.tokens);
    }
  }
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const draws: number[] = [];
  for (let k = 0; k < 200; k++) {
    const order = passing.map((d) => ({ d, u: rand() })).sort((a, b) => a.u - b.u);
    let t = 0;
    let junk = 0;
    for (const { d } of order) {
      if (t >= acc.selection.t) break;
      t += d.tokens;
      if (d.junk) junk += d.tokens;
    }
    draws.push(t > 0 ? junk / t : 0);
  }
  draws.sort((a, b) => a - b);
  const norm = (a: { t: number; junk: number; prose: number }) => ({ junk: a.junk / a.t, prose: a.prose / a.t });
  return { corpus: norm(acc.corpus), selection: norm(acc.selection), randomCleanJunkP95: draws[Math.floor(0.95 * (draws.length - 1))]! };
}

async function listItems(output: string): Promise<string[]> {
  const items = JSON.parse(await readFile(join(output, 'plan', 'items.json'), 'utf8')) as { id: string }[];
  return items.map((i) => i.id);
}

/** The demo's own job spec over a small demo corpus (its sample scaled to the corpus: 400 of about 3,000 documents). */
async function demoRun(corpusDir: string, out: string, fraction: number): Promise<{ output: string; manifest: Manifest }> {
  const spec = { ...(await demoJobSpec(corpusDir, out)), budget: { fraction }, sample: { docs: 400, seed: 1 } };
  const { manifest } = await runJob(spec, { workers: 2, log: silentLogger });
  return { output: out, manifest };
}

for (const corpus of [
  { name: 'the demo corpus (about 30% junk documents)', junkShare: undefined },
  { name: 'a junk-heavy web-like mix (60% junk documents)', junkShare: 0.6 },
]) {
  describe(`the default policy on ${corpus.name}`, () => {
    let dir: string;
    let cats: Map<string, string>;
    beforeAll(async () => {
      dir = join(work, `corpus-${corpus.junkShare ?? 'demo'}`);
      await buildDemoCorpus(dir, { scale: 0.15, seed: 3, ...(corpus.junkShare !== undefined ? { junkShare: corpus.junkShare } : {}) });
      cats = await categoriesOf(dir);
    }, 120_000);

    it('at a quarter and at half of the corpus: more prose and less junk than the corpus, and no more junk than random selections of the rule-passing documents hold', async () => {
      const first = await demoRun(dir, join(work, `run-${corpus.junkShare ?? 'demo'}`), 0.25);
      const half = (await reselect(first.output, selectionFromFlags({ budget: 'fraction=0.5' }), { store: createStore(), log: silentLogger })).manifest;
      for (const m of [first.manifest, half]) {
        const s = await shares(first.output, m, cats);
        const label = `budget ${m.budget.fraction}: ${JSON.stringify(s)}`;
        expect(m.policy, label).toMatchObject({ kind: 'label-band' });
        expect(s.selection.prose, label).toBeGreaterThan(s.corpus.prose);
        expect(s.selection.junk, label).toBeLessThan(s.corpus.junk);
        expect(s.selection.junk, label).toBeLessThanOrEqual(s.randomCleanJunkP95);
        expect(m.quality.verdict).toBe('ok');
        expect(m.quality.selectionFailing.docs).toBe(0);
        // A budget is a ceiling: when it is not filled, the manifest says so.
        if (m.selected.budgetFill < 0.98) expect(m.selected.shortfall?.reason).toMatch(/ceiling/);
      }
    }, 300_000);
  });
}

/** Text unlike every labelled document: mojibake (UTF-8 read as Latin-1, twice) and strings of random letters. */
function plantedTexts(n: number): { id: string; text: string }[] {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const word = (min: number, max: number) => Array.from({ length: min + Math.floor(rand() * (max - min)) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
  const out: { id: string; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const clean = Array.from({ length: 200 }, () => (rand() < 0.3 ? 'café crème déjà vu naïve ' : word(2, 9) + ' ')).join('');
      const once = Buffer.from(clean, 'utf8').toString('latin1');
      out.push({ id: `planted-mojibake-${i}`, text: Buffer.from(once, 'utf8').toString('latin1') });
    } else {
      out.push({ id: `planted-letters-${i}`, text: Array.from({ length: 300 }, () => word(1, 12)).join(' ') });
    }
  }
  return out;
}

describe('documents unlike every labelled one', () => {
  it('are never selected as the "cleanest", with the rules on or off, because the proxy cannot vouch for them', async () => {
    const dir = join(work, 'planted');
    await buildDemoCorpus(dir, { scale: 0.15, seed: 5 });
    const planted = plantedTexts(40);
    await writeFile(join(dir, 'corpus', 'zz-planted.jsonl.gz'), gzipSync(planted.map((d) => JSON.stringify(d)).join('\n') + '\n'));
    const ids = new Set(planted.map((d) => d.id));
    const selectedIds = async (out: string, m: Manifest) => {
      const got: string[] = [];
      for (const s of m.selected.shards) {
        for (const line of gunzipSync(await readFile(join(out, s.file))).toString('utf8').trim().split('\n')) got.push((JSON.parse(line) as { id: string }).id);
      }
      return got;
    };
    // The default.
    const out = join(work, 'planted-run');
    const { manifest } = await demoRun(dir, out, 0.25);
    expect((await selectedIds(out, manifest)).filter((id) => ids.has(id))).toEqual([]);
    // Rules off and the lowest predictions first (perplexity filtering): the trust check alone keeps them out.
    const bare = join(work, 'planted-bare');
    const spec = { ...(await demoJobSpec(dir, bare)), budget: { fraction: 0.25 }, sample: { docs: 400, seed: 1 }, rules: { enabled: false }, policy: { kind: 'bottom' } };
    const run = await runJob(spec, { workers: 2, log: silentLogger });
    expect((await selectedIds(bare, run.manifest)).filter((id) => ids.has(id))).toEqual([]);
    expect(run.manifest.quality.mode).toBe('off');
    expect(run.manifest.quality.excluded.rules.docs).toBe(0);
    // Where the planted documents went: untrusted, or below the bottom policy's reach; never selected.
    expect(run.manifest.quality.excluded.untrusted.docs + run.manifest.quality.excluded.band.docs).toBeGreaterThan(0);
  }, 300_000);
});
