import { z } from 'zod';
import { planJob } from '../../lib/pipeline/plan.ts';
import { stageHandler } from '../shared/middleware.ts';
import { cloudPlanOutput } from '../shared/plan-output.ts';

/** Execution input: the URI of the dropped job spec. */
export const planEventSchema = z.object({ specUri: z.string().min(1), output: z.string().min(1).optional() }).strict();

/** plan: validates the spec, lists the corpus, writes plan.json and plan/items.json. */
export const handler = stageHandler('plan', planEventSchema, planJob, { shapeOutput: cloudPlanOutput });
