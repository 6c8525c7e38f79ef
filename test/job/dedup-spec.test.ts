import { describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../lib/job/index.ts';

const base = {
  name: 'j',
  corpus: { uri: 'corpus/' },
  output: 'out/',
  budget: { fraction: 0.2 },
  reference: { kind: 'ngram', text: 'ref.txt' },
};

describe('the dedup field of the job spec', () => {
  it('defaults to exact duplicates, with the guard settings filled in', () => {
    const spec = parseJobSpec(base, 'job.json');
    expect(spec.dedup).toEqual({ kind: 'exact', maxClusterSize: 64, maxItemShare: 0.5, maxPartitionRecords: 50_000_000 });
  });

  it('fills FineWeb\'s MinHash defaults for kind "minhash"', () => {
    const spec = parseJobSpec({ ...base, dedup: { kind: 'minhash' } }, 'job.json');
    expect(spec.dedup).toMatchObject({ kind: 'minhash', shingle: 5, hashes: 112, bands: 14, rows: 8, threshold: 0.75 });
  });

  it('rejects bands and rows that do not make the signature, and unknown fields, naming them', () => {
    expect(() => parseJobSpec({ ...base, dedup: { kind: 'minhash', bands: 20 } }, 'job.json')).toThrow(/dedup\.bands.*bands x rows must equal hashes/);
    expect(() => parseJobSpec({ ...base, dedup: { kind: 'none', threshold: 0.5 } }, 'job.json')).toThrow(/dedup/);
    expect(() => parseJobSpec({ ...base, dedup: { kind: 'fuzzy' } }, 'job.json')).toThrow(/dedup\.kind/);
  });
});
