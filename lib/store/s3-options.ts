import { z } from 'zod';
import { StoreError } from './errors.ts';
import type { S3Options } from './types.ts';
import { formatZodError } from '../validate/index.ts';

const envSchema = z.object({
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0', '']).optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
});

/**
 * S3 settings from the environment: endpoint from AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL), path-style addressing
 * when AWS_S3_FORCE_PATH_STYLE=true, region from AWS_REGION (else AWS_DEFAULT_REGION), and static credentials only
 * when AWS_ACCESS_KEY_ID is set (otherwise the SDK's default chain applies). Undefined when none of these is set.
 */
export function s3OptionsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Options | undefined {
  const pick = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = envSchema.safeParse(pick);
  if (!parsed.success) {
    throw new StoreError(`environment variable ${formatZodError(parsed.error)}`);
  }
  const e = parsed.data;
  const options: S3Options = {};
  const endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL;
  if (endpoint) options.endpoint = endpoint;
  if (e.AWS_S3_FORCE_PATH_STYLE === 'true' || e.AWS_S3_FORCE_PATH_STYLE === '1') options.forcePathStyle = true;
  const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION;
  if (region) options.region = region;
  if (e.AWS_ACCESS_KEY_ID) {
    if (!e.AWS_SECRET_ACCESS_KEY) throw new StoreError('environment variable AWS_SECRET_ACCESS_KEY: required with AWS_ACCESS_KEY_ID');
    options.credentials = { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY };
    if (e.AWS_SESSION_TOKEN) options.credentials.sessionToken = e.AWS_SESSION_TOKEN;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}
