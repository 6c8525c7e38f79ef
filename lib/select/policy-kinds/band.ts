import { z } from 'zod';
import { PolicyConfigError } from '../errors.ts';
import { checkQuantileTable, definePolicyKind, OUTSIDE_BAND_KEY, penalised, quantileOf, SCORE_CLAMP, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/** Percent with `digits` decimals, as the report writes it. */
const pct = (v: number, digits: number) => `${(v * 100).toFixed(digits)}%`;

/**
 * `band`: null when the score lies above the (1 - dropTopQuantile) or below the dropBottomQuantile quantile of the
 * sample's predictions (`scoreQuantiles`), else score - lambda * std.
 */
export const band = definePolicyKind({
  kind: 'band',
  schema: z
    .object({
      kind: z.literal('band'),
      /** Drop predictions above this upper quantile (estimated on the sample): mostly noise. */
      dropTopQuantile: z.number().min(0).lt(1).default(0.1),
      dropBottomQuantile: z.number().min(0).lt(1).default(0),
      ...penalty,
    })
    .strict(),
  key: (spec, options) => {
    const { dropTopQuantile: top, dropBottomQuantile: bottom } = spec;
    if (!(top >= 0 && top < 1 && bottom >= 0 && bottom < 1)) {
      throw new PolicyConfigError(`band quantiles must lie in [0, 1): dropTopQuantile ${top}, dropBottomQuantile ${bottom}`);
    }
    if (top + bottom >= 1) {
      throw new PolicyConfigError(`band drops everything: dropTopQuantile ${top} + dropBottomQuantile ${bottom} >= 1`);
    }
    let upper = Infinity;
    let lower = -Infinity;
    if (top > 0 || bottom > 0) {
      checkQuantileTable(options.scoreQuantiles);
      if (top > 0) upper = quantileOf(options.scoreQuantiles, 1 - top);
      if (bottom > 0) lower = quantileOf(options.scoreQuantiles, bottom);
    }
    const always = spec.fill === 'always';
    return {
      key: (doc) => {
        const base = penalised(doc, spec.lambda);
        if (doc.score > upper || doc.score < lower) return always ? toKey(OUTSIDE_BAND_KEY - Math.min(SCORE_CLAMP, doc.score > upper ? doc.score - upper : lower - doc.score)) : null;
        return toKey(base);
      },
    };
  },
  flags: { 'drop-top': 'dropTopQuantile' },
  label: (spec) => [`drop top ${pct(Number(spec.dropTopQuantile ?? 0), 0)}`],
  thresholdAt: 'lowest',
  bandTopCut: true,
  reportedAt: 2,
});
