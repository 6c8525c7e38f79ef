import { describe, expect, it } from 'vitest';
import { cutInRegion, FILL_TOLERANCE } from '../../lib/select/threshold.ts';
import type { Threshold } from '../../lib/select/index.ts';

const lower: Threshold = { boundaryBin: 900, cutoff: { hash: 5, item: 'a', row: 1 }, expected: { docs: 10, tokens: 1000 } };
/** Region documents in selection order (descending bins), `tokens` each. */
const region = (tokens: number[]) => tokens.map((t, i) => ({ bin: 800 - i, hash: i, item: 'b', row: i, tokens: t, estimated: t }));
const budget = (amount: number) => ({ unit: 'tokens' as const, amount });

describe('cutInRegion', () => {
  it('takes region documents in order while they fit and cuts after the last one taken', () => {
    const cut = cutInRegion({ docs: 10, tokens: 1000 }, region([100, 100, 100, 100]), lower, budget(1200), false)!;
    expect(cut).toEqual({ boundaryBin: 799, cutoff: { hash: 1, item: 'b', row: 1 }, expected: { docs: 12, tokens: 1200 } });
  });

  it('skips a document too large for what is left while more than the tolerance is left, and lists it', () => {
    const cut = cutInRegion({ docs: 10, tokens: 1000 }, region([100, 5000, 140, 9, 50, 1]), lower, budget(1250), false)!;
    expect(cut.expected.tokens).toBe(1249);
    expect(cut.expected.tokens).toBeGreaterThanOrEqual((1 - FILL_TOLERANCE) * 1250);
    expect(cut.skipped).toEqual([{ hash: 1, item: 'b', row: 1 }]);
    expect(cut.cutoff).toEqual({ hash: 3, item: 'b', row: 3 });
  });

  it('gives no cut when the certain documents alone exceed the budget, or the region runs out below it', () => {
    // Short of the tolerance when the region ends, even after skipping: documents beyond it might fit.
    expect(cutInRegion({ docs: 10, tokens: 1000 }, region([100, 100, 100]), lower, budget(1250), false)).toBeNull();
    expect(cutInRegion({ docs: 10, tokens: 1300 }, region([1]), lower, budget(1250), false)).toBeNull();
    expect(cutInRegion({ docs: 10, tokens: 1000 }, region([100]), lower, budget(1250), false)).toBeNull();
    // ...unless the region reaches the end of what the policy keeps: then everything fits.
    expect(cutInRegion({ docs: 10, tokens: 1000 }, region([100]), lower, budget(1250), true)!.expected).toEqual({ docs: 11, tokens: 1100 });
  });

  it('keeps the lower cut when no region document fits', () => {
    const cut = cutInRegion({ docs: 10, tokens: 1000 }, region([300]), lower, budget(1001), false)!;
    expect(cut).toEqual({ boundaryBin: 900, cutoff: lower.cutoff, expected: { docs: 10, tokens: 1000 } });
  });

  it('counts documents for a budget in documents', () => {
    const cut = cutInRegion({ docs: 10, tokens: 1000 }, region([100, 5000, 100]), lower, { unit: 'docs', amount: 12 }, false)!;
    expect(cut.expected).toEqual({ docs: 12, tokens: 6100 });
    expect(cut.skipped).toBeUndefined();
  });
});
