import { z } from 'zod';

/** Names of the dense text statistics, in the order of the featurizer's dense tensor columns. */
export const DENSE_FEATURE_NAMES = [
  'logChars',
  'logWords',
  'meanWordLength',
  'letterShare',
  'digitShare',
  'punctuationShare',
  'uppercaseShare',
  'whitespaceShare',
  'nonAsciiShare',
  'typeTokenRatio',
  'repeatedLineShare',
  'logLongestWord',
  'stopwordShare',
  'capitalizedWordShare',
  'wordLength1to2Share',
  'wordLength3to4Share',
  'wordLength5to6Share',
  'wordLength7to8Share',
  'wordLength9to11Share',
  'wordLength12plusShare',
  /** Adjacent word pairs that are both stopwords: word order (shuffled text pairs them at random, prose rarely). */
  'stopwordPairShare',
  /** Capitalised words that open a sentence (follow . ! ?): sentence structure. */
  'sentenceStartCapitalShare',
] as const;

/**
 * The featurizer's configuration (stored in proxy/card.json as `features`): fit and score build the same featurizer
 * from it, so features never drift between them.
 */
export const featureConfigSchema = z
  .object({
    version: z.literal(1),
    kind: z.literal('hashed-ngrams'),
    /** Hashed buckets per member (power of two). */
    buckets: z
      .number()
      .int()
      .refine((n) => n >= 2 && n <= 1 << 30 && (n & (n - 1)) === 0, 'must be a power of two'),
    /** One 32-bit hash seed per ensemble member; its length is the number of members. */
    hashSeeds: z.array(z.number().int().min(0).max(0xffffffff)).min(1).max(64),
    /** Only the first `maxWords` words of a document feed the hashed unigrams and bigrams. */
    maxWords: z.number().int().min(1).max(65536),
    /** Dense statistic names, in column order. */
    dense: z.array(z.string()),
    /** Per-column mean and standard deviation used to standardise the dense statistics. */
    denseMean: z.array(z.number()),
    denseStd: z.array(z.number().positive()),
  })
  .strict()
  .superRefine((c, ctx) => {
    const d = c.dense.length;
    if (c.denseMean.length !== d || c.denseStd.length !== d) {
      ctx.addIssue({ code: 'custom', message: `denseMean and denseStd must have ${d} entries (one per dense feature)` });
    }
    const known = new Set<string>(DENSE_FEATURE_NAMES);
    for (const [i, name] of c.dense.entries()) {
      if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['dense', i], message: `unknown dense feature "${name}"` });
    }
  });
