import { z } from 'zod';
import { TriggerEventError } from './errors.ts';
import type { JobSpecObject } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** The default prefix under which dropped job specs start runs. */
export const JOBS_PREFIX = 'jobs/';

/** The part of an EventBridge "Object Created" event from S3 that the trigger reads. */
export const objectCreatedEventSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), etag: z.string().min(1), size: z.number().optional() }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof objectCreatedEventSchema>;

/** True when `key` is a job spec under `prefix`: a `.json` object, not inside a hidden or marker folder. */
export function isJobSpecKey(key: string, prefix = JOBS_PREFIX): boolean {
  if (!key.startsWith(prefix) || !key.toLowerCase().endsWith('.json')) return false;
  return !key.slice(prefix.length).split('/').some((part) => part.startsWith('.') || part.startsWith('_'));
}

/**
 * The job spec an S3 "Object Created" event names. S3 event keys are URL-encoded (spaces as `+`); they are decoded
 * here. Throws TriggerEventError for an event that is not a job spec under the prefix.
 */
export function jobSpecFromEvent(event: unknown, prefix = JOBS_PREFIX): JobSpecObject {
  const parsed = objectCreatedEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new TriggerEventError(`not an S3 Object Created event: ${formatZodError(parsed.error, { root: '(event)' })}`);
  }
  const { bucket, object } = parsed.data.detail;
  const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
  if (!isJobSpecKey(key, prefix)) throw new TriggerEventError(`s3://${bucket.name}/${key}: not a job spec (expected ${prefix}**.json)`);
  return { uri: `s3://${bucket.name}/${key}`, key, etag: object.etag };
}
