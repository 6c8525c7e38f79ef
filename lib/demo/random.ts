/** Seeded pseudo-random numbers for the demo corpus: every stream is derived from (seed, label), so adding a stream never shifts another. */
import { fnv1a32 } from '../features/index.ts';
import { mulberry32 } from '../seeded-random.ts';

/** The project's seeded generator (mulberry32) with the helpers the builders need. */
export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A generator for the stream `label` under `seed`. */
  static stream(seed: number, label: string): Rng {
    return new Rng(fnv1a32(`${seed}:${label}`) ^ Math.imul(seed | 0, 0x9e3779b1));
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A length drawn log-uniformly from [lo, hi]: many short documents, a tail of long ones. */
  logUniform(lo: number, hi: number): number {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
