import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing.ts';
import { StampSet } from './stamp-set.ts';

/** Common English function words; their share of a document's words is a dense feature. */
export const STOPWORDS: readonly string[] = [
  'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'can',
  'could', 'do', 'for', 'from', 'had', 'has', 'have', 'he', 'her', 'his', 'i', 'if', 'in', 'into', 'is', 'it', 'its',
  'more', 'my', 'no', 'not', 'of', 'on', 'one', 'or', 'other', 'our', 'out', 'she', 'so', 'some', 'than', 'that',
  'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'up', 'was', 'we', 'were', 'what', 'when',
  'which', 'who', 'will', 'with', 'would', 'you', 'your',
];

/** Hash of a lowercase ASCII word exactly as the featurizer computes it while scanning. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/** The stopwords' word hashes. */
export const STOPWORD_HASHES: StampSet = (() => {
  const set = new StampSet(256);
  for (const w of STOPWORDS) set.add(wordHash(w));
  return set;
})();
