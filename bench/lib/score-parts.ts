/**
 * The score stage's parts, timed in one process by CPU time over the same in-memory texts, in alternating rounds:
 * featurizer + onnxruntime (ProxyScorer.score), the quality rules (evaluateRulesBatch), both in one call as the score stage
 * makes it (scoreRules: ProxyScorer.score with rules, the rules from the scan's tokens), MinHash signatures and band
 * keys (MinHasher.hash + bandKeys over the texts; and scoreWords: the score with every word's hash, shingled by
 * MinHasher.hashWords, as the score stage does), and the reading (readDocs: gunzip, split, JSON.parse). For profiling rounds
 * (docs/performance.md); prints the median CPU seconds per part and per MB of JSONL.
 *
 * Usage: [PARTS=read,score,...] tsx bench/lib/score-parts.ts <fit-dir> <rounds> <shard.jsonl.gz>...
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRecordLog, readDocs } from '../../lib/corpus/index.ts';
import { shardWorkItems } from './parse-floor.ts';
import { bandKeys, MinHasher } from '../../lib/dedup/signature.ts';
import { ProxyScorer } from '../../lib/proxy/index.ts';
import { evaluateRulesBatch, resolveRules } from '../../lib/rules/index.ts';
import { readOptionsFor } from '../../lib/pipeline/read-options.ts';
import { createStore } from '../../lib/store/index.ts';
import { DOC_STAT_COUNT, DOC_STAT_NAMES } from '../../lib/features/index.ts';

const WORDS_STAT = DOC_STAT_NAMES.indexOf('words');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const [fitDir, roundsArg, ...shards] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const plan = JSON.parse(await readFile(join(fitDir!, 'plan.json'), 'utf8'));
  const card = JSON.parse(await readFile(join(fitDir!, 'proxy', 'card.json'), 'utf8'));
  const scorer = await ProxyScorer.create(new Uint8Array(await readFile(join(fitDir!, 'proxy', 'model.onnx'))), card.features);
  const rules = resolveRules(plan.spec.rules);
  const store = createStore();
  const items = await shardWorkItems(shards);
  const batches: { texts: string[]; bytes: number[] }[] = [];
  let jsonl = 0;
  const read = async () => {
    batches.length = 0;
    for (const item of items) {
      for await (const b of readDocs(store, item, { ...readOptionsFor(plan.spec, new BadRecordLog()), batchDocs: 1024, batchBytes: 4 << 20 })) {
        batches.push({ texts: b.map((d) => d.text), bytes: b.map((d) => d.bytes) });
      }
    }
  };
  await read();
  for (const b of batches) for (const x of b.bytes) jsonl += x;
  const hasher = new MinHasher({ shingle: 5, hashes: 112, bands: 14, rows: 8, seed: 1 });
  const keys = new Uint32Array(14);
  const exact: [number, number] = [0, 0];
  let sink = 0;
  const parts: Record<string, () => Promise<void>> = {
    read,
    score: async () => {
      for (const b of batches) sink += (await scorer.score(b.texts, b.bytes)).mean[0]!;
    },
    rules: async () => {
      for (const b of batches) sink += evaluateRulesBatch(b.texts, rules)[0]!;
    },
    // The score stage's combined call: the rules from the tokens the featurizer's scan writes (ProxyScorer.score with rules).
    scoreRules: async () => {
      for (const b of batches) {
        const r = await scorer.score(b.texts, b.bytes, { rules });
        sink += r.mean[0]! + r.rules![0]!;
      }
    },
    minhash: async () => {
      for (const b of batches) for (const t of b.texts) if (hasher.hash(t)) sink += bandKeys(hasher.signature, { bands: 14, rows: 8 }, keys)[0]!;
    },
    // The score stage's MinHash path: the scan's word hashes (score with wordHashes) shingled by hashWords.
    scoreWords: async () => {
      for (const b of batches) {
        const r = await scorer.score(b.texts, b.bytes, { wordHashes: true });
        let from = 0;
        for (let i = 0; i < b.texts.length; i++) {
          const count = r.tokenStats[i * DOC_STAT_COUNT + WORDS_STAT]!;
          exact[0] = r.textHashes[2 * i]!;
          exact[1] = r.textHashes[2 * i + 1]!;
          if (hasher.hashWords(r.wordHashes!, from, from + count, exact)) sink += bandKeys(hasher.signature, { bands: 14, rows: 8 }, keys)[0]!;
          from += count;
        }
      }
    },
  };
  // The word hashes of every batch, once, for the shingling alone (MinHasher.hashWords).
  const scanned: { words: Int32Array; counts: number[]; exact: Uint32Array }[] = [];
  for (const b of batches) {
    const r = await scorer.score(b.texts, b.bytes, { wordHashes: true });
    scanned.push({ words: r.wordHashes!, counts: b.texts.map((_, i) => r.tokenStats[i * DOC_STAT_COUNT + WORDS_STAT]!), exact: r.textHashes });
  }
  parts.shingle = async () => {
    for (const sc of scanned) {
      let from = 0;
      for (let i = 0; i < sc.counts.length; i++) {
        exact[0] = sc.exact[2 * i]!;
        exact[1] = sc.exact[2 * i + 1]!;
        const to = from + sc.counts[i]!;
        if (hasher.hashWords(sc.words, from, to, exact)) sink += bandKeys(hasher.signature, { bands: 14, rows: 8 }, keys)[0]!;
        from = to;
      }
    }
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
  const only = process.env.PARTS?.split(',');
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(parts)) {
      if (only && !only.includes(name)) continue;
      const t0 = cpu();
      await fn();
      times[name]!.push(cpu() - t0);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mb = jsonl / 1e6;
  for (const [name, xs] of Object.entries(times)) {
    if (xs.length === 0) continue;
    const m = median(xs);
    console.log(`${name.padEnd(8)} median ${m.toFixed(3)} CPU-s (${(mb / m).toFixed(1)} MB/s; runs ${xs.map((x) => x.toFixed(2)).join(' ')})`);
  }
  console.log(`${mb.toFixed(1)} MB of JSONL text bytes; sink ${sink}`);
  await scorer.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
