/**
 * `npm run bench:downstream [-- --quick]`: does training on proxysel's selection make a real model better?
 *
 * 1. Builds (once, cached under bench/.data/downstream/) a small GPT pretrained on held-out Brown text, with its own
 *    byte-level BPE tokenizer, exported as an HF/Optimum ONNX model folder (bench/lib/downstream/model.ts, gpt.py;
 *    installs python3-torch with apt-get when missing).
 * 2. Builds the demo corpus at three junk levels (about 10%, 33%, 60% of documents; `--quick`: 33% only).
 * 3. Per mix: proxysel runs with that model as its `onnx` reference and at most 2% of the documents labelled; each
 *    policy's selection, random selections (3 seeds), oracle selections from the GPT's loss on every document, and the
 *    Gopher + exact-dedup peer are packed to the same budget of real tokens; a fresh copy of the GPT trains one pass on
 *    each; its loss on a held-out clean target is the result (bench/lib/downstream/mix.ts).
 * 4. Writes bench/results/downstream.md (`--mixes 10,60`: only those mixes, for a partial rerun).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { buildDemoCorpus, DEMO_LAYOUT_VERSION } from '../lib/demo/index.ts';
import { jobSpecSchema, policySchema } from '../lib/job/spec.ts';
import { createStore } from '../lib/store/index.ts';
import { builderHash, contentDigest } from './lib/demo-cache.ts';
import { BUDGET_SHARE, runMix, TRAIN, type MixResult, type ProxyselRun } from './lib/downstream/mix.ts';
import { ensureModel, saveModel } from './lib/downstream/model.ts';
import { renderDownstream } from './lib/downstream/report.ts';
import type { OracleRule } from './lib/downstream/select.ts';

/** Demo corpus scale (documents = 20,000 x scale) and the junk shares of the three mixes. */
const SCALE = 0.25;
const MIXES = [
  { name: 'junk 10%', junkShare: 0.1 },
  { name: 'junk 33%', junkShare: 0.33 },
  { name: 'junk 60%', junkShare: 0.6 },
];
/** Share of the documents labelled by the reference (the ceiling: 2%). */
const SAMPLE_SHARE = 0.02;
const RANDOM_SEEDS = [11, 12, 13];

type PolicyInput = z.input<typeof policySchema>;

const supports = (policy: unknown) => policySchema.safeParse(policy).success;

