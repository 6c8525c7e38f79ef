/**
 * What hashed-bucket collisions cost when the ranking depends on vocabulary: clean Brown prose of all 15 genres, the
 * reference an n-gram LM trained on half the paragraphs of a seeded share of each genre's files (documents from those
 * files share their names and topic words and get low loss; in- and out-of-domain files are alike in shape; see
 * bench/lib/buckets-scenario.ts). The proxy is fitted with the library's fitProxy (the spec's
 * hashed-ensemble defaults, buckets varied) on the same seeded labels at every bucket count.
 *
 *   npm run bench:buckets [-- --share 0.3 --labels 1000,4000 --seeds 1,2,3 --buckets 4,14,15,16,17,18]
 *
 * Targets are the reference's nats per UTF-8 byte (the default lossUnit). Reported per run: held-out Spearman (the
 * fit's own 20% held-out labels), the Spearman over every unlabelled document, and the token overlap of the `bottom`
 * selection (lowest predicted loss first) at 25% of the corpus's tokens with the oracle's (the reference itself).
 * Results cached per run under bench/.data/buckets/<key>/ (key: these sources and lib/proxy, lib/features,
 * lib/reference/ngram, lib/demo, lib/job); results in bench/results/buckets.md.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_L2, proxySchema } from '../lib/job/spec.ts';
import { readBrown } from '../lib/demo/sources.ts';
import { fitProxy, predictEnsemble, spearman } from '../lib/proxy/index.ts';
import { trainNgramModel } from '../lib/reference/ngram/index.ts';
import { toKey } from '../lib/select/index.ts';
import { labelSample, splitByFile, type FileSide } from './lib/buckets-scenario.ts';
import { selectByKeys, tokenOverlap } from './lib/quality-metrics.ts';
import { renderBucketsReport, type BucketsSummary, type RunResult, type TargetKind } from './lib/buckets-report.ts';

const { values } = parseArgs({
  options: {
    share: { type: 'string', default: '0.25' },
    'target-genres': { type: 'string', default: '' },
    l2: { type: 'string', default: `${DEFAULT_L2},0.001` },
    labels: { type: 'string', default: '1000,4000' },
    targets: { type: 'string', default: 'loss,reducible' },
    seeds: { type: 'string', default: '1,2,3' },
    buckets: { type: 'string', default: '4,14,15,16,17,18' },
    budget: { type: 'string', default: '0.25' },
    out: { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map((x) => Number(x.trim()));
const TARGET_GENRES = values['target-genres'] ? values['target-genres'].split(',').map((g) => g.trim()) : undefined;
/**
 * Bump when what one cached fit result holds, or how it is computed, changes: bench/buckets.ts itself is not in the
 * cache key, so that its report can change without refitting.
 */
const RESULT_VERSION = 1;
const SCENARIO = { seed: 7, share: Number(values.share), maxChars: 600, order: 3, ...(TARGET_GENRES ? { targetGenres: TARGET_GENRES } : {}) };

const root = new URL('..', import.meta.url).pathname;
const cacheRoot = join(root, 'bench', '.data', 'buckets');

/** Hash of everything a cached result depends on: the scenario, its helpers, and the library code it runs. */
async function sourceKey(): Promise<string> {
  const h = createHash('sha256').update(JSON.stringify({ RESULT_VERSION, SCENARIO, budget: values.budget }));
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(r);
      else if (r.endsWith('.ts')) h.update(r).update(await readFile(join(root, r)));
    }
  };
  for (const dir of ['lib/proxy', 'lib/features', 'lib/reference/ngram', 'lib/demo', 'lib/job', 'lib/select']) await walk(dir);
  for (const f of ['bench/lib/buckets-scenario.ts', 'bench/lib/quality-metrics.ts']) h.update(f).update(await readFile(join(root, f)));
  return h.digest('hex').slice(0, 12);
}

async function cached<T>(file: string, make: () => Promise<T> | T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    const value = await make();
    await writeFile(`${file}.tmp`, JSON.stringify(value));
    await rename(`${file}.tmp`, file);
    return value;
  }
}

interface Oracle {
  texts: string[];
  sides: FileSide[];
  /** Loss under the reference trained on the target text, nats per UTF-8 byte. */
  lossTarget: number[];
  /** Loss under the reference trained on the general text, nats per UTF-8 byte. */
  lossGeneral: number[];
  /** Reference tokens (words + 1). */
  tokens: number[];
  targetBytes: number;
  generalBytes: number;
}

/**
 * What the proxy learns and the policy keys on: `loss` = the target-text reference's loss (policy `bottom`: lowest
 * first); `reducible` = general minus target-text loss (policy `reducible`: highest first), as proxysel's `targetText`.
 */
function targetOf(o: Oracle, kind: TargetKind): number[] {
  return kind === 'loss' ? o.lossTarget : o.lossGeneral.map((g, i) => g - o.lossTarget[i]!);
}


function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

