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
import { runMix, TRAIN, TRAIN_SHARE, type MixResult, type ProxyselRun } from './lib/downstream/mix.ts';
import { ensureModel, saveModel } from './lib/downstream/model.ts';
import { renderDownstream, writeHeatMap } from './lib/downstream/report.ts';
import type { OracleRule } from './lib/downstream/select.ts';

/** Demo corpus scale (documents = 20,000 x scale), the junk shares of the mixes and the budgets (shares of corpus tokens). */
const SCALE = 0.25;
const MIXES = [
  { name: 'junk 10%', junkShare: 0.1 },
  { name: 'junk 33%', junkShare: 0.33 },
  { name: 'junk 60%', junkShare: 0.6 },
];
const BUDGETS = [0.025, 0.1, 0.25];
/** `--quick`: two cells of the grid, one of them at a quarter of the corpus (where a budget-relative band turns into "take the noisiest"). */
const QUICK_CELLS = [
  { junkShare: 0.33, budgetShare: 0.025 },
  { junkShare: 0.33, budgetShare: 0.25 },
];
/** Share of the documents labelled by the reference (the ceiling: 2%). */
const SAMPLE_SHARE = 0.02;
const RANDOM_SEEDS = [11, 12, 13];

type PolicyInput = z.input<typeof policySchema>;

const supports = (policy: unknown) => policySchema.safeParse(policy).success;

/**
 * The policies weighed against the default: its band variants, the previous default (budget-band x4, whose band is a
 * multiple of the budget) and `bottom` (perplexity filtering), each re-selected from the default run's stored scores.
 */
const CANDIDATES: { name: string; policy: PolicyInput }[] = [
  { name: 'label-band upper 0.5 centre 0.25', policy: { kind: 'label-band', upper: 0.5, centre: 0.25 } as PolicyInput },
  { name: 'budget-band x4 (the previous default), after the rules', policy: { kind: 'budget-band', multiple: 4 } as PolicyInput },
  { name: 'bottom, after the rules', policy: { kind: 'bottom' } },
];

function describePolicy(p: PolicyInput): string {
  const parsed = policySchema.parse(p) as Record<string, unknown> & { kind: string };
  const fields = Object.entries(parsed)
    .filter(([k, v]) => k !== 'kind' && k !== 'filters' && !(k === 'lambda' && v === 0))
    .map(([k, v]) => `${k} ${String(v)}`);
  return fields.length ? `${parsed.kind} (${fields.join(', ')})` : parsed.kind;
}

/** The proxysel configurations and policies benchmarked (those the library supports). */
function proxyselRuns(baseSpec: Record<string, unknown>): ProxyselRun[] {
  const defaults = jobSpecSchema.parse(baseSpec) as unknown as { lossUnit?: string; policy: PolicyInput };
  return [
    {
      name: 'default',
      spec: {},
      policies: [
        { name: `proxysel default: ${describePolicy(defaults.policy)}, per ${defaults.lossUnit}`, policy: 'default' },
        ...CANDIDATES.filter((c) => supports(c.policy)),
      ],
    },
  ];
}

/** Oracle rows: the GPT's own loss on every document, per token and per byte. */
const ORACLES: { name: string; unit: 'token' | 'byte'; rule: OracleRule }[] = [
  { name: 'oracle bottom, per token', unit: 'token', rule: { kind: 'bottom' } },
  { name: 'oracle bottom, per byte', unit: 'byte', rule: { kind: 'bottom' } },
  { name: 'oracle budget-band x3, per byte', unit: 'byte', rule: { kind: 'budget-band', multiple: 3 } },
];

function flagValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const quick = process.argv.includes('--quick');
  // --no-train: selections and their compositions only (the design loop); the report is not written.
  const train = !process.argv.includes('--no-train');
  const log = (line: string) => console.log(line);
  const cache = fileURLToPath(new URL('./.data/downstream/', import.meta.url));
  const model = await ensureModel(join(cache, 'models'), log);
  log(`model: ${model.params} parameters, ${model.dir}`);
  if (process.argv.includes('--save-model')) log(`model build saved to ${await saveModel(model)} (commit it)`);
  const store = createStore({});
  const hash = await builderHash();
  // --mixes 10,60 and --budgets 2.5,25 run only those rows / columns of the grid (a partial rerun).
  const onlyMixes = flagValue('--mixes')?.split(',').map(Number);
  const onlyBudgets = flagValue('--budgets')?.split(',').map(Number);
  const allCells = MIXES.flatMap((m) => BUDGETS.map((b) => ({ mix: m, budgetShare: b })));
  const cells = allCells.filter((c) =>
    quick
      ? QUICK_CELLS.some((q) => q.junkShare === c.mix.junkShare && q.budgetShare === c.budgetShare)
      : (!onlyMixes || onlyMixes.includes(Math.round(c.mix.junkShare * 100))) && (!onlyBudgets || onlyBudgets.includes(c.budgetShare * 100)),
  );
  const runKey = (budgetShare: number) =>
    createHash('sha256')
      .update(JSON.stringify({ TRAIN, TRAIN_SHARE, budgetShare, SAMPLE_SHARE, RANDOM_SEEDS, ORACLES, CANDIDATES, SCALE, model: model.dir }))
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
  const resultFile = async (m: (typeof MIXES)[number], budgetShare: number) => join(await workDirOf(m), `result-${runKey(budgetShare)}.json`);
  for (const { mix: m, budgetShare } of cells) {
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
      budget: { fraction: budgetShare },
      reference: { kind: 'onnx', model: model.modelDir, maxTokens: model.context },
    };
    log(`cell ${m.name}, budget ${(budgetShare * 100).toFixed(1)}%:`);
    const result = await runMix({
      name: m.name,
      corpusDir,
      workDir: await workDirOf(m),
      model,
      budgetShare,
      sampleDocs,
      runs: proxyselRuns(baseSpec),
      oracle: ORACLES,
      randomSeeds: RANDOM_SEEDS,
      store,
      log,
      train,
    });
    if (!train) {
      log(compositionTable(result));
      continue;
    }
    await writeFile(await resultFile(m, budgetShare), JSON.stringify(result));
  }
  if (!train) return;
  // The report holds every cell with a result of this configuration: those run now and, with --mixes / --budgets, earlier ones.
  const results: MixResult[] = [];
  for (const { mix: m, budgetShare } of quick ? cells : allCells) {
    if (!existsSync(join(corpusDirOf(m), '_COMPLETE.json'))) continue;
    const f = await resultFile(m, budgetShare);
    if (existsSync(f)) results.push(JSON.parse(await readFile(f, 'utf8')) as MixResult);
  }
  const report = renderDownstream(results, model, { totalSeconds: (performance.now() - t0) / 1000, quick, train: { ...TRAIN } });
  await writeFile(new URL(quick ? './results/downstream-quick.md' : './results/downstream.md', import.meta.url), report);
  if (!quick) await writeHeatMap(results, fileURLToPath(new URL('../docs/downstream-grid.png', import.meta.url)), log);
  console.log('\n' + report);
}

/** One line per row: what its selection holds (token shares) and the GPT's own mean loss on it. */
function compositionTable(r: MixResult): string {
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;
  const c = r.corpusShares;
  const lines = [`  corpus: junk ${pct(c?.junk)}, prose ${pct(c?.prose)}, spam ${pct(c?.spam)}, duplicates ${pct(c?.dup)}; budget ${r.budget}`];
  for (const row of r.rows) {
    lines.push(
      `  ${row.name.padEnd(48)} trained ${String(row.trainedTokens).padStart(8)}  junk ${pct(row.junkShare).padStart(6)}  prose ${pct(row.proseShare).padStart(6)}  ` +
        `spam ${pct(row.spamShare).padStart(6)}  dup ${pct(row.dupShare).padStart(6)}  oracle loss ${(row.oracleLossPerByte ?? 0).toFixed(3)} nats/byte`,
    );
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
