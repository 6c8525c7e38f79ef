/** Modified Kneser-Ney discounts of one order: [D1, D2, D3+] for adjusted counts 1, 2 and 3 or more. */
export type Discounts = readonly [number, number, number];

/** Options of `trainNgramModel`. */
export interface NgramTrainOptions {
  /** N-gram order (1..8); default 3. */
  order?: number;
  /** Words seen fewer times than this in training are not in the vocabulary (they are `<unk>`); default 1. */
  minCount?: number;
  /** Fixed discounts per order (index 0 = unigrams); default: Chen & Goodman's estimates from count-of-counts. */
  discounts?: readonly Discounts[];
}

/** Reference text to train on: the whole text, or chunks of it in order (chunk borders may fall anywhere). */
export type ReferenceText = string | AsyncIterable<string> | Iterable<string>;

/** Per-document score under the n-gram model. */
export interface NgramTextScore {
  /** Mean negative log-probability in nats over the document's words and its closing `</s>`. */
  loss: number;
  /** Number of scored tokens: words (as `tokenizeWords` splits them) + 1 for `</s>`; so an empty text has 1. */
  tokens: number;
  /** Summed negative log-probability in nats over those tokens (loss * tokens). */
  nll: number;
  /** UTF-8 bytes of the text: the model scores every word, so the scored window is the whole document. */
  bytes: number;
}

/** A trained interpolated modified Kneser-Ney word n-gram language model with a spelling model for unknown words. */
export interface NgramModel {
  readonly order: number;
  /** Number of predictable symbols: vocabulary words + `</s>` + `<unk>`. */
  readonly vocabSize: number;
  /** The discounts used, per order (index 0 = unigrams). */
  readonly discounts: readonly Discounts[];
  /** Natural-log probabilities of each token in turn after `<s>`, then of the closing `</s>` (length + 1 values). */
  tokenLogProbs(tokens: readonly string[]): Float64Array;
  /** Tokenizes `text` as one document and scores it. */
  scoreText(text: string): NgramTextScore;
  /**
   * ln P(word | context). `context` is tokens before the word (may start with `<s>`; only the last order-1 count).
   * `word` may be `</s>`, `<unk>` (the unknown-word event itself, without spelling) or any token; an out-of-vocabulary
   * token gets ln P(<unk> | context) + ln P_spell(token).
   */
  conditionalLogProb(context: readonly string[], word: string): number;
  /** The predictable symbols in id order: `<unk>`, `</s>`, then the vocabulary words in first-seen order. */
  vocabulary(): string[];
}
