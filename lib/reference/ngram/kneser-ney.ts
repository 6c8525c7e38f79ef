/**
 * Interpolated modified Kneser-Ney word n-gram language model (Chen & Goodman 1998, as KenLM builds it).
 *
 * Training text is split into documents at blank lines (a run of non-blank lines is one document; a text without
 * blank lines is one document). Each document is scored and trained as `<s> w1 ... wk </s>`.
 *
 * For an n-gram `h w` of order n with adjusted count a (raw count at the highest order and for n-grams starting with
 * `<s>`, otherwise the number of distinct words seen before it):
 *
 *   p_n(w | h) = max(a(h w) - D_n(a), 0) / sum_v a(h v) + gamma(h) * p_{n-1}(w | h'),
 *   gamma(h)   = (D_n1 N1(h .) + D_n2 N2(h .) + D_n3+ N3+(h .)) / sum_v a(h v),
 *
 * with h' the context without its first word, N_k(h .) the number of words following h with adjusted count k (3 = 3 or
 * more), and D_n1, D_n2, D_n3+ estimated per order from the counts-of-counts n1..n4 of the adjusted counts:
 * Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2, D3+ = 3 - 4Y n4/n3 (each clamped to [0.05, k - 0.05],
 * 0.5/1/1.5 where a count-of-counts is zero). A context never seen passes the lower order through unchanged.
 *
 * The unigram level gives its discounted mass gamma() to the unknown-word event `<unk>` (instead of spreading it
 * uniformly over the vocabulary), which is a proper distribution over vocabulary + `</s>` + `<unk>` and gives unseen
 * words a realistic share (more after open-class contexts such as "the", whose gamma is large). Which unknown word it
 * is comes from the spelling model (spelling.ts): P(x) = P(<unk> | h) * P_spell(x | not a vocabulary word).
 */
import { BOS_ID, countNgrams, EOS_ID, GrowableInt32, NumberKeyIndex, UNK_ID } from './counts.ts';
import { NgramTrainingError } from './errors.ts';
import { SpellingModel } from './spelling.ts';
import { tokenizeWords } from './tokenize.ts';
import type { Discounts, NgramModel, NgramTextScore, NgramTrainOptions, ReferenceText } from './types.ts';

const MAX_ORDER = 8;
const DEFAULT_DISCOUNTS: Discounts = [0.5, 1, 1.5];

/** Chen & Goodman's modified Kneser-Ney discounts from counts-of-counts n1..n4 (clamped; defaults where undefined). */
export function estimateDiscounts(n1: number, n2: number, n3: number, n4: number): Discounts {
  const y = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  const raw = [n1 > 0 ? 1 - (2 * y * n2) / n1 : NaN, n2 > 0 ? 2 - (3 * y * n3) / n2 : NaN, n3 > 0 ? 3 - (4 * y * n4) / n3 : NaN];
  const d = raw.map((v, i) => (Number.isFinite(v) ? Math.min(i + 1 - 0.05, Math.max(0.05, v)) : DEFAULT_DISCOUNTS[i]!));
  return [d[0]!, d[1]!, d[2]!];
}

function countsOfCounts(counts: Int32Array, length: number): Discounts {
  const n = [0, 0, 0, 0, 0];
  for (let i = 0; i < length; i++) {
    const c = counts[i]!;
    if (c >= 1 && c <= 4) n[c]!++;
  }
  return estimateDiscounts(n[1]!, n[2]!, n[3]!, n[4]!);
}

const discountOf = (d: Discounts, a: number): number => (a <= 0 ? 0 : a === 1 ? d[0] : a === 2 ? d[1] : d[2]);

/** Feeds the training text line by line: `onLine` for a non-blank line, `onBlank` for a blank one and at the end. */
async function readDocuments(text: ReferenceText, onLine: (line: string) => void, onBlank: () => void): Promise<void> {
  let rest = '';
  const feed = (chunk: string, final: boolean): void => {
    const s = rest.length > 0 ? rest + chunk : chunk;
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      const line = s.slice(start, nl);
      if (/^\s*$/.test(line)) onBlank();
      else onLine(line);
      start = nl + 1;
    }
    rest = s.slice(start);
    if (final && rest.length > 0) {
      if (!/^\s*$/.test(rest)) onLine(rest);
      rest = '';
    }
  };
  if (typeof text === 'string') feed(text, true);
  else if (Symbol.asyncIterator in text) {
    for await (const chunk of text) feed(chunk, false);
    feed('', true);
  } else {
    for (const chunk of text) feed(chunk, false);
    feed('', true);
  }
  onBlank();
}

