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

/**
 * One line of reference/labels.jsonl.gz: the large model's view of one sample document. `loss` is per token (mean
 * next-token NLL in nats over the scored window); `nll / bytes` is the loss per byte over the same window.
 */
export const labelRecordSchema = z.object({
  id: z.string(),
  item: z.string(),
  row: z.number().int(),
  /** UTF-8 bytes of the text the scored window covered (the whole document unless the reference truncated it). */
  bytes: z.number().int().nonnegative(),
  /** UTF-8 bytes of the whole document (the bytes -> tokens calibration pairs them with `tokens`). */
  docBytes: z.number().int().nonnegative(),
  /** The document's tokens under the reference tokenizer (all of them, also past a truncation). */
  tokens: z.number().int().nonnegative(),
  loss: z.number(),
  /** Summed next-token NLL in nats over the scored window. */
  nll: z.number(),
  /** The small reference's loss per token, summed NLL and scored-window bytes (reducible target). */
  smallLoss: z.number().optional(),
  smallNll: z.number().optional(),
  smallBytes: z.number().int().nonnegative().optional(),
});
export type LabelRecord = z.infer<typeof labelRecordSchema>;

export function readSampleFile(store: ObjectStore, uri: string) {
  return iterateJsonlGz(store, uri, sampleRecordSchema);
}

export function readLabelsFile(store: ObjectStore, uri: string) {
  return iterateJsonlGz(store, uri, labelRecordSchema);
}

/** The unit a loss is in: nats per token of the reference tokenizer, or nats per UTF-8 byte of text. */
export type LossUnit = 'token' | 'byte';

/** The large model's loss of a labelled document in `unit`; NaN when the document has nothing scored. */
export function labelLoss(l: LabelRecord, unit: LossUnit): number {
  if (unit === 'token') return l.tokens > 0 ? l.loss : Number.NaN;
  return l.bytes > 0 ? l.nll / l.bytes : Number.NaN;
}

/** The small reference's loss of a labelled document in `unit`; NaN when there is none. */
export function labelSmallLoss(l: LabelRecord, unit: LossUnit): number {
  if (unit === 'token') return l.smallLoss ?? Number.NaN;
  return l.smallNll !== undefined && l.smallBytes !== undefined && l.smallBytes > 0 ? l.smallNll / l.smallBytes : Number.NaN;
}

/**
 * What the proxy learns from a label: the large model's loss, or the reducible loss (large minus small, both in the
 * same unit), in `unit`. NaN when the label cannot give it.
 */
export function labelTarget(l: LabelRecord, target: 'loss' | 'reducible', unit: LossUnit): number {
  const large = labelLoss(l, unit);
  return target === 'reducible' ? large - labelSmallLoss(l, unit) : large;
}
