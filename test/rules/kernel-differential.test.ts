import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRulesKernel, RULES_KERNEL_MODULE, rulesKernelModuleText } from '../../scripts/build-kernel.ts';
import { buildDemoCorpus, DEMO_CATEGORIES, SHARD_FILES } from '../../lib/demo/index.ts';
import { evaluateRules, evaluateRulesBatch, resolveRules, rulesSchema } from '../../lib/rules/index.ts';
import { DEFAULT_RULES } from '../../lib/rules/spec.ts';
import { evaluateRulesReference, ruleTokenRecords } from '../../lib/rules/evaluate.ts';
import { createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';
import { exportEnsembleOnnx, fitProxy, ProxyScorer } from '../../lib/proxy/index.ts';
import type { CompiledRules } from '../../lib/rules/types.ts';
import type { RulesSpecInput } from '../../lib/rules/spec.ts';
import { distinctWords, padTo } from './fixtures.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

/**
 * The WebAssembly kernel (evaluateRules, evaluateRulesBatch) against the TypeScript evaluator it mirrors
 * (evaluateRulesReference): the same bitmask for every document under every configuration, on the demo corpus (all of
 * its categories: prose, emails, markup, duplicates, junk), hand-made edge documents and random unicode strings. The
 * score stage's combined call (ProxyScorer.score with `rules`: the featurizer's scan kernel writes the rules' tokens,
 * the rules kernel walks them) is compared the same way, and its token records with the rules kernel's own.
 */

const configs: Array<[string, CompiledRules]> = [
  ['default', DEFAULT_RULES],
  ...(
    [
      ['not exhaustive', { exhaustive: false }],
      ['stop words off', { 'gopher.stop_words': false }],
      [
        'changed thresholds',
        {
          'gopher.word_count': { min: 5, max: 400 },
          'gopher.mean_word_length': { min: 3.5, max: 8 },
          'gopher.stop_words': { min: 3, words: ['der', 'die', 'und', 'the', 'of', 'Lorem', 'x'] },
          'gopher.dup_line_frac': { max: 0.05 },
          'gopher.dup_para_char_frac': { max: 0.01 },
          'gopher.top_3gram_char_frac': { max: 0.05 },
          'gopher.dup_7gram_char_frac': { max: 0.01 },
          'c4.min_sentences': { min: 2, minWordsPerLine: 1, maxWordLength: 12, dropNoTerminalPunct: false, removeCitations: false },
          'fineweb.line_punct_ratio': { min: 0.3, excludeZero: true },
          'fineweb.short_line_ratio': { max: 0.2, maxLength: 8 },
          'fineweb.list_ratio': { max: 0.05 },
        },
      ],
      [
        'C4 removals off, not exhaustive',
        {
          exhaustive: false,
          'c4.min_sentences': { dropJavascript: false, dropPolicy: false, minWordsPerLine: 0 },
          'c4.lorem_ipsum': false,
          'gopher.dup_para_frac': false,
          'gopher.dup_para_char_frac': false,
        },
      ],
      [
        'n-grams up to 6 and lines only',
        {
          ...Object.fromEntries(
            ['gopher.word_count', 'gopher.stop_words', 'c4.min_sentences', 'c4.curly_brace', 'gopher.top_3gram_char_frac', 'gopher.top_4gram_char_frac']
              .concat(['7', '8', '9', '10'].map((n) => `gopher.dup_${n}gram_char_frac`))
              .map((n) => [n, false]),
          ),
          'gopher.top_2gram_char_frac': { max: 0.01 },
          'gopher.dup_5gram_char_frac': { max: 0 },
          'gopher.dup_6gram_char_frac': { max: 0 },
        },
      ],
      ['word count only', { ...Object.fromEntries(rulesSchema.keyof().options.filter((k) => k.includes('.')).map((k) => [k, false])), 'gopher.word_count': true }],
    ] as Array<[string, RulesSpecInput]>
  ).map(([name, spec]): [string, CompiledRules] => [name, resolveRules(rulesSchema.parse(spec))]),
];

const PIECES = [
  ...'the of and to be that have with der und x Lorem ipsum lorem javascript JavaScript privacy policy cookie cookies use uses terms word words sentence list item'.split(' '),
  ' ', ' ', ' ', ' ', ' ', ' ', '  ', '\n', '\n', '\n\n', '\r\n', '\r', '\t', '\u00a0', '\u2028', '\u0085', '\x1c', '\u3000', '\v', '\f',
  '.', '. ', '! ', '? ', ',', ';', '#', '{', '}', '...', '....', '\u2026', '"', "'", '."', '?)', '[12]', '[edit]', '[citation needed]', '[]',
  '-', '- ', '\u2022 ', '(', ')', '\u201d', '\u2019', '\u00bb', '\u3002', '\uff01', '\u0964',
  '\ud83d\ude00', '\ud800', '\udc00', '\ud83d', 'A\ud800b', '\u00e9t\u00e9', '\u4e2d\u6587', '\u0645\u0631\u062d\u0628\u0627', '0', '42', '3.14',
  'abcdefghijklmnopqrstuvwxyz', 'x'.repeat(15), '\u0000', '\u007f', '\u0090',
];

/** Random texts from pieces likely to hit every rare path, of 0 to about 3000 code units. */
function randomTexts(count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const texts: string[] = [];
  for (let d = 0; d < count; d++) {
    const target = Math.floor(next() ** 2 * 3000);
    const parts: string[] = [];
    let len = 0;
    // Sometimes a small vocabulary (repeats: lines, paragraphs, n-grams), sometimes every piece.
    const vocabulary = next() < 0.5 ? PIECES : PIECES.slice(0, 8 + Math.floor(next() * 20)).concat([' ', '\n', '. ']);
    while (len < target) {
      const p = vocabulary[Math.floor(next() * vocabulary.length)]!;
      parts.push(p);
      len += p.length;
    }
    let text = parts.join('');
    // Random code units now and then (surrogates and controls included).
    if (next() < 0.2) {
      const chars = [...text].map((c) => (next() < 0.05 ? String.fromCharCode(Math.floor(next() * 0x10000)) : c));
      text = chars.join('');
    }
    texts.push(text);
  }
  return texts;
}

const lines = (...ls: string[]) => ls.join('\n');
const words = (n: number) => distinctWords(n).join(' ');

/** Documents at the edges of the rules (as in evaluate.test.ts), and degenerate ones. */
function edgeTexts(): string[] {
  const sentence = (i: number) => `This is sentence number ${distinctWords(1, i)[0]}.`;
  return [
    '', ' ', '\n', '\n\n', '\r\n', '\r', '\r\r\n\n', '.', '...', '#', '{', 'a', ' a ', '\ud800', '\udc00\ud800', '\ud83d\ude00',
    words(49), words(50), `${words(49)} -- ... !!`, 'ab '.repeat(1000), 'abc '.repeat(50), `${'abc '.repeat(49)}ab`, '"abc," '.repeat(50),
    `${'word '.repeat(90)}${'a#b '.repeat(10)}`, `${'word '.repeat(89)}${'a...b '.repeat(11)}`, `${'word '.repeat(89)}${'a\u2026b '.repeat(11)}`,
    lines(...Array(19).fill('- item'), 'plain', '\u2022 x'), lines(...Array(4).fill('it trails...'), ...Array(6).fill('not'), 'x\u2026 '),
    `${words(40)} the the of of`, 'The the THE', 'the, of. and! "to"', padTo('aa bb aa bb', 100), 'a a a a a a', 'aa bb cc dd ee aa bb cc dd ee aa bb cc dd ee',
    [words(5), words(5), words(5)].join('\n\n'), `  ${words(3)}\n\n${words(3)}  \n\n\n${words(3)}\n`, 'dupli\ndupli\n' + 'a'.repeat(490), `   \n   \n${'a'.repeat(100)}`,
    'Here is Lorem Ipsum dolor sit amet.', 'xlorem ipsumy', 'lorem-ipsum and lorem  ipsum', 'lorem\nipsum', 'function f() { return 1; }',
    lines(...[0, 1, 2, 3, 4].map(sentence)), 'One two three. Four five six! Seven eight nine? "Ten eleven twelve."',
    lines(
      sentence(0), 'This line has no terminal punctuation', 'This line trails off...', 'Too short.', 'Please enable JavaScript to see this page.',
      'We use cookies to improve your visit.', 'Read our Privacy Policy for details.', 'See the terms of use before posting.',
      `A ${'x'.repeat(1001)} word that is too long.`, 'A sentence with a citation at its end.[12]', 'He said "we are done here."', "She answered 'so are we'",
      'Cited twice.[1][edit][citation needed]', 'Odd ends.[x]', 'use of cookies.', 'uses cookies!', 'cookie policy?',
    ),
    'Done.\n\n\n', 'a list\nof items', lines(...Array(67).fill('x'.repeat(30)), ...Array(33).fill('y'.repeat(31))),
    'a b c\nd e f\ng h i\nj', 'a b\nc d\ne f\ng h\ni j', `function(a,b){return a+b} ${'# '.repeat(40)}`, words(5000),
  ];
}

let root: string;
let corpus: string[] = [];
let scorer: ProxyScorer | undefined;

/** The score stage's combined call: the bits ProxyScorer.score gives with `rules` (the featurizer scan's tokens). */
async function scoredBits(texts: readonly string[], rules: CompiledRules): Promise<Uint32Array> {
  return (await scorer!.score(texts, undefined, { rules })).rules!;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-rules-kernel-'));
  await buildDemoCorpus(join(root, 'demo'), { scale: 0.05, seed: 3 });
  const labels = new Map<string, string>();
  for (const l of gunzipSync(await readFile(join(root, 'demo', 'labels.jsonl.gz'))).toString('utf8').trim().split('\n')) {
    const { id, category } = JSON.parse(l) as { id: string; category: string };
    labels.set(id, category);
  }
  const categories = new Set<string>();
  for (const file of SHARD_FILES) {
    const path = join(root, 'demo', 'corpus', file);
    let rows: unknown[];
    if (file.endsWith('.parquet')) rows = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
    else {
      const bytes = await readFile(path);
      rows = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes)
        .toString('utf8')
        .split('\n')
        .flatMap((raw) => {
          try {
            return [JSON.parse(raw) as unknown];
          } catch {
            return [];
          }
        });
    }
    for (const r of rows) {
      const { id, text } = (r ?? {}) as { id?: unknown; text?: unknown };
      if (typeof text !== 'string') continue;
      corpus.push(text);
      if (typeof id === 'string' && labels.has(id)) categories.add(labels.get(id)!);
    }
  }
  expect([...categories].sort()).toEqual([...DEMO_CATEGORIES].sort());
  const fitted = fitProxy(
    corpus.slice(0, 400).map((text, i) => ({ text, target: (i % 7) / 7 })),
    { members: 2, buckets: 1 << 10, epochs: 2, l2: 1e-4, heldOut: 0.2, seed: 3, topKFraction: 0.25 },
  );
  scorer = await ProxyScorer.create(exportEnsembleOnnx(fitted.model), fitted.model.features);
}, 300_000);

