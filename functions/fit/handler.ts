import { fitProxy } from '../../lib/pipeline/fit.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** fit: trains the proxy ensemble on the labelled sample, writes proxy/model.onnx and proxy/card.json. */
export const handler = stageHandler('fit', planRefSchema, fitProxy);