/**
 * Trains an interpolated modified Kneser-Ney n-gram model (see the module doc) on `text` (a string, or chunks of it,
 * or a promise of either). Deterministic: the same text and options give the same model.
 */
export async function trainNgramModel(text: ReferenceText | Promise<ReferenceText>, options: NgramTrainOptions = {}): Promise<NgramModel> {
  const order = options.order ?? 3;
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(order) || order < 1 || order > MAX_ORDER) throw new NgramTrainingError(`order must be an integer in 1..${MAX_ORDER}, got ${order}`);
  if (!Number.isInteger(minCount) || minCount < 1) throw new NgramTrainingError(`minCount must be an integer >= 1, got ${minCount}`);
  if (options.discounts && options.discounts.length !== order) {
    throw new NgramTrainingError(`discounts must give one [D1, D2, D3+] per order (${order}), got ${options.discounts.length}`);
  }

  // Pass 1: word types (first-seen order), their counts, and the text as provisional ids with -1 ending documents.
  const typeIds = new Map<string, number>();
  const types: string[] = [];
  const typeCounts = new GrowableInt32();
  const stream = new GrowableInt32(1 << 16);
  let docOpen = false;
  await readDocuments(
    await text,
    (line) => {
      const words = tokenizeWords(line);
      for (const w of words) {
        let id = typeIds.get(w);
        if (id === undefined) {
          id = types.length;
          typeIds.set(w, id);
          types.push(w);
          typeCounts.push(0);
        }
        typeCounts.data[id]!++;
        stream.push(id);
      }
      if (words.length > 0) docOpen = true;
    },
    () => {
      if (docOpen) stream.push(-1);
      docOpen = false;
    },
  );
  if (stream.length === 0) throw new NgramTrainingError('the reference text has no words');

  // Vocabulary: types seen at least minCount times; the rest map to <unk>.
  const remap = new Int32Array(types.length);
  const symbols = ['<unk>', '<s>', '</s>'];
  const words = new Map<string, number>();
  for (let t = 0; t < types.length; t++) {
    if (typeCounts.data[t]! >= minCount) {
      remap[t] = symbols.length;
      words.set(types[t]!, symbols.length);
      symbols.push(types[t]!);
    } else remap[t] = UNK_ID;
  }
  const ids = stream.toArray();
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) ids[i] = remap[ids[i]!]!;
  typeIds.clear();

  const spelling = new SpellingModel(types, words.keys());
  const counts = countNgrams(ids, symbols.length, order);
  return buildModel(counts, symbols, words, spelling, options.discounts);
}

interface Level {
  index: NumberKeyIndex;
  /** Discounted, normalized count of each entry: max(a - D, 0) / total(context). */
  alpha: Float64Array;
}

function buildModel(
  counts: ReturnType<typeof countNgrams>,
  symbols: string[],
  words: Map<string, number>,
  spelling: SpellingModel,
  fixed: readonly Discounts[] | undefined,
): NgramModel {
  const V = counts.vocabSize;
  const order = counts.order;
  const discounts: Discounts[] = [];

  // Unigrams: the root context; its gamma goes to <unk>.
  const a1 = counts.unigram;
  a1[BOS_ID] = 0;
  const d1 = fixed?.[0] ?? countsOfCounts(a1, V);
  discounts.push(d1);
  let total = 0;
  let gnum = 0;
  for (let w = 0; w < V; w++) {
    total += a1[w]!;
    gnum += discountOf(d1, a1[w]!);
  }
  const alpha1 = new Float64Array(V);
  for (let w = 0; w < V; w++) alpha1[w] = Math.max(a1[w]! - discountOf(d1, a1[w]!), 0) / total;
  const unkBase = gnum / total;

  const levels: Level[] = [];
  const gammas: Float64Array[] = [];
  let contexts = V; // number of entries of order n - 1
  for (let n = 2; n <= order; n++) {
    const level = counts.levels[n - 2]!;
    const size = level.index.size;
    const d = fixed?.[n - 1] ?? countsOfCounts(level.count, size);
    discounts.push(d);
    const ctxTotal = new Float64Array(contexts);
    const ctxGamma = new Float64Array(contexts);
    for (let e = 0; e < size; e++) {
      const a = level.count[e]!;
      const p = level.prefix[e]!;
      ctxTotal[p]! += a;
      ctxGamma[p]! += discountOf(d, a);
    }
    const alpha = new Float64Array(size);
    for (let e = 0; e < size; e++) {
      const a = level.count[e]!;
      alpha[e] = Math.max(a - discountOf(d, a), 0) / ctxTotal[level.prefix[e]!]!;
    }
    for (let c = 0; c < contexts; c++) ctxGamma[c] = ctxTotal[c]! > 0 ? ctxGamma[c]! / ctxTotal[c]! : 1;
    gammas.push(ctxGamma);
    levels.push({ index: level.index, alpha });
    contexts = size;
  }
  return new KneserNeyModel(order, symbols, words, alpha1, unkBase, levels, gammas, discounts, spelling);
}

