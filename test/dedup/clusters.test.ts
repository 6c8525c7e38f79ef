import { describe, expect, it } from 'vitest';
import { type MinHashParams } from '../../lib/dedup/index.ts';
import { deduplicateInMemory, type InMemoryDoc } from '../../lib/dedup/in-memory.ts';
import { docHash } from '../../lib/select/index.ts';
import { shingleJaccard } from './demo-labels.ts';

const PARAMS: MinHashParams = { shingle: 5, hashes: 112, bands: 28, rows: 4, seed: 1 };
const THRESHOLD = 0.6;

/** n distinct pseudo-random words from a seed: two seeds share no word. */
function words(seed: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${seed}x${i}`);
}

/** A copy of `base` with `edits` words replaced (positions spread by a seed). */
function edited(base: readonly string[], edits: number, seed: number): string[] {
  const out = [...base];
  for (let e = 0; e < edits; e++) out[(Math.imul(seed + 1, 2654435761) >>> 0) % out.length === 0 ? e : (e * 53 + seed * 17) % out.length] = `e${seed}y${e}`;
  return out;
}

function doc(text: string, key: number | null, id: string): InMemoryDoc {
  return { text, key, tie: docHash(id, 1), tokens: text.split(' ').length };
}

function dedup(items: InMemoryDoc[][], maxClusterSize = 16, maxItemShare = 0.5) {
  return deduplicateInMemory(items, {
    kind: 'minhash',
    params: PARAMS,
    partitions: 3,
    guard: { threshold: THRESHOLD, maxClusterSize, maxItemShare },
    maxPivots: 64,
  }).clusters;
}

describe('clusters', () => {
  it('keeps the copy with the best policy key, breaking ties by the seeded id hash', () => {
    const base = words(1, 200);
    const texts = [0, 1, 2, 3].map((s) => edited(base, 3, s).join(' '));
    const clusters = dedup([[doc(texts[0]!, 0.2, 'a'), doc(texts[1]!, 0.9, 'b')], [doc(texts[2]!, null, 'c'), doc(texts[3]!, 0.5, 'd')]]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.kept).toEqual([{ item: 0, pos: 1 }]);
    expect(clusters[0]!.removed.map((r) => r.ref)).toEqual([{ item: 1, pos: 1 }, { item: 0, pos: 0 }, { item: 1, pos: 0 }]);

    const tied = dedup([[doc(texts[0]!, 1, 'p'), doc(texts[1]!, 1, 'q')]]);
    const winner = docHash('p', 1) < docHash('q', 1) ? 0 : 1;
    expect(tied[0]!.kept).toEqual([{ item: 0, pos: winner }]);
  });

  it('finds truncated, re-cased, re-quoted and bannered copies of a text, each removed in favour of the original', () => {
    const original = `“Quoted speech,” she said. ${words(2, 300).join(' ')} The end of the ‘story’ is near.`;
    const variants = [
      original.slice(0, Math.floor(original.length * 0.8)), // truncated
      original.toUpperCase(), // case
      original.replace(/[“”]/g, '"').replace(/[‘’]/g, "'"), // quotes
      `Cookie notice: we use cookies to improve your experience. Accept all\n\n${original}\n\nShare this story on social media`, // banner lines
    ];
    const clusters = dedup([[doc(original, 10, 'orig'), ...variants.map((t, i) => doc(t, i, `v${i}`))]]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.kept).toEqual([{ item: 0, pos: 0 }]);
    expect(clusters[0]!.removed.map((r) => r.ref.pos).sort()).toEqual([1, 2, 3, 4]);
  });

  it('keeps two unrelated large groups apart when a chain of near pairs links them (the guard)', () => {
    // Group A: 30 near copies of text A; group B: 30 of an unrelated text B; a chain of 9 texts moving from A to B in
    // steps of 10% of the words, each near the next. Transitive closure makes one component of all 69.
    const a = words(3, 200);
    const b = words(4, 200);
    const groupA = Array.from({ length: 30 }, (_, s) => edited(a, 2, s).join(' '));
    const groupB = Array.from({ length: 30 }, (_, s) => edited(b, 2, 100 + s).join(' '));
    const chain = Array.from({ length: 9 }, (_, k) => [...a.slice(0, 200 - 20 * (k + 1)), ...b.slice(0, 20 * (k + 1))].join(' '));
    expect(shingleJaccard(chain[0]!, a.join(' '), 5)).toBeGreaterThan(THRESHOLD);
    for (let k = 1; k < chain.length; k++) expect(shingleJaccard(chain[k]!, chain[k - 1]!, 5)).toBeGreaterThan(THRESHOLD);
    expect(shingleJaccard(a.join(' '), b.join(' '), 5)).toBe(0);
    // Group B's documents rank best, so a naive keep-one-per-component would keep one B document and drop all of A.
    const items = [
      groupA.map((t, i) => doc(t, i, `a${i}`)),
      groupB.map((t, i) => doc(t, 100 + i, `b${i}`)),
      chain.map((t, i) => doc(t, 50 + i, `c${i}`)),
    ];
    // Without the guard (no size limit, any item share), transitive closure keeps one document of the 69.
    const naive = dedup(items, 1000, 1).find((c) => c.members.length === 69);
    expect(naive?.kept).toHaveLength(1);
    expect(naive!.kept[0]!.item).toBe(1);

    const clusters = dedup(items, 16);
    const whole = clusters.find((c) => c.members.length === 69);
    expect(whole, 'the chain makes one connected component').toBeDefined();
    expect(whole!.guard).toBe('size');
    const text = (x: { item: number; pos: number }) => items[x.item]![x.pos]!.text;
    // Both texts survive: some kept document is near A, and some is near B.
    expect(whole!.kept.some((r) => shingleJaccard(text(r), a.join(' '), 5) >= THRESHOLD)).toBe(true);
    expect(whole!.kept.some((r) => shingleJaccard(text(r), b.join(' '), 5) >= THRESHOLD)).toBe(true);
    expect(whole!.kept.length).toBeLessThan(12); // and the copies still go: the guard verifies, it does not give up
    for (const r of whole!.removed) {
      expect(r.jaccard).toBeGreaterThanOrEqual(THRESHOLD);
      expect([r.ref.item, r.keptBy.item].sort().join()).not.toBe('0,1'); // never an A removed for a B, or a B for an A
      expect(shingleJaccard(text(r.ref), text(r.keptBy), 5)).toBeGreaterThan(0.5);
    }
  });

  it('guards a cluster that would remove most of a work item, and still removes its verified copies', () => {
    const base = words(5, 200);
    const copies = [0, 1, 2].map((s) => doc(edited(base, 2, s).join(' '), s, `m${s}`));
    const other = doc(words(6, 200).join(' '), 0, 'other');
    const clusters = dedup([[copies[0]!, copies[1]!, other], [copies[2]!]]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.guard).toBe('item-share');
    expect(clusters[0]!.kept).toEqual([{ item: 1, pos: 0 }]);
    expect(clusters[0]!.removed).toHaveLength(2);
  });
});
