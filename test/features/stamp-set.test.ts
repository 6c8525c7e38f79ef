import { describe, expect, it } from 'vitest';
import { StampSet } from '../../lib/features/stamp-set.ts';

describe('StampSet.getOrPut', () => {
  it('stores a new key with its value (-1) and returns that value for the key afterwards, until cleared', () => {
    const set = new StampSet(16);
    // Four keys whose home slot is the same (so later ones probe past earlier ones), and keys of both signs.
    const home = (k: number) => Math.imul(k, 0x9e3779b1) & 15;
    const same: number[] = [];
    for (let k = 1; same.length < 4; k++) if (home(k) === home(0)) same.push(k);
    const keys = [0, ...same, -5, 0x7fffffff, -0x80000000];
    keys.forEach((k, i) => expect(set.getOrPut(k, 100 + i)).toBe(-1));
    keys.forEach((k, i) => expect(set.getOrPut(k, 999)).toBe(100 + i));
    expect(set.has(same[3]!)).toBe(true);
    set.clear();
    expect(set.has(same[3]!)).toBe(false);
    expect(set.getOrPut(same[3]!, 5)).toBe(-1);
    expect(set.getOrPut(same[3]!, 6)).toBe(5);
    expect(set.getOrPut(0, 6)).toBe(-1);
  });
});