/** The proxysel configurations and policies benchmarked (those the library supports). */
function proxyselRuns(baseSpec: Record<string, unknown>, targetTextPath: string): ProxyselRun[] {
  const budgetBand = (m: number): PolicyInput[] => (supports({ kind: 'budget-band', multiple: m }) ? [{ kind: 'budget-band', multiple: m } as unknown as PolicyInput] : []);
  const named = (p: PolicyInput): { name: string; policy: PolicyInput } => ({
    name:
      p.kind === 'band'
        ? `band ${Math.round((p.dropTopQuantile ?? 0.1) * 100)}%`
        : p.kind === 'sample'
          ? `sample T=${p.temperature ?? 0.25}`
          : 'multiple' in p
            ? `${p.kind} x${(p as { multiple: number }).multiple}`
            : p.kind,
    policy: p,
  });
  const defaults = jobSpecSchema.parse(baseSpec) as unknown as { lossUnit?: string; policy: PolicyInput; dedup?: { kind: string } };
  const unitLabel = (u: string | undefined) => (u ? `, per ${u}` : '');
  // `top` and `band` 10% (the highest predicted loss) scored -2.7 and -1.4 on the 10% mix and worse on the 33% one
  // (they take junk): left out to keep the run under an hour on 2 cores.
  // x2 (0.84 / 0.92 on the 10% / 33% mixes, below x3 and x4, as its oracle) is left out to keep a cold run near 40 minutes.
  const policies: PolicyInput[] = [{ kind: 'bottom' }, ...budgetBand(3), ...budgetBand(4)];
  const runs: ProxyselRun[] = [
    {
      name: 'default',
      spec: {},
      policies: [
        { name: `proxysel default (${named(defaults.policy).name}${unitLabel(defaults.lossUnit)})`, policy: 'default' },
        ...policies.map(named).map((p) => ({ ...p, name: `${p.name}${unitLabel(defaults.lossUnit)}` })),
      ],
    },
  ];
  // The other loss unit, when the library has the option.
  for (const unit of ['token', 'byte']) {
    if (defaults.lossUnit === undefined || unit === defaults.lossUnit) continue;
    if (!jobSpecSchema.safeParse({ ...baseSpec, lossUnit: unit }).success) continue;
    runs.push({
      name: `per ${unit}`,
      spec: { lossUnit: unit },
      policies: [{ kind: 'bottom' } as PolicyInput, ...budgetBand(3), ...budgetBand(4)]
        .map(named)
        .map((p) => ({ ...p, name: `${p.name}, per ${unit}` })),
    });
  }
  // Near-duplicate removal (MinHash) before the default policy, against the default exact dedup.
  const minhash = { dedup: { kind: 'minhash' } };
  if (jobSpecSchema.safeParse({ ...baseSpec, ...minhash }).success && defaults.dedup?.kind !== 'minhash') {
    runs.push({
      name: 'minhash dedup',
      spec: minhash,
      policies: [...budgetBand(3)]
        .map(named)
        .map((p) => ({ ...p, name: `${p.name}${unitLabel(defaults.lossUnit)}, minhash dedup` })),
    });
  }
  // The deployed proxy trained on the training split only (the held-out labels unused), against the default (all labels).
  const split = { proxy: { kind: 'hashed-ensemble', deployOn: 'split' } };
  if (jobSpecSchema.safeParse({ ...baseSpec, ...split }).success) {
    runs.push({
      name: 'split-trained',
      spec: split,
      policies: [...budgetBand(3)]
        .map(named)
        .map((p) => ({ ...p, name: `${p.name}${unitLabel(defaults.lossUnit)}, proxy trained on the split only` })),
    });
  }
  // Other hashed bucket counts per member than the default 2^17 (512 KiB of float32 per member, a core's L2): 2^18, the
  // default until 2026-12-02 (1 MB, 1.44x slower per id in onnxruntime), and 2^16 (more hash collisions).
  for (const log2 of [18, 16]) {
    const fewer = { proxy: { kind: 'hashed-ensemble', buckets: 2 ** log2 } };
    if (!jobSpecSchema.safeParse({ ...baseSpec, ...fewer }).success) continue;
    runs.push({
      name: `buckets 2^${log2}`,
      spec: fewer,
      policies: [{ name: `${named(defaults.policy).name}${unitLabel(defaults.lossUnit)}, buckets 2^${log2}`, policy: 'default' }],
    });
  }
  const reducible = { target: 'reducible', targetText: targetTextPath, policy: { kind: 'reducible' } };
  if (jobSpecSchema.safeParse({ ...baseSpec, ...reducible }).success) {
    runs.push({ name: 'reducible', spec: reducible, policies: [{ name: 'reducible (targetText)', policy: 'default' }] });
  }
  return runs;
}

/** Oracle rows: the GPT's own loss on every document, per token and per byte. */
const ORACLES: { name: string; unit: 'token' | 'byte'; rule: OracleRule }[] = [
  { name: 'oracle top, per token', unit: 'token', rule: { kind: 'top' } },
  ...(['token', 'byte'] as const).flatMap((unit) => [
    { name: `oracle bottom, per ${unit}`, unit, rule: { kind: 'bottom' } as OracleRule },
    { name: `oracle budget-band x3, per ${unit}`, unit, rule: { kind: 'budget-band', multiple: 3 } as OracleRule },
  ]),
  { name: 'oracle budget-band x4, per byte', unit: 'byte', rule: { kind: 'budget-band', multiple: 4 } },
];

