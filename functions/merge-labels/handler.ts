import { mergeLabels } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** merge labels: concatenates the reference slices into reference/labels.jsonl.gz. */
export const handler = stageHandler('mergeLabels', planRefSchema, mergeLabels);
