/**
 * AWS Batch entrypoint of the reference pass: one array child labels its slice of the sample with the large model
 * and writes reference/part-<index>.jsonl.gz; `PROXYSEL_ACTION=merge` (run once after the array job) concatenates the
 * parts into reference/labels.jsonl.gz. A thin adapter: every bit of logic lives in lib/pipeline/reference.ts.
 *
 * Environment:
 *   PROXYSEL_PLAN              URI of the run's plan.json (required)
 *   AWS_BATCH_JOB_ARRAY_INDEX  this child's index (set by Batch; default 0)
 *   PROXYSEL_SLICE_COUNT       the array size (default: the plan's referenceSlices, which it must equal);
 *                              PROXYSEL_REFERENCE_SLICES (as the cdk stack names it) is read when it is unset
 *   PROXYSEL_ACTION            `label` (default) or `merge`
 *   AWS_ENDPOINT_URL_S3, AWS_S3_FORCE_PATH_STYLE, AWS_REGION...  S3 settings (see lib/store/s3-options.ts)
 *
 * Logs one JSON object per line on stdout; exits 1 with a readable `error` line on failure.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { jsonLogger } from '../../lib/pipeline/index.ts';
import { intermediateArtifactTags, readPlan } from '../../lib/run/index.ts';
import { runStage } from '../../lib/runner/index.ts';
import type { Logger } from '../../lib/pipeline/index.ts';
import { createStore, s3OptionsFromEnv } from '../../lib/store/index.ts';
import { formatZodError } from '../../lib/validate/index.ts';

const intFromEnv = (name: string, fallback: number, min: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer >= ${min} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

/** The environment this entrypoint reads, validated. */
export const referenceJobEnvSchema = z
  .object({
    PROXYSEL_PLAN: z.string({ error: 'PROXYSEL_PLAN must name the plan.json URI of the run' }).min(1, 'PROXYSEL_PLAN must not be empty'),
    AWS_BATCH_JOB_ARRAY_INDEX: intFromEnv('AWS_BATCH_JOB_ARRAY_INDEX', 0, 0),
    /** 0 = take the plan's referenceSlices. */
    PROXYSEL_SLICE_COUNT: intFromEnv('PROXYSEL_SLICE_COUNT', 0, 1),
    PROXYSEL_ACTION: z.enum(['label', 'merge']).default('label'),
  })
  .refine((e) => e.PROXYSEL_SLICE_COUNT === 0 || e.AWS_BATCH_JOB_ARRAY_INDEX < e.PROXYSEL_SLICE_COUNT, {
    message: 'AWS_BATCH_JOB_ARRAY_INDEX must be below PROXYSEL_SLICE_COUNT',
    path: ['AWS_BATCH_JOB_ARRAY_INDEX'],
  });

/** Runs the job described by `env`; resolves to the process exit code (0 on success). */
export async function runReferenceJob(env: NodeJS.ProcessEnv, log: Logger = jsonLogger({ component: 'reference-job' })): Promise<number> {
  const t0 = performance.now();
  try {
    const parsed = referenceJobEnvSchema.safeParse({ ...env, PROXYSEL_SLICE_COUNT: env.PROXYSEL_SLICE_COUNT || env.PROXYSEL_REFERENCE_SLICES });
    if (!parsed.success) {
      throw new Error(`environment variable ${formatZodError(parsed.error)}`);
    }
    const e = parsed.data;
    const store = createStore({ s3: s3OptionsFromEnv(env), tagsFor: intermediateArtifactTags });
    const ctx = { store, log, progress: { add() {} } };
    if (e.PROXYSEL_ACTION === 'merge') {
      log.info('merging reference labels', { plan: e.PROXYSEL_PLAN });
      const out = await runStage('merge-labels', { plan: e.PROXYSEL_PLAN }, ctx);
      log.info('merged reference labels', { ...out, seconds: (performance.now() - t0) / 1000 });
    } else {
      // The merge step reads the plan's referenceSlices parts: an array of another size would label a wrong share.
      const planned = (await readPlan(store, e.PROXYSEL_PLAN)).plan.referenceSlices;
      const count = e.PROXYSEL_SLICE_COUNT || planned;
      if (count !== planned) {
        throw new Error(`PROXYSEL_SLICE_COUNT is ${count} but ${e.PROXYSEL_PLAN} plans ${planned} reference slice(s): run the array job with size ${planned}`);
      }
      const event = { plan: e.PROXYSEL_PLAN, index: e.AWS_BATCH_JOB_ARRAY_INDEX, count };
      log.info('labelling reference slice', event);
      const out = await runStage('reference', event, ctx);
      const seconds = (performance.now() - t0) / 1000;
      log.info('labelled reference slice', { ...out, seconds, tokensPerSecond: seconds > 0 ? out.tokens / seconds : 0 });
    }
    return 0;
  } catch (err) {
    const e = err as Error;
    log.error(`reference job failed: ${e.message}`, { error: e.name, stack: e.stack });
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runReferenceJob(process.env);
}