async function main(): Promise<void> {
  const t0 = performance.now();
  const quick = process.argv.includes('--quick');
  const log = (line: string) => console.log(line);
  const cache = fileURLToPath(new URL('./.data/downstream/', import.meta.url));
  const model = await ensureModel(join(cache, 'models'), log);
  log(`model: ${model.params} parameters, ${model.dir}`);
  if (process.argv.includes('--save-model')) log(`model build saved to ${await saveModel(model)} (commit it)`);
  const store = createStore({});
  const hash = await builderHash();
  // --mixes 10,60 runs only those mixes (by junk percent); --quick is the 33% mix alone.
  const only = process.argv.includes('--mixes') ? process.argv[process.argv.indexOf('--mixes') + 1]!.split(',').map(Number) : undefined;
  const chosen = quick ? [MIXES[1]!] : MIXES.filter((m) => !only || only.includes(Math.round(m.junkShare * 100)));
  const runKey = createHash('sha256')
    .update(JSON.stringify({ TRAIN, BUDGET_SHARE, SAMPLE_SHARE, RANDOM_SEEDS, ORACLES, SCALE, model: model.dir }))
    .digest('hex')
    .slice(0, 12);
  const corpusDirOf = (m: (typeof MIXES)[number]) => join(cache, `corpus-${DEMO_LAYOUT_VERSION}-${hash}-scale${SCALE}-junk${m.junkShare}`);
  // Work (tokenizations, the oracle pass, proxysel runs, results) is keyed by the corpus's bytes, not the builder's.
  const workDirs = new Map<number, string>();
  const workDirOf = async (m: (typeof MIXES)[number]) => {
    let dir = workDirs.get(m.junkShare);
    if (dir === undefined) {
      dir = join(cache, 'runs', `junk${m.junkShare}-${await contentDigest(join(corpusDirOf(m), 'corpus'))}`);
      workDirs.set(m.junkShare, dir);
    }
    return dir;
  };
  const resultFile = async (m: (typeof MIXES)[number]) => join(await workDirOf(m), `result-${runKey}.json`);
  for (const m of chosen) {
    const corpusDir = corpusDirOf(m);
    if (!existsSync(join(corpusDir, '_COMPLETE.json'))) {
      log(`building the demo corpus (${m.name}) into ${corpusDir} ...`);
      await buildDemoCorpus(corpusDir, { scale: SCALE, seed: 1, junkShare: m.junkShare });
    }
    const docs = Math.round(20_000 * SCALE);
    const sampleDocs = Math.floor(docs * SAMPLE_SHARE);
    const baseSpec = {
      name: 'downstream',
      corpus: { uri: join(corpusDir, 'corpus') },
      output: join(cache, 'tmp'),
      budget: { fraction: BUDGET_SHARE },
      reference: { kind: 'onnx', model: model.modelDir, maxTokens: model.context },
    };
    log(`mix ${m.name}:`);
    const result = await runMix({
        name: m.name,
        corpusDir,
        workDir: await workDirOf(m),
        model,
        budgetShare: BUDGET_SHARE,
        sampleDocs,
        runs: proxyselRuns(baseSpec, model.targetTextPath),
        oracle: ORACLES,
        randomSeeds: RANDOM_SEEDS,
        store,
        log,
      });
    await writeFile(await resultFile(m), JSON.stringify(result));
  }
  // The report holds every mix with a result of this configuration: those run now and, with --mixes, earlier ones.
  const mixes: MixResult[] = [];
  for (const m of quick ? [MIXES[1]!] : MIXES) {
    if (!existsSync(join(corpusDirOf(m), '_COMPLETE.json'))) continue;
    const f = await resultFile(m);
    if (existsSync(f)) mixes.push(JSON.parse(await readFile(f, 'utf8')) as MixResult);
  }
  const report = renderDownstream(mixes, model, { totalSeconds: (performance.now() - t0) / 1000, quick, train: { ...TRAIN } });
  await writeFile(new URL('./results/downstream.md', import.meta.url), report);
  console.log('\n' + report);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
