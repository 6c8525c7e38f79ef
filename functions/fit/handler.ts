import { fitProxy } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** fit: trains the proxy ensemble on the labelled sample, writes proxy/model.onnx and proxy/card.json. */
export const handler = stageHandler('fit', planRefSchema, fitProxy);
