import { mulberry32 } from '../seeded-random.ts';

export { mulberry32 };

/** Fisher-Yates shuffle in place with `rand`. */
export function shuffleInPlace(a: Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
