/**
 * The corpus of bench:buckets: clean Brown prose of all 15 genres in which what the proxy must predict depends on
 * vocabulary, not shape. In every genre two disjoint seeded shares of the files are drawn: "target" files and "general"
 * files. A seeded half of each target file's paragraphs is the target text (what the user wants more of), a seeded half
 * of each general file's the general text; everything else (the other halves and every paragraph of the remaining
 * files) is cut into the corpus's documents. Documents from target files share their files' names and topic words with
 * the target text; target, general and other files are drawn alike from every genre, so their shapes are alike. Pure
 * helpers (the split, the label sample) are unit-tested; training and scoring are in bench/buckets.ts.
 */
import { chunkPieces, type BrownFile } from '../../lib/demo/sources.ts';
import { Rng } from '../../lib/demo/random.ts';

/** Which part of the split a document's Brown file is in. */
export type FileSide = 'target' | 'general' | 'other';

/** One corpus document: its text, the Brown file and genre it comes from, and that file's side. */
export interface ScenarioDoc {
  text: string;
  file: string;
  genre: string;
  side: FileSide;
}

/** Sentences of a paragraph: cut after . ! ? followed by a space and a capital or a quote. */
export function sentencesOf(paragraph: string): string[] {
  return paragraph.split(/(?<=[.!?]["']?) (?=["'A-Z])/).filter((s) => s.length > 0);
}

/**
 * Splits Brown files into the target text, the general text and the corpus's documents (sentences grouped to
 * 500..maxChars characters, never crossing a file): see the module doc. `share` of each genre's files (at least one)
 * are target files, as many others general files; with `targetGenres`, instead `share` of each target genre's files are
 * target files and `share` of each other genre's general files (the target is then a topic, not a set of files).
 */
export function splitByFile(
  files: readonly BrownFile[],
  opts: { seed: number; share: number; maxChars: number; targetGenres?: readonly string[] },
): { targetText: string; generalText: string; docs: ScenarioDoc[] } {
  if (!(opts.share > 0 && opts.share <= 0.5)) throw new Error(`bench:buckets: share must be in (0, 0.5], got ${opts.share}`);
  const genres = [...new Set(files.map((f) => f.genre))].sort();
  const unknown = (opts.targetGenres ?? []).filter((g) => !genres.includes(g));
  if (unknown.length) throw new Error(`bench:buckets: no Brown files of genre ${unknown.join(', ')}`);
  const side = new Map<string, FileSide>();
  for (const genre of genres) {
    const group = Rng.stream(opts.seed, `buckets-side:${genre}`).shuffle(files.filter((f) => f.genre === genre));
    const k = Math.max(1, Math.round(group.length * opts.share));
    // By genre: target files only in the target genres, general files only in the others.
    const first: FileSide = opts.targetGenres ? (opts.targetGenres.includes(genre) ? 'target' : 'general') : 'target';
    group.forEach((f, i) => side.set(f.name, i < k ? first : i < 2 * k && !opts.targetGenres ? 'general' : 'other'));
  }
  const text: Record<'target' | 'general', string[]> = { target: [], general: [] };
  const docs: ScenarioDoc[] = [];
  const coin = Rng.stream(opts.seed, 'buckets-paragraphs');
  const chunks = Rng.stream(opts.seed, 'buckets-docs');
  for (const f of files) {
    const s = side.get(f.name) ?? 'other';
    const kept: string[] = [];
    for (const p of f.paragraphs) {
      if (s !== 'other' && coin.chance(0.5)) text[s].push(p);
      else kept.push(...sentencesOf(p));
    }
    for (const t of chunkPieces(kept, chunks, () => ' ', opts.maxChars)) docs.push({ text: t, file: f.name, genre: f.genre, side: s });
  }
  return { targetText: text.target.join('\n\n'), generalText: text.general.join('\n\n'), docs };
}

/**
 * A seeded sample of `count` distinct indexes of 0..n-1 (sorted), nested across counts for the same seed: the 1,000-label
 * sample is part of the 4,000-label one.
 */
export function labelSample(n: number, count: number, seed: number): Int32Array {
  if (!Number.isInteger(count) || count < 1 || count > n) throw new Error(`bench:buckets: cannot sample ${count} labels of ${n} documents`);
  const order = Rng.stream(seed, 'buckets-labels').shuffle(Array.from({ length: n }, (_, i) => i));
  return Int32Array.from(order.slice(0, count)).sort();
}
