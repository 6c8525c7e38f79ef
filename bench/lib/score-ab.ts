/**
 * The score stage's parts from two code trees (say a checkout of main and a working tree) loaded in one process, timed
 * by CPU time over the same in-memory texts, alternating the trees every round (which one goes first alternates too):
 * `analyze` with the rules' tokens, + `evaluateRulesTokens`, and the score stage's combined call
 * (`ProxyScorer.score(texts, bytes, { rules })`). On a shared machine this compares two versions far more steadily than
 * processes run one after the other. Prints, per part, each tree's median CPU seconds and ns per byte of JSONL, their
 * ratio and every round's pair, then whether the two trees' scores, standard deviations and rules bitmasks are
 * identical (sha256 over every batch). For profiling rounds (docs/performance.md).
 *
 * Usage: [PARTS=analyzeTok,analyzeRules,scoreRules] tsx bench/lib/score-ab.ts <tree-a> <tree-b> <fit-dir> <rounds> <shard.jsonl.gz>...
 * (a tree: a directory holding lib/ and bench/lib/, e.g. from `git archive <commit> lib bench/lib`, with node_modules)
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** One tree's modules (typed loosely: the two trees' types may differ). */
interface Tree {
  corpus: any;
  floor: any;
  proxy: any;
  rules: any;
  readOptions: any;
  store: any;
  features: any;
}

async function loadTree(root: string): Promise<Tree> {
  const from = (path: string) => import(pathToFileURL(join(resolve(root), path)).href);
  return {
    corpus: await from('lib/corpus/index.ts'),
    floor: await from('bench/lib/parse-floor.ts'),
    proxy: await from('lib/proxy/index.ts'),
    rules: await from('lib/rules/index.ts'),
    readOptions: await from('lib/pipeline/read-options.ts'),
    store: await from('lib/store/index.ts'),
    features: await from('lib/features/index.ts'),
  };
}

interface Batch {
  texts: string[];
  bytes: number[];
}

async function main(): Promise<void> {
  const [treeA, treeB, fitDir, roundsArg, ...shards] = process.argv.slice(2);
  if (!treeA || !treeB || !fitDir || !roundsArg || shards.length === 0) {
    throw new Error('usage: score-ab.ts <tree-a> <tree-b> <fit-dir> <rounds> <shard.jsonl.gz>...');
  }
  const trees = { A: await loadTree(treeA), B: await loadTree(treeB) };
  const plan = JSON.parse(await readFile(join(fitDir, 'plan.json'), 'utf8'));
  const card = JSON.parse(await readFile(join(fitDir, 'proxy', 'card.json'), 'utf8'));
  const model = new Uint8Array(await readFile(join(fitDir, 'proxy', 'model.onnx')));

  // The texts, read once (with tree A's reader) and held in memory, in the score stage's batches.
  const A = trees.A;
  const store = A.store.createStore();
  const batches: Batch[] = [];
  let jsonl = 0;
  for (const item of await A.floor.shardWorkItems(shards)) {
    const opts = { ...A.readOptions.readOptionsFor(plan.spec, new A.corpus.BadRecordLog()), batchDocs: 1024, batchBytes: 4 << 20 };
    for await (const b of A.corpus.readDocs(store, item, opts)) {
      batches.push({ texts: b.map((d: any) => d.text), bytes: b.map((d: any) => d.bytes) });
      for (const d of b) jsonl += d.bytes;
    }
  }

  const sides = {
    A: await setup(trees.A, model, card, plan),
    B: await setup(trees.B, model, card, plan),
  };
  type Side = Awaited<ReturnType<typeof setup>>;
  const parts: Record<string, (s: Side) => Promise<number>> = {
    analyzeTok: async (s) => {
      let sink = 0;
      for (const b of batches) sink += s.featurizer.analyze(b.texts, b.bytes, { ruleTokens: true }).offsets[1];
      return sink;
    },
    analyzeRules: async (s) => {
      let sink = 0;
      for (const b of batches) {
        const x = s.featurizer.analyze(b.texts, b.bytes, { ruleTokens: true });
        sink += s.tree.rules.evaluateRulesTokens(b.texts, x.ruleTokens, s.rules)[0];
      }
      return sink;
    },
    scoreRules: async (s) => {
      let sink = 0;
      for (const b of batches) {
        const r = await s.scorer.score(b.texts, b.bytes, { rules: s.rules });
        sink += r.mean[0] + r.rules[0];
      }
      return sink;
    },
  };
  const names = process.env.PARTS?.split(',') ?? Object.keys(parts);
  const times: Record<string, { A: number[]; B: number[] }> = {};
  const rounds = Number(roundsArg);
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const run = parts[name];
      if (!run) throw new Error(`unknown part ${name}`);
      const t = (times[name] ??= { A: [], B: [] });
      for (const side of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const t0 = cpu();
        await run(sides[side]);
        t[side].push(cpu() - t0);
      }
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const perByte = (s: number) => ((s * 1e9) / jsonl).toFixed(2);
  for (const name of names) {
    const { A: a, B: b } = times[name]!;
    const ma = median(a);
    const mb = median(b);
    console.log(
      `${name.padEnd(13)} A ${ma.toFixed(3)} CPU-s (${perByte(ma)} ns/byte)  B ${mb.toFixed(3)} (${perByte(mb)})  A/B ${(ma / mb).toFixed(3)}` +
        `  pairs ${a.map((x, i) => (x / b[i]!).toFixed(2)).join(' ')}`,
    );
  }
  const digests = [await digest(sides.A, batches), await digest(sides.B, batches)];
  console.log(`${(jsonl / 1e6).toFixed(1)} MB of JSONL; scores, stds and rules bitmasks ${digests[0] === digests[1] ? 'identical' : 'DIFFER'}`);
  await sides.A.scorer.close();
  await sides.B.scorer.close();
}

async function setup(tree: Tree, model: Uint8Array, card: any, plan: any) {
  return {
    tree,
    scorer: await tree.proxy.ProxyScorer.create(model, card.features),
    featurizer: tree.features.createFeaturizer(card.features),
    rules: tree.rules.resolveRules(plan.spec.rules),
  };
}

/** sha256 over every batch's scores, standard deviations and rules bitmasks. */
async function digest(side: Awaited<ReturnType<typeof setup>>, batches: readonly Batch[]): Promise<string> {
  const h = createHash('sha256');
  for (const b of batches) {
    const r = await side.scorer.score(b.texts, b.bytes, { rules: side.rules });
    for (const a of [r.mean, r.std, r.rules]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