async function main(): Promise<void> {
  const key = await sourceKey();
  const dir = join(cacheRoot, key);
  await mkdir(dir, { recursive: true });
  const oracle = await cached<Oracle>(join(dir, 'oracle.json'), async () => {
    const { targetText, generalText, docs } = splitByFile(readBrown(), SCENARIO);
    const target = await trainNgramModel(targetText, { order: SCENARIO.order });
    const general = await trainNgramModel(generalText, { order: SCENARIO.order });
    const perByte = (s: { nll: number; bytes: number }) => s.nll / s.bytes;
    return {
      texts: docs.map((d) => d.text),
      sides: docs.map((d) => d.side),
      lossTarget: docs.map((d) => perByte(target.scoreText(d.text))),
      lossGeneral: docs.map((d) => perByte(general.scoreText(d.text))),
      tokens: docs.map((d) => target.scoreText(d.text).tokens),
      targetBytes: Buffer.byteLength(targetText),
      generalBytes: Buffer.byteLength(generalText),
    };
  });
  const n = oracle.texts.length;
  const bySide = (xs: readonly number[], side: FileSide) => mean(xs.filter((_, i) => oracle.sides[i] === side));
  const count = (side: FileSide) => oracle.sides.filter((s) => s === side).length;
  const chars = mean(oracle.texts.map((t) => t.length));
  console.log(
    `corpus: ${n} Brown documents (mean ${chars.toFixed(0)} chars; ${count('target')} from target files, ${count('general')} from general files, ${count('other')} other); ` +
      `3-gram references on ${(oracle.targetBytes / 1e6).toFixed(2)} MB target text and ${(oracle.generalBytes / 1e6).toFixed(2)} MB general text`,
  );
  const sideMeans: BucketsSummary['sideMeans'] = {};
  for (const kind of ['loss', 'reducible'] as const) {
    const t = targetOf(oracle, kind);
    sideMeans[kind] = { target: bySide(t, 'target'), general: bySide(t, 'general'), other: bySide(t, 'other') };
    console.log(`${kind} (nats/byte), mean by side: target ${sideMeans[kind].target.toFixed(4)}, general ${sideMeans[kind].general.toFixed(4)}, other ${sideMeans[kind].other.toFixed(4)}`);
  }
  const share = Number(values.budget);
  const keyed = (values: ArrayLike<number>, idx: readonly number[], sign: number) =>
    idx.map((i, r) => ({ id: `d${i}`, item: 'all', row: i, tokens: oracle.tokens[i]!, key: toKey(sign * values[r]!) }));

  const results: RunResult[] = [];
  for (const l2 of list(values.l2))
  for (const target of values.targets.split(',') as TargetKind[]) {
    const truth = targetOf(oracle, target);
    const sign = target === 'loss' ? -1 : 1;
    for (const labels of list(values.labels)) {
      for (const seed of list(values.seeds)) {
        const sample = labelSample(n, labels, seed);
        const labelled = new Set(sample);
        const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !labelled.has(i));
        const restTruth = rest.map((i) => truth[i]!);
        const restTokens = rest.map((i) => oracle.tokens[i]!);
        const budget = { unit: 'tokens' as const, amount: share * restTokens.reduce((a, b) => a + b, 0) };
        const oracleSel = selectByKeys(keyed(restTruth, rest, sign), budget, seed);
        for (const log2 of list(values.buckets)) {
          const buckets = 2 ** log2;
          const r = await cached<RunResult>(join(dir, `fit-l2_${l2}-${target}-${labels}-${seed}-${log2}.json`), () => {
            const proxy = proxySchema.parse({ kind: 'hashed-ensemble', buckets: Math.max(buckets, 1024) });
            if (proxy.kind !== 'hashed-ensemble') throw new Error('unreachable');
            const t0 = process.cpuUsage();
            const fitted = fitProxy(
              Array.from(sample, (i) => ({ text: oracle.texts[i]!, target: truth[i]! })),
              { ...proxy, l2, buckets, seed, topKFraction: share, deployOn: 'split' },
            );
            const fitCpuSeconds = cpuSeconds(t0);
            const pred = predictEnsemble(fitted.model, rest.map((i) => oracle.texts[i]!)).mean;
            const sel = selectByKeys(keyed(pred, rest, sign), budget, seed);
            return {
              target,
              l2,
              labels,
              seed,
              buckets,
              heldOutSpearman: fitted.fidelity.spearman,
              heldOutN: fitted.fidelity.n,
              restSpearman: spearman(pred, restTruth),
              restN: rest.length,
              overlap: tokenOverlap(oracleSel, sel, restTokens),
              fitCpuSeconds,
            };
          });
          results.push(r);
          console.log(
            `l2 ${l2} ${target} labels ${labels} seed ${seed} 2^${log2}: held-out Spearman ${r.heldOutSpearman.toFixed(4)} (${r.heldOutN}), ` +
              `unlabelled ${r.restSpearman.toFixed(4)} (${r.restN}), overlap@${share} ${(100 * r.overlap).toFixed(1)}%, fit ${r.fitCpuSeconds.toFixed(1)} CPU-s`,
          );
        }
      }
    }
  }
  const summary: BucketsSummary = {
    scenario: SCENARIO,
    docs: n,
    meanChars: chars,
    sides: { target: count('target'), general: count('general'), other: count('other') },
    targetBytes: oracle.targetBytes,
    generalBytes: oracle.generalBytes,
    sideMeans,
    budget: share,
    defaultL2: DEFAULT_L2,
    results,
  };
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  const outFile = values.out ?? join(root, 'bench', 'results', 'buckets.md');
  await writeFile(outFile, renderBucketsReport(summary));
  console.log(`results: ${outFile}`);
}

await main();
