import { z } from 'zod';
import { planJob } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';
import { cloudPlanOutput } from '../shared/index.ts';

/** Execution input: the URI of the dropped job spec. */
export const planEventSchema = z.object({ specUri: z.string().min(1), output: z.string().min(1).optional() }).strict();

/** plan: validates the spec, lists the corpus, writes plan.json and plan/items.json. */
export const handler = stageHandler('plan', planEventSchema, planJob, { shapeOutput: cloudPlanOutput });
