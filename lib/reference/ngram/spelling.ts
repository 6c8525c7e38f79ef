/**
 * Character-trigram spelling model for words outside the vocabulary.
 *
 * The word model gives the unknown-word event `<unk>` a probability; which unknown word it is comes from here:
 * P(word | <unk>) = P_spell(word) / (1 - sum of P_spell over the vocabulary), so the unknown-word mass is spread over
 * strings that are NOT vocabulary words and the two models together stay a proper distribution (exactly up to the
 * approximation for characters never seen in training, below).
 *
 * P_spell is an interpolated absolute-discounting character trigram model over UTF-16 code units, with an end-of-word
 * symbol, trained on every distinct word type of the training text once (rare types are the best picture of unseen
 * words). Its lowest order interpolates with a uniform distribution over the seen alphabet, end-of-word and one
 * "unseen character" symbol whose mass is shared evenly by 65,536 code units (an approximation: seen code units are
 * among them). So plausible English-looking unseen words get far more probability than random strings.
 */

const BOW = 0;
const EOW = 1;
const UNSEEN = 2;
const FIRST_CHAR = 3;
const UNSEEN_CHAR_SPACE = 65536;

interface Level {
  count: Map<number, number>;
  /** Per context key: total count and number of distinct following symbols. */
  total: Map<number, number>;
  types: Map<number, number>;
  discount: number;
}

function discountFrom(count: Map<number, number>): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of count.values()) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.95, Math.max(0.05, d));
}

/** A trained character-trigram spelling model; `logProb(word)` is the natural log of P(word | <unk>). */
export class SpellingModel {
  private readonly alphabet = new Map<number, number>();
  private readonly unigram: Float64Array;
  private readonly levels: [Level, Level];
  private readonly unigramTotal: number;
  private readonly unigramTypes: number;
  private readonly unigramDiscount: number;
  private readonly size: number;
  private logNormalizer = 0;

  /**
   * @param words every distinct training word type (each once)
   * @param vocabulary the words the word model knows; their spelling mass is excluded by renormalization
   */
  constructor(words: Iterable<string>, vocabulary: Iterable<string> = []) {
    const seqs: Int32Array[] = [];
    for (const w of words) {
      const seq = new Int32Array(w.length + 1);
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let id = this.alphabet.get(c);
        if (id === undefined) {
          id = FIRST_CHAR + this.alphabet.size;
          this.alphabet.set(c, id);
        }
        seq[i] = id;
      }
      seq[w.length] = EOW;
      seqs.push(seq);
    }
    this.size = FIRST_CHAR + this.alphabet.size;
    const A = this.size;
    const unigram = new Float64Array(A);
    const bi = new Map<number, number>();
    const tri = new Map<number, number>();
    for (const seq of seqs) {
      let a = BOW;
      let b = BOW;
      for (let i = 0; i < seq.length; i++) {
        const c = seq[i]!;
        unigram[c]! += 1;
        const kb = b * A + c;
        bi.set(kb, (bi.get(kb) ?? 0) + 1);
        const kt = (a * A + b) * A + c;
        tri.set(kt, (tri.get(kt) ?? 0) + 1);
        a = b;
        b = c;
      }
    }
    this.unigram = unigram;
    let total = 0;
    let types = 0;
    let n1 = 0;
    let n2 = 0;
    for (const c of unigram) {
      total += c;
      if (c > 0) types++;
      if (c === 1) n1++;
      else if (c === 2) n2++;
    }
    this.unigramTotal = total;
    this.unigramTypes = types;
    this.unigramDiscount = Math.min(0.95, Math.max(0.05, n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5));
    const level = (count: Map<number, number>): Level => {
      const tot = new Map<number, number>();
      const typ = new Map<number, number>();
      for (const [k, c] of count) {
        const ctx = Math.floor(k / A);
        tot.set(ctx, (tot.get(ctx) ?? 0) + c);
        typ.set(ctx, (typ.get(ctx) ?? 0) + 1);
      }
      return { count, total: tot, types: typ, discount: discountFrom(count) };
    };
    this.levels = [level(bi), level(tri)];

    let known = 0;
    for (const w of vocabulary) known += Math.exp(this.rawLogProb(w));
    this.logNormalizer = known < 1 ? Math.log1p(-known) : Math.log(Number.EPSILON);
  }

  /** Number of distinct characters seen in training. */
  get alphabetSize(): number {
    return this.alphabet.size;
  }

  /** ln P(word | <unk>): the spelling probability renormalized over non-vocabulary strings. */
  logProb(word: string): number {
    return this.rawLogProb(word) - this.logNormalizer;
  }

  /** ln P_spell(word) before excluding the vocabulary. */
  rawLogProb(word: string): number {
    let lp = 0;
    let a = BOW;
    let b = BOW;
    for (let i = 0; i <= word.length; i++) {
      let c: number;
      let extra = 0;
      if (i === word.length) c = EOW;
      else {
        const id = this.alphabet.get(word.charCodeAt(i));
        if (id === undefined) {
          c = UNSEEN;
          extra = -Math.log(UNSEEN_CHAR_SPACE);
        } else c = id;
      }
      lp += Math.log(this.prob(a, b, c)) + extra;
      a = b;
      b = c;
    }
    return lp;
  }

  /** P(c | a b), interpolated trigram -> bigram -> unigram -> uniform over A - 1 symbols (BOW is never predicted). */
  private prob(a: number, b: number, c: number): number {
    const A = this.size;
    const uc = this.unigram[c]!;
    const d0 = this.unigramDiscount;
    let p =
      this.unigramTotal > 0
        ? Math.max(uc - d0, 0) / this.unigramTotal + ((d0 * this.unigramTypes) / this.unigramTotal) / (A - 1)
        : 1 / (A - 1);
    p = this.interpolate(this.levels[0], b, c, p);
    return this.interpolate(this.levels[1], a * A + b, c, p);
  }

  private interpolate(level: Level, ctx: number, c: number, lower: number): number {
    const total = level.total.get(ctx);
    if (total === undefined) return lower;
    const count = level.count.get(ctx * this.size + c) ?? 0;
    const d = level.discount;
    return Math.max(count - d, 0) / total + ((d * level.types.get(ctx)!) / total) * lower;
  }
}
