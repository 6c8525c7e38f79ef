import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCorpus, DEMO_CATEGORIES, DemoOptionsError, SHARD_FILES } from '../../lib/demo/index.ts';
import type { DemoCorpusSummary } from '../../lib/demo/index.ts';
import { parseJobSpec } from '../../lib/job/index.ts';

const SCALE = 0.05;

interface Line {
  file: string;
  line: number;
  raw: string;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** Every line of the JSONL shards, and every Parquet row as a JSON line. */
async function readShards(dir: string): Promise<Line[]> {
  const lines: Line[] = [];
  for (const file of SHARD_FILES) {
    const path = join(dir, 'corpus', file);
    if (file.endsWith('.parquet')) {
      const rows = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
      rows.forEach((r, i) => lines.push({ file, line: i + 1, raw: JSON.stringify(r) }));
      continue;
    }
    const bytes = await readFile(path);
    const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    text
      .slice(0, -1)
      .split('\n')
      .forEach((raw, i) => lines.push({ file, line: i + 1, raw }));
  }
  return lines;
}

function tryParse(raw: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

let root: string;
let a: string;
let summary: DemoCorpusSummary;
let lines: Line[];
let labels: Array<{ id: string; category: string; source: string; url: string }>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-demo-test-'));
  a = join(root, 'a');
  summary = await buildDemoCorpus(a, { scale: SCALE, seed: 1 });
  lines = await readShards(a);
  labels = gunzipSync(await readFile(join(a, 'labels.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('buildDemoCorpus', () => {
  it('writes byte-identical files for the same seed and scale', async () => {
    const b = join(root, 'b');
    const again = await buildDemoCorpus(b, { scale: SCALE, seed: 1 });
    expect(again).toEqual(summary);
    const filesA = await listFiles(a);
    expect(await listFiles(b)).toEqual(filesA);
    for (const f of filesA) expect((await readFile(join(b, f))).equals(await readFile(join(a, f))), f).toBe(true);
  });

  it('lays out ten shards, the held-out reference, labels and a complete marker holding the summary', async () => {
    expect(await listFiles(a)).toEqual(['_COMPLETE.json', ...SHARD_FILES.map((f) => `corpus/${f}`), 'labels.jsonl.gz', 'reference/brown-heldout.txt'].sort());
    expect(JSON.parse(await readFile(join(a, '_COMPLETE.json'), 'utf8'))).toEqual(summary);
    expect(summary.shards).toBe(10);
    expect(summary.docs).toBeGreaterThan(0.9 * 20_000 * SCALE);
    expect(summary.docs).toBeLessThan(1.1 * 20_000 * SCALE);
    for (const f of summary.files) expect(f.docs, f.file).toBeGreaterThan(0);
    expect(summary.referenceBytes).toBeGreaterThan(1_000_000);
  });

  it('labels every good document, with per-category counts matching the summary', () => {
    const good = lines.map((l) => tryParse(l.raw)).filter((r): r is Record<string, unknown> => typeof r?.text === 'string');
    expect(good.length).toBe(summary.docs);
    expect(labels.length).toBe(summary.docs);
    const byId = new Map(labels.map((l) => [l.id, l]));
    for (const r of good) expect(byId.has(r.id as string), String(r.id)).toBe(true);
    const counts: Record<string, number> = {};
    for (const l of labels) counts[l.category] = (counts[l.category] ?? 0) + 1;
    expect(counts).toEqual(summary.categories);
    for (const c of DEMO_CATEGORIES) expect(counts[c], c).toBeGreaterThan(0);
    const junk = labels.filter((l) => l.category.startsWith('junk-')).length;
    expect(summary.junkShare).toBeCloseTo(junk / labels.length, 10);
    expect(summary.junkShare).toBeGreaterThanOrEqual(0.25);
    expect(summary.junkShare).toBeLessThanOrEqual(0.35);
  });

  it('mixes the categories across shards', () => {
    const category = new Map(labels.map((l) => [l.id, l.category]));
    for (const file of SHARD_FILES) {
      const cats = new Set(lines.filter((l) => l.file === file).map((l) => category.get(String(tryParse(l.raw)?.id))));
      expect(cats.size, file).toBeGreaterThanOrEqual(8);
    }
  });

  it('plants exactly three bad records, where the summary says, whose ids are not labelled', () => {
    const bad = lines
      .map((l) => ({ ...l, rec: tryParse(l.raw) }))
      .filter((l) => l.rec === undefined || typeof l.rec.text !== 'string')
      .map((l) => ({
        file: l.file,
        line: l.line,
        reason: l.rec === undefined ? 'invalid-json' : l.rec.text === undefined ? 'missing-text' : 'non-string-text',
      }));
    expect(bad).toEqual(summary.badRecords);
    expect(bad.map((b) => b.reason).sort()).toEqual(['invalid-json', 'missing-text', 'non-string-text']);
    expect(bad.find((b) => b.reason === 'invalid-json')!.file).toMatch(/\.jsonl\.gz$/);
    expect(bad.find((b) => b.reason === 'missing-text')!.file).toMatch(/\.jsonl\.gz$/);
    expect(bad.find((b) => b.reason === 'non-string-text')!.file).toBe('part-0008.jsonl');
    const record = (reason: string) => {
      const b = bad.find((x) => x.reason === reason)!;
      return tryParse(lines.find((l) => l.file === b.file && l.line === b.line)!.raw)!;
    };
    expect(Object.keys(record('missing-text')).sort()).toEqual(['body', 'id']);
    expect(Object.keys(record('non-string-text')).sort()).toEqual(['id', 'text']);
    const labelled = new Set(labels.map((l) => l.id));
    for (const b of summary.badRecords) {
      const raw = lines.find((l) => l.file === b.file && l.line === b.line)!.raw;
      const id = /"id":"([^"]+)"/.exec(raw)?.[1];
      expect(id).toBeDefined();
      expect(labelled.has(id!)).toBe(false);
    }
  });

  it('writes records with exactly the keys id and text (JSONL and Parquet), a unique doc-NNNNNN id and 300-4000 characters', () => {
    const docs = lines.map((l) => ({ file: l.file, rec: tryParse(l.raw) })).filter((r) => typeof r.rec?.text === 'string');
    expect(docs.filter((d) => d.file.endsWith('.parquet')).length).toBeGreaterThan(0);
    const ids = docs.map((d) => d.rec!.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { file, rec } of docs) {
      expect(Object.keys(rec!), `${file} ${String(rec!.id)}`).toEqual(['id', 'text']);
      expect(rec!.id).toMatch(/^doc-\d{6}$/);
      const text = rec!.text as string;
      expect(text.length, String(rec!.id)).toBeGreaterThanOrEqual(300);
      expect(text.length, String(rec!.id)).toBeLessThanOrEqual(4000);
    }
  });

  it('keeps category, source and url in the labels file only', () => {
    for (const l of labels) {
      expect(Object.keys(l).sort(), l.id).toEqual(['category', 'id', 'source', 'url']);
      expect(l.url, l.id).toMatch(/^https:\/\/[a-z0-9.-]+\.example\//);
    }
    const raw = lines.map((l) => l.raw).join('\n');
    expect(raw).not.toContain('"url"');
    expect(raw).not.toContain('"category"');
  });

  it('makes exact duplicates byte-identical to a prose document under another id, and labels what they copy', () => {
    const text = new Map(lines.map((l) => tryParse(l.raw)).filter((r) => typeof r?.text === 'string').map((r) => [r!.id as string, r!.text as string]));
    const byId = new Map(labels.map((l) => [l.id, l]));
    const originals = new Map<string, string>();
    for (const l of labels) if (l.category === 'prose' || l.category === 'prose-other') originals.set(Buffer.from(text.get(l.id)!, 'utf8').toString('base64'), l.id);
    const dups = labels.filter((l) => l.category === 'exact-duplicate');
    expect(dups.length).toBeGreaterThan(0);
    for (const d of dups) {
      const orig = originals.get(Buffer.from(text.get(d.id)!, 'utf8').toString('base64'));
      expect(orig, d.id).toBeDefined();
      expect(orig).not.toBe(d.id);
      expect(d.source).toBe(`exact-duplicate-of:${byId.get(orig!)!.source}`);
    }
    // Near-duplicates are edited copies, not exact ones.
    const exact = labels.filter((l) => l.category === 'near-duplicate' && originals.has(Buffer.from(text.get(l.id)!, 'utf8').toString('base64')));
    expect(exact.length).toBeLessThan(labels.filter((l) => l.category === 'near-duplicate').length / 10);
  });

  it('fills junk-markup with HTML page skeletons and minified JS and CSS', () => {
    const text = new Map(lines.map((l) => tryParse(l.raw)).filter((r) => typeof r?.text === 'string').map((r) => [r!.id as string, r!.text as string]));
    const kinds = { html: 0, js: 0, css: 0 };
    for (const l of labels.filter((x) => x.category === 'junk-markup')) {
      const t = text.get(l.id)!;
      // Markup is dense in syntax characters, unlike prose.
      const syntax = t.replace(/[^<>{}()=;:"/]/g, '').length / t.length;
      expect(syntax, l.id).toBeGreaterThan(0.08);
      if (t.startsWith('<!DOCTYPE html>')) {
        kinds.html++;
        for (const tag of ['<html', '<head>', '<style>', '<script>', '<body>', '<div class="']) expect(t, l.id).toContain(tag);
        expect(t, l.id).toMatch(/<div[^>]*>\n\s+<(\w+)[^>]*>/); // nested elements
      } else {
        expect(t, `${l.id} is one minified line`).not.toContain('\n');
        if (t.startsWith('!function(')) kinds.js++;
        else {
          expect(t, l.id).toMatch(/^[.@]/);
          expect(t, l.id).toMatch(/\.[\w-]+[^{]*\{[a-z-]+:[^;}]+[;}]/); // a rule: selector{property:value}
          kinds.css++;
        }
      }
    }
    expect(kinds.html).toBeGreaterThan(0);
    expect(kinds.js).toBeGreaterThan(0);
    expect(kinds.css).toBeGreaterThan(0);
    const prose = labels.filter((x) => x.category === 'prose').map((x) => text.get(x.id)!);
    for (const t of prose) expect(t.replace(/[^<>{}()=;:"/]/g, '').length / t.length).toBeLessThan(0.08);
  });

  it('keeps the held-out Brown text out of the corpus: no shared 200-character passage', async () => {
    const heldOut = await readFile(join(a, 'reference', 'brown-heldout.txt'), 'utf8');
    const docs = lines.map((l) => tryParse(l.raw)).filter((r): r is Record<string, unknown> => typeof r?.text === 'string');
    const category = new Map(labels.map((l) => [l.id, l.category]));
    // Corpus -> reference: windows of every prose-like document.
    let checked = 0;
    for (const d of docs) {
      if (!['prose', 'near-duplicate', 'exact-duplicate', 'prose-other'].includes(category.get(d.id as string)!)) continue;
      const text = d.text as string;
      for (let at = 0; at + 200 <= text.length; at += 700) {
        expect(heldOut.includes(text.slice(at, at + 200)), `${String(d.id)} at ${at}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    // Reference -> corpus: a sample of held-out windows.
    const all = docs.map((d) => d.text as string).join('\n');
    for (let at = 0; at + 200 <= heldOut.length; at += Math.floor(heldOut.length / 300)) {
      expect(all.includes(heldOut.slice(at, at + 200)), `held-out at ${at}`).toBe(false);
    }
    // The same check does find passages of the corpus's own Brown text (it is not vacuous).
    const prose = docs.find((d) => category.get(d.id as string) === 'prose')!.text as string;
    expect(all.includes(prose.slice(50, 250))).toBe(true);
  });

  it('sets the share of generated junk with junkShare, split equally among the junk categories', async () => {
    const mixed = await buildDemoCorpus(join(root, 'junk60'), { scale: SCALE, seed: 1, junkShare: 0.6 });
    expect(mixed.docs).toBeCloseTo(summary.docs, -1);
    expect(mixed.junkShare).toBeGreaterThan(0.57);
    expect(mixed.junkShare).toBeLessThan(0.63);
    const junk = Object.entries(mixed.categories).filter(([c]) => c.startsWith('junk-'));
    for (const [, n] of junk) expect(n).toBe(junk[0]![1]);
    expect(mixed.categories.prose! / mixed.categories['email-ham']!).toBeCloseTo(summary.categories.prose! / summary.categories['email-ham']!, 1);
    await expect(buildDemoCorpus(join(root, 'never'), { junkShare: 1 })).rejects.toThrow(/junkShare/);
  });

  it('rejects a non-positive scale and a fractional seed', async () => {
    await expect(buildDemoCorpus(join(root, 'never'), { scale: 0 })).rejects.toThrow(DemoOptionsError);
    await expect(buildDemoCorpus(join(root, 'never'), { seed: 1.5 })).rejects.toThrow(/seed/);
  });
});

describe('examples/demo-job.json', () => {
  it('is a valid job spec whose corpus and reference paths are relative to the demo folder', async () => {
    const raw = JSON.parse(await readFile(new URL('../../examples/demo-job.json', import.meta.url), 'utf8'));
    const spec = parseJobSpec(raw, 'examples/demo-job.json');
    expect(spec.corpus.uri).toBe('corpus');
    expect(spec.reference).toMatchObject({ kind: 'ngram', text: 'reference/brown-heldout.txt', order: 3 });
    expect(spec.policy).toMatchObject({ kind: 'label-band', fill: 'ceiling' });
    expect(isAbsolute(spec.corpus.uri)).toBe(false);
  });

  it('has an S3 companion spec with an onnx reference on cuda', async () => {
    const raw = JSON.parse(await readFile(new URL('../../examples/s3-job.json', import.meta.url), 'utf8'));
    const spec = parseJobSpec(raw, 'examples/s3-job.json');
    expect(spec.corpus.uri).toMatch(/^s3:\/\//);
    expect(spec.output).toMatch(/^s3:\/\//);
    expect(spec.reference).toMatchObject({ kind: 'onnx', device: 'cuda' });
  });
});
