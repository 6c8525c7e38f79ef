import { mulberry32 } from '../../lib/seeded-random.ts';

/** mulberry32: a small seeded PRNG for the select tests (uniform in [0, 1)). */
export const seededRandom = mulberry32;

/** A standard normal draw (Box-Muller). */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
