import { describe, expect, it } from 'vitest';
import { createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';
import { DENSE_FEATURE_NAMES } from '../../lib/features/schema.ts';

const config = defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 3 });

function dense(text: string, name: (typeof DENSE_FEATURE_NAMES)[number]): number {
  const b = createFeaturizer(config).featurize([text]);
  return b.dense[DENSE_FEATURE_NAMES.indexOf(name)]!;
}

describe('word-order dense features', () => {
  it('stopwordPairShare counts adjacent pairs of stopwords among the word pairs', () => {
    // words: of the cat and the dog -> pairs (of,the) (the,cat) (cat,and) (and,the) (the,dog): 2 stopword pairs of 5
    expect(dense('of the cat and the dog', 'stopwordPairShare')).toBeCloseTo(2 / 5, 6);
    expect(dense('cat dog bird', 'stopwordPairShare')).toBe(0);
    expect(dense('the', 'stopwordPairShare')).toBe(0);
  });

  it('stopwordPairShare depends on word order, unlike stopwordShare', () => {
    // The same 8 words: in order (the,cat) (cat,sat) (sat,on) (on,a) (a,mat) (mat,and) (and,slept): 1 stopword pair of 7;
    // reordered, the stopwords the,on,a,and stand together: 3 pairs of 7.
    const inOrder = 'the cat sat on a mat and slept';
    const reordered = 'cat sat mat slept the on a and';
    expect(dense(inOrder, 'stopwordShare')).toBeCloseTo(dense(reordered, 'stopwordShare'), 6);
    expect(dense(inOrder, 'stopwordPairShare')).toBeCloseTo(1 / 7, 6);
    expect(dense(reordered, 'stopwordPairShare')).toBeCloseTo(3 / 7, 6);
  });

  it('sentenceStartCapitalShare is the share of capitalised words that open a sentence', () => {
    // Capitalised: The, Bob, It, Paris; sentence openers: The (text start), It (after "."): 2 of 4
    expect(dense('The dog met Bob. It ran to Paris', 'sentenceStartCapitalShare')).toBeCloseTo(2 / 4, 6);
    // A closing quote keeps the sentence end; a comma clears it.
    expect(dense('"Go." He went, Then', 'sentenceStartCapitalShare')).toBeCloseTo(2 / 3, 6);
    expect(dense('no capitals here', 'sentenceStartCapitalShare')).toBe(0);
  });
});
