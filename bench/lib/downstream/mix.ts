/**
 * One corpus mix of the downstream benchmark: every row's selection (proxysel policies, random, oracles, the Gopher
 * peer), each at most the same budget of real tokens, trained on whole by a fresh copy of the pretrained GPT, and
 * evaluated on the held-out target. Training results are cached by the packed tokens' hash, so an unchanged selection is not retrained.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { BadRecordLog, readDocs } from '../../../lib/corpus/index.ts';
import { jobSpecSchema, policySchema, type JobSpec } from '../../../lib/job/spec.ts';
import { artifactKeys, readItems, readLabelsFile, readPlan, readProxyCard, readScoreFile, removedRows, thresholdFileSchema } from '../../../lib/run/index.ts';
import { selectedRows } from '../../../lib/select/index.ts';
import { silentLogger } from '../../../lib/pipeline/context.ts';
import { runJob } from '../../../lib/runner/local-runner.ts';
import { planJob } from '../../../lib/pipeline/plan.ts';
import { readOptionsFor } from '../../../lib/pipeline/read-options.ts';
import { runStage } from '../../../lib/runner/run-stage.ts';
import { reduceScores } from '../../../lib/pipeline/reduce.ts';
import { countAndSettle, settleBudget } from '../../../lib/pipeline/settle.ts';
import type { StageContext } from '../../../lib/pipeline/types.ts';
import type { ObjectStore } from '../../../lib/store/types.ts';
import { gopherDedupKeep } from './gopher.ts';
import { writeU16, type BuiltModel } from './model.ts';
import { runGpt } from './python.ts';
import { keepThenRandom, oracleSelect, packSelection, randomSelect, type OracleRule } from './select.ts';

/** How the benchmark trains each row (part of the training cache key). */
export const TRAIN = { seed: 7, batch: 8, lr: 3e-4, warmup: 0.3 } as const;
/** Bump when gpt.py's continued training or evaluation changes: cached training results are then redone. */
const TRAIN_VERSION = 1;
/** Seed of the packing order (which selected documents fill the budget first). */
const PACK_SEED = 0xbac;

/**
 * Rows train on at most this share of the corpus's tokens (the smallest budget of the grid): a selection at a larger
 * budget is packed in a seeded order and cut there, so every cell trains in the time of the smallest one. What is
 * measured above it is what the selection holds per token (a selection that takes noise to fill a large budget is
 * still caught); what is not is the value of its sheer size (under-filling costs nothing here unless the selection
 * holds less than this).
 */
export const TRAIN_SHARE = 0.025;

/** A proxysel configuration: spec fields over the benchmark's base spec, and the policies re-selected from its scores. */
export interface ProxyselRun {
  name: string;
  spec: Record<string, unknown>;
  policies: { name: string; policy: z.input<typeof policySchema> | 'default' }[];
}

export interface MixOptions {
  name: string;
  corpusDir: string;
  workDir: string;
  model: BuiltModel;
  /** The budget as a share of the corpus's real tokens. */
  budgetShare: number;
  sampleDocs: number;
  runs: ProxyselRun[];
  oracle: { name: string; unit: 'token' | 'byte'; rule: OracleRule }[];
  randomSeeds: number[];
  store: ObjectStore;
  /** false: build the selections and their compositions only, without training (a design loop: seconds, not minutes). */
  train?: boolean;
  log: (line: string) => void;
}

export type RowKind = 'proxysel' | 'random' | 'oracle' | 'peer' | 'pretrained';

export interface RowResult {
  name: string;
  kind: RowKind;
  isDefault: boolean;
  /** Real tokens the selection holds (before packing to the budget). */
  selectedTokens: number;
  trainedTokens: number;
  /** Token shares of the trained tokens by category group. */
  junkShare: number;
  dupShare: number;
  /** Token shares of the trained tokens from clean prose (`prose`, `prose-other`) and from `email-spam`. */
  proseShare?: number;
  spamShare?: number;
  /** Token-weighted mean of the GPT's own loss (nats per byte) over the trained documents. */
  oracleLossPerByte?: number;
  /** Target loss after training: nats per byte and per token. */
  lossPerByte: number;
  lossPerToken: number;
  seconds: number;
}

