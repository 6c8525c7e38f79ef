import { mergeLabels } from '../../lib/pipeline/reference.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** merge labels: concatenates the reference slices into reference/labels.jsonl.gz. */
export const handler = stageHandler('mergeLabels', planRefSchema, mergeLabels);
