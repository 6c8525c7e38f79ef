/**
 * Times builds of the rules kernel compiled from edited AssemblyScript sources (variants of
 * lib/rules/kernel/rules-kernel.as.ts) on the same input, in one process, in interleaved rounds: the score stage's rules
 * step (RulesKernel.evaluateTokens) over the tokens the featurizer's scan kernel wrote for the shards' texts (copied
 * out once). Prints each variant's median CPU seconds, its ratio to the first one and whether its bits equal the first
 * one's. For profiling rounds (docs/performance.md): ablations (a part removed: different bits) and rewrites (same bits).
 *
 * Usage: tsx bench/lib/rules-variants.ts <fit-dir> <rounds> <shard.jsonl.gz>... -- <variant.as.ts>...
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BadRecordLog, readDocs } from '../../lib/corpus/index.ts';
import type { WorkItem } from '../../lib/corpus/types.ts';
import { createFeaturizer } from '../../lib/features/index.ts';
import { resolveRules, type RuleTokens } from '../../lib/rules/index.ts';
import { RulesKernel } from '../../lib/rules/kernel/rules-kernel.ts';
import { readOptionsFor } from '../../lib/pipeline/read-options.ts';
import { createStore } from '../../lib/store/index.ts';
import { Wasm } from '../../lib/wasm.ts';
import { compileKernelText } from '../../scripts/build-kernel.ts';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  if (dash < 3) throw new Error('usage: rules-variants.ts <fit-dir> <rounds> <shard>... -- <variant.as.ts>...');
  const [fitDir, roundsArg, ...shards] = args.slice(0, dash);
  const sources = args.slice(dash + 1);
  const rounds = Number(roundsArg);
  const plan = JSON.parse(await readFile(join(fitDir!, 'plan.json'), 'utf8'));
  const card = JSON.parse(await readFile(join(fitDir!, 'proxy', 'card.json'), 'utf8'));
  const featurizer = createFeaturizer(card.features);
  const rules = resolveRules(plan.spec.rules);
  const store = createStore();
  const batches: { n: number; tokens: RuleTokens }[] = [];
  for (const [i, path] of shards.entries()) {
    const size = (await stat(path)).size;
    const abs = resolve(path);
    const item: WorkItem = { id: `b${i}`, uri: abs, key: basename(abs), format: 'jsonl.gz', size, etag: size.toString(16), bytes: size };
    for await (const b of readDocs(store, item, { ...readOptionsFor(plan.spec, new BadRecordLog()), batchDocs: 1024, batchBytes: 4 << 20 })) {
      const texts = b.map((d) => d.text);
      const t = featurizer.analyze(texts, undefined, { ruleTokens: true }).ruleTokens!;
      const newlines = Int32Array.from({ length: texts.length }, (_, d) => t.newlines[(t.newlinesStride ?? 1) * d]!);
      batches.push({ n: texts.length, tokens: { text: t.text.slice(), starts: t.starts.slice(), records: t.records.slice(), offsets: t.offsets.slice(), newlines } });
    }
  }
  const kernels: RulesKernel[] = [];
  for (const source of sources) {
    kernels.push(new RulesKernel(new Wasm.Module(await compileKernelText(await readFile(source, 'utf8'), basename(source, '.as.ts')))));
  }
  const times: number[][] = sources.map(() => []);
  const bits: Uint32Array[][] = sources.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, kernel] of kernels.entries()) {
      const t0 = cpu();
      for (const [i, b] of batches.entries()) {
        const out = new Uint32Array(b.n);
        kernel.evaluateTokens(b.tokens, rules, out);
        bits[k]![i] = out;
      }
      times[k]!.push(cpu() - t0);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [k, source] of sources.entries()) {
    const same = bits[k]!.every((o, i) => o.every((v, j) => v === bits[0]![i]![j]));
    const m = median(times[k]!);
    console.log(`${basename(source).padEnd(28)} median ${m.toFixed(3)} CPU-s (${times[k]!.map((x) => x.toFixed(3)).join(' ')}) ratio ${(median(times[0]!) / m).toFixed(3)} ${same ? 'same bits' : 'different bits'}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