/** The trained model; see the module doc for the formulas. */
class KneserNeyModel implements NgramModel {
  readonly vocabSize: number;
  private readonly V: number;
  private readonly prevCtx: Int32Array;
  private readonly curCtx: Int32Array;

  constructor(
    readonly order: number,
    private readonly symbols: string[],
    private readonly words: Map<string, number>,
    private readonly alpha1: Float64Array,
    private readonly unkBase: number,
    private readonly levels: Level[],
    /** gammas[j][id]: interpolation weight of a context of order j + 1. */
    private readonly gammas: Float64Array[],
    readonly discounts: readonly Discounts[],
    private readonly spelling: SpellingModel,
  ) {
    this.V = symbols.length;
    this.vocabSize = symbols.length - 1;
    this.prevCtx = new Int32Array(order);
    this.curCtx = new Int32Array(order);
  }

  vocabulary(): string[] {
    return this.symbols.filter((_, id) => id !== BOS_ID);
  }

  /**
   * P(w | context in `prev`), where prev[n-1] is the entry id of the order-n n-gram ending just before w (-1 if
   * unknown); fills `cur` with the n-grams ending at w.
   */
  private advance(prev: Int32Array, cur: Int32Array, w: number): number {
    let p = this.alpha1[w]! + (w === UNK_ID ? this.unkBase : 0);
    cur[0] = w;
    let found = true;
    let n = 2;
    for (; n <= this.order; n++) {
      const h = prev[n - 2]!;
      if (h < 0) break; // no context of this order, so none longer either
      let e = -1;
      if (found) {
        e = this.levels[n - 2]!.index.get(h * this.V + w);
        found = e >= 0;
      }
      p = (e >= 0 ? this.levels[n - 2]!.alpha[e]! : 0) + this.gammas[n - 2]![h]! * p;
      cur[n - 1] = e;
    }
    for (; n <= this.order; n++) cur[n - 1] = -1;
    return p;
  }

  private startDocument(prev: Int32Array): void {
    prev.fill(-1);
    prev[0] = BOS_ID;
  }

  tokenLogProbs(tokens: readonly string[]): Float64Array {
    const out = new Float64Array(tokens.length + 1);
    let prev = this.prevCtx;
    let cur = this.curCtx;
    this.startDocument(prev);
    for (let i = 0; i <= tokens.length; i++) {
      let lp: number;
      if (i === tokens.length) lp = Math.log(this.advance(prev, cur, EOS_ID));
      else {
        const tok = tokens[i]!;
        const id = this.words.get(tok);
        if (id === undefined) lp = Math.log(this.advance(prev, cur, UNK_ID)) + this.spelling.logProb(tok);
        else lp = Math.log(this.advance(prev, cur, id));
      }
      out[i] = lp;
      const t = prev;
      prev = cur;
      cur = t;
    }
    return out;
  }

  scoreText(text: string): NgramTextScore {
    const lps = this.tokenLogProbs(tokenizeWords(text));
    let sum = 0;
    for (let i = 0; i < lps.length; i++) sum += lps[i]!;
    return { loss: -sum / lps.length, tokens: lps.length, nll: -sum, bytes: Buffer.byteLength(text, 'utf8') };
  }

  conditionalLogProb(context: readonly string[], word: string): number {
    let prev = new Int32Array(this.order).fill(-1);
    let cur = new Int32Array(this.order);
    const idOf = (tok: string): number => (tok === '</s>' ? EOS_ID : tok === '<unk>' ? UNK_ID : (this.words.get(tok) ?? UNK_ID));
    for (const tok of context) {
      if (tok === '<s>') {
        this.startDocument(prev);
        continue;
      }
      this.advance(prev, cur, idOf(tok));
      const t = prev;
      prev = cur;
      cur = t;
    }
    if (word === '<s>') throw new NgramTrainingError('<s> is never predicted');
    const id = idOf(word);
    const lp = Math.log(this.advance(prev, cur, id));
    return id === UNK_ID && word !== '<unk>' ? lp + this.spelling.logProb(word) : lp;
  }
}