export interface MixResult {
  name: string;
  docs: number;
  corpusTokens: number;
  junkDocShare: number;
  /** Token shares of the whole corpus (the GPT's tokens): junk-*, prose, email-spam, duplicates. */
  corpusShares?: { junk: number; prose: number; spam: number; dup: number };
  sampleDocs: number;
  /** The budget: real tokens of the GPT's tokenizer, a multiple of context + 1. */
  budget: number;
  /** What each row trains on at most (the first tokens of its selection in a seeded order). */
  trainTokens?: number;
  budgetShare: number;
  pretrained: { lossPerByte: number; lossPerToken: number };
  rows: RowResult[];
  timings: { stage: string; seconds: number }[];
  proxyFidelity: Record<string, number>;
  /** Largest |proxysel's onnx reference loss - the torch oracle's| over the labelled sample (nats/token). */
  oracleAgreement: number;
}

interface CorpusDoc {
  id: string;
  item: string;
  row: number;
  text: string;
  category: string;
}

async function readCorpusDocs(spec: JobSpec, planUri: string, store: ObjectStore, categories: Map<string, string>): Promise<CorpusDoc[]> {
  const run = await readPlan(store, planUri);
  const docs: CorpusDoc[] = [];
  for (const item of await readItems(store, run)) {
    for await (const batch of readDocs(store, item, { ...readOptionsFor(spec, new BadRecordLog()), batchDocs: 256 })) {
      for (const d of batch) docs.push({ id: d.id, item: item.id, row: d.row, text: d.text, category: categories.get(d.id) ?? 'unknown' });
    }
  }
  return docs;
}

async function readCategories(path: string): Promise<Map<string, string>> {
  const { gunzipSync } = await import('node:zlib');
  const out = new Map<string, string>();
  for (const line of gunzipSync(await readFile(path)).toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { id: string; category: string };
    out.set(r.id, r.category);
  }
  return out;
}

/**
 * The documents a proxysel run selects under `policy`: re-selected from its stored scores through the pipeline's own
 * reduce, count and settle stages (as `proxysel select` does), then the select stage's row rule on threshold.json,
 * without the rows deduplication removed.
 */
async function proxyselSelection(planUri: string, policy: z.input<typeof policySchema> | 'default', index: Map<string, number>, n: number, ctx: StageContext): Promise<boolean[]> {
  const run = await readPlan(ctx.store, planUri);
  const items = await readItems(ctx.store, run);
  await reduceScores({ plan: planUri, policy: policy === 'default' ? undefined : policySchema.parse(policy) }, ctx);
  await countAndSettle(
    async () => {
      for (const item of items) await runStage('count', { plan: planUri, item }, ctx);
    },
    () => settleBudget({ plan: planUri }, ctx),
  );
  const threshold = await ctx.store.readJson(run.uri(artifactKeys.threshold), thresholdFileSchema);
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const removed = await removedRows(ctx.store, run);
  const out = new Array<boolean>(n).fill(false);
  for (const item of items) {
    const rows = await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)));
    const gone = new Set((await removed.forItem(item.id)).rows);
    for (const r of selectedRows(rows, item.id, threshold, card, run.plan.spec.sample.seed, gone).rows) out[index.get(`${item.id}:${r}`)!] = true;
  }
  return out;
}

/** Token shares of the corpus by category group. */
function shareOf(docs: readonly CorpusDoc[], tokens: readonly number[], total: number): { junk: number; prose: number; spam: number; dup: number } {
  const out = { junk: 0, prose: 0, spam: 0, dup: 0 };
  docs.forEach((d, i) => {
    const n = tokens[i]! / total;
    if (d.category.startsWith('junk-')) out.junk += n;
    if (d.category === 'prose' || d.category === 'prose-other') out.prose += n;
    if (d.category === 'email-spam') out.spam += n;
    if (d.category.endsWith('duplicate')) out.dup += n;
  });
  return out;
}

