import { z } from 'zod';
import { PolicyConfigError } from '../errors.ts';
import { docHash, hashToUnit } from '../hash.ts';
import { definePolicyKind, penalised, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/** Salt of the `sample` policy's noise, so that it is independent of the boundary order (which hashes with the seed). */
const GUMBEL_SALT = 0x2545f491;

/**
 * `sample`: Gumbel-top-k, (score - lambda * std) / temperature + g with g = -ln(-ln(u)), u in (0, 1) from the document's
 * id hash (seeded, deterministic). Taking the top keys samples without replacement with probability proportional to
 * exp(key / temperature): a high temperature is close to uniform, a low one close to `top`.
 */
export const sample = definePolicyKind({
  kind: 'sample',
  schema: z
    .object({
      kind: z.literal('sample'),
      temperature: z.number().positive().max(1000).default(0.25),
      ...penalty,
    })
    .strict(),
  key: (spec, options) => {
    const t = spec.temperature;
    if (!(Number.isFinite(t) && t > 0)) throw new PolicyConfigError(`sample temperature must be a finite number > 0, got ${t}`);
    const noiseSeed = (options.seed ^ GUMBEL_SALT) >>> 0;
    return {
      key: (doc) => {
        const u = hashToUnit(docHash(doc.id, noiseSeed));
        const g = -Math.log(-Math.log(u));
        return toKey(penalised(doc, spec.lambda) / t + g);
      },
    };
  },
  flags: { temperature: 'temperature' },
  label: (spec) => [`temperature ${String(spec.temperature)}`],
  thresholdAt: 'none',
  bandTopCut: false,
  reportedAt: 4,
});