afterAll(async () => {
  await scorer?.close();
  await rm(root, { recursive: true, force: true });
  corpus = [];
});

/** The documents whose kernel bitmask differs from the reference's (at most 5, for the message). */
function differences(texts: readonly string[], rules: CompiledRules, got: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length && out.length < 5; i++) {
    const want = evaluateRulesReference(texts[i]!, rules);
    if (got[i] !== want) out.push(`#${i} ${JSON.stringify(texts[i]!.slice(0, 80))}: kernel ${got[i]!.toString(2)}, reference ${want.toString(2)}`);
  }
  return out;
}

describe('the rules kernel (WebAssembly)', () => {
  it('is embedded exactly as its AssemblyScript source compiles (npm run build:kernel)', async () => {
    const committed = await readFile(RULES_KERNEL_MODULE, 'utf8');
    expect(committed === rulesKernelModuleText(await compileRulesKernel()), 'rules-kernel.wasm.ts is stale: run npm run build:kernel').toBe(true);
  }, 300_000);

  for (const [name, rules] of configs) {
    it(`gives the reference's bitmask for every demo corpus document (${name})`, async () => {
      expect(corpus.length).toBeGreaterThan(500);
      expect(differences(corpus, rules, evaluateRulesBatch(corpus, rules))).toEqual([]);
      expect(differences(corpus, rules, corpus.map((t) => evaluateRules(t, rules)))).toEqual([]);
      expect(differences(corpus, rules, await scoredBits(corpus, rules))).toEqual([]);
    });

    it(`gives the reference's bitmask for edge documents and random unicode strings (${name})`, async () => {
      const texts = [...edgeTexts(), ...randomTexts(1500, 11)];
      expect(differences(texts, rules, evaluateRulesBatch(texts, rules))).toEqual([]);
      expect(differences(texts, rules, texts.map((t) => evaluateRules(t, rules)))).toEqual([]);
      expect(differences(texts, rules, await scoredBits(texts, rules))).toEqual([]);
    });
  }

  it('is compared on documents that set and clear every rule bit (default rules)', () => {
    const texts = [...corpus, ...edgeTexts(), ...randomTexts(1500, 11)];
    const masks = evaluateRulesBatch(texts);
    let some = 0;
    let all = 0xffffffff;
    for (const m of masks) {
      some |= m;
      all &= m;
    }
    expect((some >>> 0).toString(2)).toBe((DEFAULT_RULES.mask >>> 0).toString(2));
    expect(all >>> 0).toBe(0);
    expect(new Set(masks).size).toBeGreaterThan(100);
  });

  it('evaluates a batch in any order and mixed with documents too long for the kernel the same way', async () => {
    const texts = [...randomTexts(300, 5), `${words(60)}\n`.repeat(5000), ...edgeTexts()];
    expect(texts.some((t) => t.length > 1 << 18)).toBe(true);
    const batch = evaluateRulesBatch(texts);
    expect(differences(texts, DEFAULT_RULES, batch)).toEqual([]);
    const reversed = evaluateRulesBatch([...texts].reverse()).reverse();
    expect(Array.from(reversed)).toEqual(Array.from(batch));
    expect(Array.from(await scoredBits(texts, DEFAULT_RULES))).toEqual(Array.from(batch));
    expect(Array.from((await scoredBits([...texts].reverse(), DEFAULT_RULES)).reverse())).toEqual(Array.from(batch));
  });

  it("the featurizer's scan writes the rules kernel's token records, and the same features with or without them", async () => {
    const texts = [...edgeTexts(), ...randomTexts(1500, 12), ...corpus.slice(0, 300)];
    const f = createFeaturizer(defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 5 }));
    const plain = f.analyze(texts, undefined, { wordHashes: true });
    const copy = (b: typeof plain) => ({
      hashes: Array.from(b.hashes), counts: Array.from(b.counts), offsets: Array.from(b.offsets), dense: Array.from(b.dense),
      scale: Array.from(b.scale), tokenStats: Array.from(b.tokenStats), textHashes: Array.from(b.textHashes), words: Array.from(b.wordHashes!),
      spaceWords: Array.from(b.spaceWords),
    });
    const without = copy(plain);
    const withTokens = f.analyze(texts, undefined, { wordHashes: true, ruleTokens: true });
    expect(copy(withTokens)).toEqual(without);
    const t = withTokens.ruleTokens!;
    const bad: string[] = [];
    for (let i = 0; i < texts.length && bad.length < 5; i++) {
      const got = Array.from(t.records.subarray(4 * t.offsets[i]!, 4 * t.offsets[i + 1]!));
      const want = Array.from(ruleTokenRecords(texts[i]!));
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`#${i} ${JSON.stringify(texts[i]!.slice(0, 60))}: scan ${got.slice(0, 12)}, rules kernel ${want.slice(0, 12)}`);
    }
    expect(bad).toEqual([]);
    // The scores do not depend on whether the rules ride along.
    const a = await scorer!.score(texts.slice(0, 500));
    const b = await scorer!.score(texts.slice(0, 500), undefined, { rules: DEFAULT_RULES });
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(Array.from(b.std)).toEqual(Array.from(a.std));
  });

  it('evaluates a batch larger than one kernel call (4M code units) in several calls, with the same bits', () => {
    const texts = Array.from({ length: 18 }, (_, i) => `${distinctWords(40, i * 7).join(' ')}.\n`.repeat(2000).slice(0, 240_000 + i));
    expect(texts.reduce((sum, t) => sum + t.length, 0)).toBeGreaterThan(1 << 22);
    const batch = evaluateRulesBatch([...texts, ...edgeTexts()]);
    expect(differences([...texts, ...edgeTexts()], DEFAULT_RULES, batch)).toEqual([]);
  });
});