export async function runMix(o: MixOptions): Promise<MixResult> {
  const timings: { stage: string; seconds: number }[] = [];
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings.push({ stage, seconds: (now - t) / 1000 });
    o.log(`  ${stage}: ${((now - t) / 1000).toFixed(0)} s`);
    t = now;
  };
  await mkdir(o.workDir, { recursive: true });
  const ctx: StageContext = { store: o.store, log: silentLogger, progress: { add() {} } };
  const categories = await readCategories(join(o.corpusDir, 'labels.jsonl.gz'));
  const base = {
    name: `downstream-${o.name.replace(/[^A-Za-z0-9]+/g, '-')}`,
    corpus: { uri: join(o.corpusDir, 'corpus') },
    sample: { docs: o.sampleDocs, seed: 1 },
    reference: { kind: 'onnx', model: o.model.modelDir, maxTokens: o.model.context },
    materialize: false,
    labels: join(o.corpusDir, 'labels.jsonl.gz'),
  };

  // 1. Every document, tokenized by the GPT's tokenizer (the real tokens of the budget); cached per corpus and model.
  // The corpus is listed by proxysel's own plan stage (a plan-only run), so documents carry proxysel's ids and rows.
  const listing = jobSpecSchema.parse({ ...base, budget: { fraction: o.budgetShare }, output: join(o.workDir, 'listing') });
  const listed = await planJob({ spec: listing }, ctx);
  const docs = await readCorpusDocs(listing, listed.plan, o.store, categories);
  const index = new Map(docs.map((d, i) => [`${d.item}:${d.row}`, i]));
  const ids = docs.map((d) => d.id);
  const modelKey = o.model.dir.split('/').pop()!;
  const flatFile = join(o.workDir, `docs-${modelKey}.u16`);
  const offsetsFile = join(o.workDir, `offsets-${modelKey}.i64`);
  if (!existsSync(offsetsFile)) {
    const parts = docs.map((d) => Uint16Array.from(o.model.tokenizer.encode(d.text).ids));
    const offsets = new BigInt64Array(docs.length + 1);
    const flat = new Uint16Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    parts.forEach((a, i) => {
      flat.set(a, at);
      at += a.length;
      offsets[i + 1] = BigInt(at);
    });
    await writeFile(flatFile, Buffer.from(flat.buffer));
    await writeFile(`${offsetsFile}.tmp`, Buffer.from(offsets.buffer));
    await rename(`${offsetsFile}.tmp`, offsetsFile);
    lap(`tokenized ${docs.length} documents`);
  }
  const flatBuf = await readFile(flatFile);
  const flat = new Uint16Array(flatBuf.buffer.slice(flatBuf.byteOffset, flatBuf.byteOffset + flatBuf.byteLength));
  const offBuf = await readFile(offsetsFile);
  const offsets = new BigInt64Array(offBuf.buffer.slice(offBuf.byteOffset, offBuf.byteOffset + offBuf.byteLength));
  if (offsets.length !== docs.length + 1) throw new Error(`${offsetsFile}: ${offsets.length - 1} documents, the corpus has ${docs.length}`);
  const tokenIds: Uint16Array[] = docs.map((_, i) => flat.subarray(Number(offsets[i]!), Number(offsets[i + 1]!)));
  const tokens = tokenIds.map((a) => a.length);
  const corpusTokens = tokens.reduce((a, b) => a + b, 0);
  const row = o.model.context + 1;
  const budget = Math.floor((corpusTokens * o.budgetShare) / row) * row;
  // What each row trains on: its selection, packed in a seeded order and cut at TRAIN_SHARE of the corpus's tokens
  // (the whole selection when the budget is that small): larger budgets compare what a selection holds per token.
  const trainTokens = Math.min(budget, Math.floor((corpusTokens * TRAIN_SHARE) / row) * row);

  // 2. proxysel runs (each a full job: reference pass on the sample, proxy fit, scoring every document), with the
  // budget in real tokens. A finished run of the same spec is resumed; selections are re-reduced below in any case.
  const plans: { run: ProxyselRun; plan: string; spec: JobSpec }[] = [];
  const fidelity: Record<string, number> = {};
  for (const r of o.runs) {
    const output = join(o.workDir, `proxysel-${r.name.replace(/[^A-Za-z0-9]+/g, '-')}-budget${o.budgetShare}`);
    const spec = jobSpecSchema.parse({ ...base, budget: { tokens: budget }, ...r.spec, output });
    const res = await runJob(spec, { store: o.store, log: silentLogger });
    fidelity[r.name] = res.manifest.proxy.fidelity.spearman;
    plans.push({ run: r, plan: res.plan, spec });
    lap(`proxysel run "${r.name}" (held-out Spearman ${res.manifest.proxy.fidelity.spearman.toFixed(3)})`);
  }

  // 3. The oracle: the GPT's true loss on every document (same window as proxysel's onnx reference), cached.
  const oracleFile = join(o.workDir, `oracle-${modelKey}.f64`);
  if (!existsSync(oracleFile)) {
    await runGpt(['score', '--dir', o.model.dir, '--docs', flatFile, '--offsets', offsetsFile, '--max-tokens', String(o.model.context), '--out', `${oracleFile}.tmp`], o.log);
    await rename(`${oracleFile}.tmp`, oracleFile);
    lap('oracle: the GPT scored every document');
  }
  const buf = await readFile(oracleFile);
  const oracleRaw = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const perToken = docs.map((_, i) => (oracleRaw[2 * i + 1]! > 0 ? oracleRaw[2 * i]! / oracleRaw[2 * i + 1]! : 0));
  const perByte = docs.map((_, i) => {
    const n = Math.min(tokens[i]!, o.model.context);
    let bytes = 0;
    for (let k = 1; k < n; k++) bytes += o.model.tokenBytes[tokenIds[i]![k]!]!;
    return bytes > 0 ? oracleRaw[2 * i]! / bytes : 0;
  });

  // The oracle is the reference itself: proxysel's onnx losses on its labelled sample must match torch's.
  let oracleAgreement = 0;
  const first = await readPlan(o.store, plans[0]!.plan);
  for await (const l of readLabelsFile(o.store, first.uri(artifactKeys.labels))) {
    const i = index.get(`${l.item}:${l.row}`);
    if (i !== undefined) oracleAgreement = Math.max(oracleAgreement, Math.abs(l.loss - perToken[i]!));
  }
  o.log(`  oracle vs proxysel's onnx reference on the sample: max |difference| ${oracleAgreement.toExponential(1)} nats/token`);
  if (oracleAgreement > 1e-3) throw new Error(`the torch oracle and proxysel's onnx reference disagree by ${oracleAgreement} nats/token`);

  // 4. Selections.
  const selections: { name: string; kind: RowKind; isDefault: boolean; selected: boolean[] }[] = [];
  for (const p of plans) {
    for (const pol of p.run.policies) {
      selections.push({ name: pol.name, kind: 'proxysel', isDefault: p.run.name === 'default' && pol.policy === 'default', selected: await proxyselSelection(p.plan, pol.policy, index, docs.length, ctx) });
    }
  }
  for (const s of o.randomSeeds) selections.push({ name: `random (seed ${s})`, kind: 'random', isDefault: false, selected: randomSelect(ids, tokens, budget, s) });
  for (const or of o.oracle) {
    selections.push({ name: or.name, kind: 'oracle', isDefault: false, selected: oracleSelect(or.unit === 'byte' ? perByte : perToken, tokens, or.rule, budget) });
  }
  selections.push({ name: 'Gopher rules + exact dedup', kind: 'peer', isDefault: false, selected: keepThenRandom(gopherDedupKeep(docs.map((d) => d.text)), ids, tokens, budget, 1) });
  lap(`${selections.length} selections`);

  // 5. Pack each to the budget; train and evaluate (cached by content).
  const trainDir = join(o.workDir, '..', 'train-cache');
  await mkdir(trainDir, { recursive: true });
  const trainKey = createHash('sha256')
    .update(JSON.stringify(TRAIN))
    // The model's cache folder name is its build's content key; the target file's name holds its length.
    .update(basename(o.model.dir))
    .update(basename(o.model.targetTokensPath))
    .update(String(TRAIN_VERSION))
    .digest('hex')
    .slice(0, 8);
  const packed = selections.map((s) => {
    const p = packSelection(s.selected, ids, (i) => tokenIds[i]!, trainTokens, PACK_SEED);
    const hash = createHash('sha256').update(Buffer.from(p.ids.buffer)).digest('hex').slice(0, 16);
    return { ...s, p, job: `${trainKey}-${hash}` };
  });
  const jobs = [];
  const seen = new Set<string>();
  for (const s of packed) {
    if (seen.has(s.job)) continue;
    seen.add(s.job);
    const file = join(trainDir, `${s.job}.u16`);
    if (!existsSync(file)) await writeU16(file, s.p.ids);
    jobs.push({ name: s.job, tokens: file });
  }
  const resultsFile = join(trainDir, `results-${trainKey}.jsonl`);
  const jobsFile = join(o.workDir, `jobs-budget${o.budgetShare}.json`);
  if (o.train !== false) {
    await writeFile(jobsFile, JSON.stringify({ ...TRAIN, target: o.model.targetTokensPath, jobs }));
    await runGpt(['train-eval', '--dir', o.model.dir, '--jobs', jobsFile, '--out', resultsFile], o.log);
  }
  const results = new Map<string, { nll: number; tokens: number; bytes: number; seconds: number }>();
  for (const line of (existsSync(resultsFile) ? await readFile(resultsFile, 'utf8') : '').split('\n')) {
    if (line.trim()) {
      const r = JSON.parse(line) as { name: string; nll: number; tokens: number; bytes: number; seconds: number };
      results.set(r.name, r);
    }
  }
  if (o.train !== false) lap(`trained and evaluated ${jobs.length} selections`);

  const missing = { nll: Number.NaN, tokens: 1, bytes: 1, seconds: 0 };
  const pre = results.get('__pretrained__') ?? missing;
  const rows: RowResult[] = packed.map((s) => {
    const r = results.get(s.job) ?? missing;
    let trained = 0;
    let junk = 0;
    let dup = 0;
    let prose = 0;
    let spam = 0;
    let oracleLoss = 0;
    for (const [i, n] of s.p.usedTokens) {
      trained += n;
      const c = docs[i]!.category;
      if (c.startsWith('junk-')) junk += n;
      if (c.endsWith('duplicate')) dup += n;
      if (c === 'prose' || c === 'prose-other') prose += n;
      if (c === 'email-spam') spam += n;
      oracleLoss += n * perByte[i]!;
    }
    return {
      name: s.name,
      kind: s.kind,
      isDefault: s.isDefault,
      selectedTokens: s.p.selectedTokens,
      trainedTokens: trained,
      junkShare: trained ? junk / trained : 0,
      dupShare: trained ? dup / trained : 0,
      proseShare: trained ? prose / trained : 0,
      spamShare: trained ? spam / trained : 0,
      oracleLossPerByte: trained ? oracleLoss / trained : 0,
      lossPerByte: r.nll / r.bytes,
      lossPerToken: r.nll / r.tokens,
      seconds: r.seconds,
    };
  });
  return {
    name: o.name,
    docs: docs.length,
    corpusTokens,
    budgetShare: o.budgetShare,
    junkDocShare: docs.filter((d) => d.category.startsWith('junk-')).length / docs.length,
    corpusShares: shareOf(docs, tokens, corpusTokens),
    sampleDocs: o.sampleDocs,
    budget,
    trainTokens,
    pretrained: { lossPerByte: pre.nll / pre.bytes, lossPerToken: pre.nll / pre.tokens },
    rows,
    timings,
    proxyFidelity: fidelity,
    oracleAgreement,
  };
}
