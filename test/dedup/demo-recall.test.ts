import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MinHashParams } from '../../lib/dedup/index.ts';
import { deduplicateInMemory } from '../../lib/dedup/in-memory.ts';
import { docHash } from '../../lib/select/index.ts';
import { smallDemoCorpus } from '../helpers/demo-job.ts';
import { readLabelledCorpus, scoreRemovals, shingleJaccard, type LabelledCorpus } from './demo-labels.ts';

/**
 * The demo's near-duplicates swap 1-4% of a text's words for others, drop up to 8, and add a prefix or a footer line:
 * their true word-5-gram Jaccard to the original lies between 0.58 and 0.9 (median 0.77), below FineWeb's 0.75 for a
 * third of them. So this setting keeps 5-grams and 112 hashes but cuts them into 28 bands of 4 and verifies at 0.6.
 */
const DEMO_PARAMS: MinHashParams = { shingle: 5, hashes: 112, bands: 28, rows: 4, seed: 1 };
const THRESHOLD = 0.6;

let corpus: LabelledCorpus;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const demo = await smallDemoCorpus(0.15);
  cleanup = demo.cleanup;
  corpus = await readLabelledCorpus(demo.dir);
}, 120_000);
afterAll(() => cleanup?.());

const runs = new Map<string, ReturnType<typeof deduplicateInMemory>>();

function run(kind: 'minhash' | 'exact', partitions = 4) {
  const id = `${kind}/${partitions}`;
  if (!runs.has(id)) runs.set(id, runUncached(kind, partitions));
  return runs.get(id)!;
}

function runUncached(kind: 'minhash' | 'exact', partitions: number) {
  const items = corpus.items.map((docs) => docs.map((d) => ({ text: d.text, key: d.text.length, tie: docHash(d.id, 1), tokens: Math.ceil(d.text.length / 4) })));
  return deduplicateInMemory(items, {
    kind,
    params: DEMO_PARAMS,
    partitions,
    guard: { threshold: THRESHOLD, maxClusterSize: 16, maxItemShare: 0.5 },
    maxPivots: 64,
  });
}

describe('deduplication against the demo corpus labels', () => {
  it('removes at least 90% of the labelled redundant copies, and at least 95% of its removals are true duplicates', () => {
    const { clusters } = run('minhash');
    const idOf = (r: { item: number; pos: number }) => corpus.items[r.item]![r.pos]!.id;
    const textOf = (id: string) => corpus.items.flat().find((d) => d.id === id)!.text;
    const s = scoreRemovals(clusters, idOf, corpus.group);
    // The corpus also holds duplicates nobody labelled (spam campaigns, templated boilerplate): a removal outside the
    // labels counts as correct only when the exact word-5-gram Jaccard (from the shingle sets, not from MinHash)
    // reaches the threshold.
    const unlabelledTrue = s.wrong.filter((w) => shingleJaccard(textOf(w.removed), textOf(w.kept), 5) >= THRESHOLD).length;
    const precision = (s.correct + unlabelledTrue) / s.removed;
    console.log(
      `demo dedup: recall ${s.recall.toFixed(3)} (${s.correct}/${s.redundant} labelled copies), precision ${precision.toFixed(3)} ` +
        `(${s.removed} removals, ${unlabelledTrue} of them true duplicates missing from the labels, ${s.wrong.length - unlabelledTrue} false)`,
    );
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });

  it('exact-only deduplication removes every labelled byte-identical copy and nothing that is not identical after normalization', () => {
    const { clusters } = run('exact');
    const idOf = (r: { item: number; pos: number }) => corpus.items[r.item]![r.pos]!.id;
    const exactCopies = [...corpus.category].filter(([, c]) => c === 'exact-duplicate').map(([id]) => id);
    const removed = new Set(clusters.flatMap((c) => c.removed.map((r) => idOf(r.ref))));
    // Each exact copy is removed unless it is the one kept of its group (then its original is removed instead).
    const keptCopies = exactCopies.filter((id) => !removed.has(id));
    for (const id of keptCopies) {
      const g = corpus.group.get(id)!;
      expect([...corpus.group].some(([other, og]) => og === g && other !== id && removed.has(other))).toBe(true);
    }
    const normalized = (r: { item: number; pos: number }) => (corpus.items[r.item]![r.pos]!.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
    for (const c of clusters) for (const r of c.removed) expect(normalized(r.ref)).toBe(normalized(r.keptBy));
    expect(removed.size).toBeGreaterThanOrEqual(exactCopies.length);
  });

  it('gives the same clusters whatever the number of partitions', () => {
    const a = run('minhash', 4).clusters;
    const b = run('minhash', 1).clusters;
    expect(b).toEqual(a);
  });
});
