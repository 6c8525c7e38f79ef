/**
 * What every policy kind's spec shares: the length filters and the penalty fields (spread penalty, untrusted
 * predictions, fill). Each kind's own schema (lib/select/policy-kinds/) spreads `penalty` after its own fields.
 */
import { z } from 'zod';

export const filtersSchema = z
  .object({
    minChars: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    maxChars: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    minWords: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    maxWords: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();
export type FiltersSpec = z.output<typeof filtersSchema>;

export const penalty = {
  lambda: z.number().nonnegative().max(1000).default(0),
  filters: filtersSchema.default({}),
  /**
   * A prediction the proxy cannot vouch for (outside the range of the labelled targets, or with an ensemble spread far
   * above the typical one on unseen labelled documents: the proxy card's `selection`) is `exclude`d (default) or
   * `keep`-t as any other.
   */
  untrusted: z.enum(['exclude', 'keep']).default('exclude'),
  /**
   * A budget is a ceiling: with `ceiling` (default) the documents a policy leaves out for their prediction (outside its
   * band, untrusted) are never taken, and the selection under-fills when the rest is too small (the manifest says by how
   * much and why). `always` takes them after every other document, so the budget fills. Quality-rule failures and the
   * length filters stay excluded either way (turn rules off in `rules`).
   */
  fill: z.enum(['ceiling', 'always']).default('ceiling'),
};

/** The spec fields every kind has (the penalty), as a kind module's build sees them. */
export interface PenaltySpec {
  lambda: number;
  filters: FiltersSpec;
  untrusted: 'exclude' | 'keep';
  fill: 'ceiling' | 'always';
}
