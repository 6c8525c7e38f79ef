import { z } from 'zod';
import { iterateJsonlGz } from '../corpus/index.ts';
import type { ObjectStore } from '../store/types.ts';

export const sampleRecordSchema = z.object({
  id: z.string(),
  text: z.string(),
  item: z.string(),
  row: z.number().int(),
  line: z.number().int(),
  offset: z.number().int(),
  bytes: z.number().int(),
});

export const labelRecordSchema = z.object({
  id: z.string(),
  item: z.string(),
  row: z.number().int(),
  bytes: z.number().int(),
  tokens: z.number().int().nonnegative(),
  loss: z.number(),
  smallLoss: z.number().optional(),
});
export type LabelRecord = z.infer<typeof labelRecordSchema>;

export function readSampleFile(store: ObjectStore, uri: string) {
  return iterateJsonlGz(store, uri, sampleRecordSchema);
}

export function readLabelsFile(store: ObjectStore, uri: string) {
  return iterateJsonlGz(store, uri, labelRecordSchema);
}
