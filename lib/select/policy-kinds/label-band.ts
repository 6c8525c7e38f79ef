import { z } from 'zod';
import { PolicyConfigError } from '../errors.ts';
import { checkQuantileTable, definePolicyKind, OUTSIDE_BAND_KEY, penalised, quantileOf, SCORE_CLAMP, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/** Quantile bounds of the label-band. */
const quantile = z.number().min(0).max(1);

/**
 * `label-band` (the default): the band of predictions between the `lower` and `upper` quantiles of the labelled
 * documents that pass the rules (`context.passQuantiles`); inside it, -|score - c| where c is the `centre` quantile: the
 * selection starts at the centre and widens both ways as the budget grows, and never leaves the band (under-fills
 * instead; `fill: "always"` takes the rest after it, nearest the band first). The band is a property of the labelled
 * sample, not of the budget, so its shape is the same at a 1% and a 50% budget.
 */
export const labelBand = definePolicyKind({
  kind: 'label-band',
  schema: z
    .object({
      kind: z.literal('label-band'),
      /**
       * The band: predictions between these quantiles of the proxy's predictions on the labelled documents that pass the
       * quality rules (`lower` 0: no floor beyond the trusted range; `upper`: above it lies the noisy tail). A property
       * of the labelled sample, not of the budget.
       */
      lower: quantile.default(0),
      upper: quantile.default(0.7),
      /** Where the selection starts: the documents nearest this quantile first, widening both ways with the budget. */
      centre: quantile.default(0.3),
      ...penalty,
    })
    .strict(),
  key: (spec, options) => {
    const { lower, centre, upper } = spec;
    const context = options.context;
    if (!(lower >= 0 && lower <= centre && centre <= upper && upper <= 1)) {
      throw new PolicyConfigError(`label-band quantiles must satisfy 0 <= lower <= centre <= upper <= 1: lower ${lower}, centre ${centre}, upper ${upper}`);
    }
    if (!context) {
      throw new PolicyConfigError('label-band needs the proxy card\'s selection context (card.selection), written by proxysel 0.2 and later: refit the proxy');
    }
    checkQuantileTable(context.passQuantiles, 'selection.passQuantiles');
    const lo = lower > 0 ? quantileOf(context.passQuantiles, lower) : -Infinity;
    const hi = upper < 1 ? quantileOf(context.passQuantiles, upper) : Infinity;
    const c = quantileOf(context.passQuantiles, centre);
    const always = spec.fill === 'always';
    return {
      key: (doc) => {
        const s = penalised(doc, spec.lambda);
        if (s < lo || s > hi) return always ? toKey(OUTSIDE_BAND_KEY - Math.min(SCORE_CLAMP, s < lo ? lo - s : s - hi)) : null;
        return toKey(-Math.min(SCORE_CLAMP, Math.abs(s - c)));
      },
    };
  },
  flags: { lower: 'lower', centre: 'centre', upper: 'upper' },
  label: (spec) => [`${String(spec.lower)}-${String(spec.upper)}, from ${String(spec.centre)}`],
  thresholdAt: 'lowest',
  bandTopCut: false,
  reportedAt: 0,
});
