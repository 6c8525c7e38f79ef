/**
 * The one middy wrapper every stage Lambda uses: parse the event with the stage's zod schema, log structured JSON
 * through Powertools' logger, call the stage with a store from the environment, and turn any failure into an error
 * whose name Step Functions can match (Retry/Catch) and whose message says what went wrong and where.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { isBadInput, ProxyselError } from '../../lib/errors.ts';
import { intermediateArtifactTags } from '../../lib/run/index.ts';
import { InvalidEventError, invalidEvent, noProgress } from '../../lib/pipeline/index.ts';
import type { Logger, StageContext } from '../../lib/pipeline/index.ts';
import { createStore, s3OptionsFromEnv } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/index.ts';

/** A Lambda event the stage's schema rejects (the local runner throws the same): the message lists every field at fault. */
export { InvalidEventError };

/**
 * A stage's failure as Step Functions sees it: the original error's name (for Retry matching; the Lambda runtime
 * reports it as the error type), a readable message, and the original's `badInput` mark.
 */
export class StageFailedError extends ProxyselError {
  override readonly name: string;
  readonly badInput: boolean;
  constructor(stage: string, cause: unknown) {
    const original = cause instanceof Error ? cause : new Error(String(cause));
    super(`${stage}: ${original.message}`, { cause: original });
    this.name = original.name && original.name !== 'Error' ? original.name : 'StageFailedError';
    this.badInput = isBadInput(original);
  }
}

let sharedStore: ObjectStore | undefined;

/**
 * One store per Lambda container, from AWS_ENDPOINT_URL_S3 and friends (the default chain on AWS). Intermediate
 * artifacts are written with the tag the bucket's lifecycle rule expires.
 */
export function storeFromEnv(): ObjectStore {
  sharedStore ??= createStore({ s3: s3OptionsFromEnv(), tagsFor: intermediateArtifactTags });
  return sharedStore;
}

/** Our Logger interface over a Powertools logger (JSON lines with the request id, cold start and stage). */
export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  return {
    debug: (message, data) => logger.debug(message, { ...data }),
    info: (message, data) => logger.info(message, { ...data }),
    warn: (message, data) => logger.warn(message, { ...data }),
    error: (message, data) => logger.error(message, { ...data }),
  };
}

export interface StageHandlerOptions<R, O> {
  /** Where the stage reads and writes (default: storeFromEnv()). */
  store?: () => ObjectStore;
  /** Adds cloud-only fields to the stage's output (for example S3 bucket/key pairs for an ItemReader). */
  shapeOutput?: (output: R) => O;
}

/** Zod-parses the event in place; a rejected event fails with InvalidEventError naming every bad field. */
function parseEvent<T>(stage: string, schema: z.ZodType<T>): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    name: 'parseEvent',
    before: (request) => {
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) {
        throw invalidEvent(stage, parsed.error);
      }
      request.event = parsed.data;
    },
  };
}

/** Logs the failure once and rethrows it as a StageFailedError (an InvalidEventError passes unchanged). */
function surfaceErrors(stage: string, logger: PowertoolsLogger): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    name: 'surfaceErrors',
    onError: (request) => {
      const error = request.error;
      logger.error(`${stage} failed`, { error: error as Error });
      request.error = error instanceof InvalidEventError ? error : new StageFailedError(stage, error);
      throw request.error;
    },
  };
}

/**
 * A Lambda handler for one stage. The handler holds no logic: it validates, calls `stage`, returns its output.
 * @example export const handler = stageHandler('record-failure', failureEventSchema, recordFailure);
 */
export function stageHandler<T, R, O = R>(
  stage: string,
  schema: z.ZodType<T>,
  run: (input: T, ctx: StageContext) => Promise<R>,
  options: StageHandlerOptions<R, O> = {},
) {
  const logger = new PowertoolsLogger({ serviceName: 'proxysel', persistentKeys: { stage } });
  const log = powertoolsLogger(logger);
  const base = async (event: unknown, context: Context): Promise<O> => {
    if (context?.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
    const ctx: StageContext = { store: (options.store ?? storeFromEnv)(), log, progress: noProgress };
    const output = await run(event as T, ctx);
    return options.shapeOutput ? options.shapeOutput(output) : (output as unknown as O);
  };
  return middy<unknown, O, Error, Context>().use(parseEvent(stage, schema)).use(surfaceErrors(stage, logger)).handler(base);
}
