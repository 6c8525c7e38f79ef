/**
 * Throughput of evaluateRules on ~2 KB English documents (Brown corpus paragraphs joined by newlines), in MB/s of
 * UTF-8 text on one core. Not a vitest file (vitest runs test/**\/*.test.ts): run it by hand,
 *   npx tsx test/rules/throughput.manual.ts [seconds per measurement, default 3]
 * It prints the median of 5 rounds (CPU time of this process) for the TypeScript reference evaluator, the
 * WebAssembly kernel one document per call (evaluateRules) and in batches of 1024 (evaluateRulesBatch, as the score
 * stage calls it), for every rule on, without the n-gram rules, for one cheap rule, and for a bare charCodeAt loop
 * over the same text: the floor of any JavaScript scan of the characters (on a shared machine compare the rows rather
 * than trust the absolute numbers).
 */
import { readBrown } from '../../lib/demo/index.ts';
import { evaluateRules, evaluateRulesBatch, resolveRules, rulesSchema } from '../../lib/rules/index.ts';
import { ALL_RULES_MASK, ruleMask } from '../../lib/rules/catalog.ts';
import { DEFAULT_RULES } from '../../lib/rules/spec.ts';
import { evaluateRulesReference } from '../../lib/rules/evaluate.ts';
import type { RuleName } from '../../lib/rules/index.ts';
import type { CompiledRules } from '../../lib/rules/types.ts';

const TARGET_CHARS = 2000;
const seconds = Number(process.argv[2] ?? 3);

function brownDocuments(): string[] {
  const docs: string[] = [];
  for (const file of readBrown()) {
    let doc = '';
    for (const para of file.paragraphs) {
      doc = doc ? `${doc}\n${para}` : para;
      if (doc.length >= TARGET_CHARS) {
        docs.push(doc);
        doc = '';
      }
    }
  }
  return docs;
}

/** MB/s of `run` over `docs`: the median of 5 rounds, by CPU time of this process (robust to a shared machine). */
function timeRounds(docs: readonly string[], bytes: number, run: (doc: string) => number): number {
  return timeBatches(bytes, () => {
    let sink = 0;
    for (const d of docs) sink ^= run(d);
    return sink;
  });
}

/** MB/s of `runAll` (one pass over every document, `bytes` of text): the median of 5 rounds, by CPU time. */
function timeBatches(bytes: number, runAll: () => number): number {
  let sink = 0;
  // Warm up until the JIT has settled.
  for (let r = 0; r < 3; r++) sink ^= runAll();
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    let done = 0;
    const start = process.cpuUsage();
    let cpu = 0;
    do {
      sink ^= runAll();
      done += bytes;
      const used = process.cpuUsage(start);
      cpu = (used.user + used.system) / 1e6;
    } while (cpu < seconds / 5);
    rates.push(done / cpu / 1e6);
  }
  if (sink === 0x7fffffff) console.log(''); // keep the work observable
  rates.sort((a, b) => a - b);
  return rates[2]!;
}

function only(names: RuleName[]): CompiledRules {
  return { ...DEFAULT_RULES, mask: names.reduce((m, n) => (m | ruleMask(n)) >>> 0, 0) };
}

function without(names: RuleName[]): CompiledRules {
  return { ...DEFAULT_RULES, mask: names.reduce((m, n) => (m & ~ruleMask(n)) >>> 0, ALL_RULES_MASK) };
}

const docs = brownDocuments();
const bytes = docs.reduce((sum, d) => sum + Buffer.byteLength(d, 'utf8'), 0);
console.log(`${docs.length} documents, ${(bytes / docs.length).toFixed(0)} bytes on average, ${(bytes / 1e6).toFixed(2)} MB`);

const floor = timeRounds(docs, bytes, (d) => {
  let s = 0;
  for (let i = 0; i < d.length; i++) s = (s + d.charCodeAt(i)) | 0;
  return s;
});
console.log(`charCodeAt loop (floor)            ${floor.toFixed(0).padStart(6)} MB/s`);

const ngrams: RuleName[] = [
  'gopher.top_2gram_char_frac',
  'gopher.top_3gram_char_frac',
  'gopher.top_4gram_char_frac',
  'gopher.dup_5gram_char_frac',
  'gopher.dup_6gram_char_frac',
  'gopher.dup_7gram_char_frac',
  'gopher.dup_8gram_char_frac',
  'gopher.dup_9gram_char_frac',
  'gopher.dup_10gram_char_frac',
];
const cases: [string, CompiledRules][] = [
  ['every rule (default, exhaustive)', DEFAULT_RULES],
  ['every rule, exhaustive: false', resolveRules(rulesSchema.parse({ exhaustive: false }))],
  ['every rule but the n-gram ones', without(ngrams)],
  ['every rule but C4 min_sentences', without(['c4.min_sentences'])],
  ['gopher.word_count only', only(['gopher.word_count'])],
];
const batches: string[][] = [];
for (let i = 0; i < docs.length; i += 1024) batches.push(docs.slice(i, i + 1024));
console.log(`${''.padEnd(34)} ${'reference'.padStart(9)} ${'kernel'.padStart(9)} ${'batch'.padStart(9)}  (MB/s)`);
for (const [label, rules] of cases) {
  const reference = timeRounds(docs, bytes, (d) => evaluateRulesReference(d, rules));
  const kernel = timeRounds(docs, bytes, (d) => evaluateRules(d, rules));
  const batch = timeBatches(bytes, () => {
    let sink = 0;
    for (const b of batches) sink ^= evaluateRulesBatch(b, rules)[0]!;
    return sink;
  });
  console.log(`${label.padEnd(34)} ${reference.toFixed(0).padStart(9)} ${kernel.toFixed(0).padStart(9)} ${batch.toFixed(0).padStart(9)}`);
}
