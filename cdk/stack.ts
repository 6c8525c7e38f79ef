import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ALLOW_LIST_ENV, SANDBOX_ENV } from '../lib/job/index.ts';
import { grantFailureRecords, grantPrefixRead, grantPrefixReadWrite, type S3Location } from './access.ts';
import { Buckets } from './buckets.ts';
import { StageFunctions, type FunctionSize, type LambdaStage } from './functions.ts';
import { ReferenceBatch } from './reference-batch.ts';
import { ScorerLayer } from './scorer-layer.ts';
import { SelectionStateMachine } from './state-machine.ts';
import { JobTrigger } from './trigger.ts';
import { applyNagSuppressions } from './nag.ts';
import type * as ecs from 'aws-cdk-lib/aws-ecs';

export interface ProxyselStackProps extends StackProps {
  /** Use this existing bucket (EventBridge notifications must be on) instead of creating one. */
  bucketName?: string;
  /** ARN of a KMS key for the bucket (default SSE-S3). */
  kmsKeyArn?: string;
  /** Where job specs are dropped (default `jobs/`). */
  jobsPrefix?: string;
  /** The only prefix runs may write to (default `selections/`): job specs' `output` must lie under it. */
  outputPrefix?: string;
  /** Prefixes of the bucket the stages may read (corpora, models; default `corpora/`, `models/`). */
  readPrefixes?: string[];
  /** Further read-only locations in other buckets, as `s3://bucket/prefix/`. */
  externalReadLocations?: string[];
  /** Batch GPU reference pass settings, or false for no Batch (every reference kind then runs in a Lambda). */
  referenceBatch?: false | { instanceTypes?: ec2.InstanceType[]; spot?: boolean; maxvCpus?: number; image?: ecs.ContainerImage; vpc?: ec2.IVpc };
  maxConcurrency?: number;
  scoreMaxConcurrency?: number;
  scoreItemsPerBatch?: number;
  sizes?: Partial<Record<LambdaStage, Partial<FunctionSize>>>;
  intermediateExpiryDays?: number;
  /** Project root holding functions/ (default: the current directory). */
  projectRoot?: string;
  /**
   * URL prefixes an openai reference may point to (`https://vllm.internal:8000/v1`); none by default, so a spec
   * dropped under jobs/ cannot send sampled text and a key to a server of its author's choosing (docs/cloud.md).
   */
  referenceUrls?: string[];
  /** Environment variables an openai reference's `apiKeyEnv` may name (default: any that is not the platform's). */
  apiKeyEnvs?: string[];
}

function parseS3Location(scope: Construct, id: string, uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`externalReadLocations: "${uri}" is not s3://bucket/prefix/`);
  return { bucket: s3.Bucket.fromBucketName(scope, id, m[1]!), prefix: m[2]! };
}

/** The proxysel cloud: bucket, trigger, state machine, stage Lambdas, scorer layer, and the Batch GPU reference pass. */
export class ProxyselStack extends Stack {
  readonly buckets: Buckets;
  readonly functions: StageFunctions;
  readonly workflow: SelectionStateMachine;
  readonly trigger: JobTrigger;
  readonly referenceBatch?: ReferenceBatch;
  /** What the stages may read and the one prefix they may write. */
  readonly locations: { reads: S3Location[]; output: S3Location };

  constructor(scope: Construct, id: string, props: ProxyselStackProps = {}) {
    super(scope, id, props);
    const key = props.kmsKeyArn ? kms.Key.fromKeyArn(this, 'Key', props.kmsKeyArn) : undefined;
    this.buckets = new Buckets(this, 'Buckets', {
      existingBucketName: props.bucketName,
      encryptionKey: key,
      intermediateExpiryDays: props.intermediateExpiryDays,
    });
    const bucket = this.buckets.data;
    const jobsPrefix = props.jobsPrefix ?? 'jobs/';
    const output: S3Location = { bucket, prefix: props.outputPrefix ?? 'selections/' };
    const reads: S3Location[] = [
      { bucket, prefix: jobsPrefix },
      ...(props.readPrefixes ?? ['corpora/', 'models/']).map((prefix) => ({ bucket, prefix })),
      ...(props.externalReadLocations ?? []).map((uri, i) => parseS3Location(this, `ExternalRead${i}`, uri)),
    ];

    this.locations = { reads, output };
    // The operator's allow-lists, read by plan, the reference Lambda and the Batch job (lib/job/secrets.ts).
    const allowLists: Record<string, string> = {
      [ALLOW_LIST_ENV.referenceUrls]: (props.referenceUrls ?? []).join(','),
      ...(props.apiKeyEnvs ? { [ALLOW_LIST_ENV.apiKeyEnvs]: props.apiKeyEnvs.join(',') } : {}),
      // The locations a spec may name, checked by the plan before any work (lib/job/sandbox.ts): IAM would refuse the
      // rest anyway, but a local path of the function (its code, /tmp, /proc) is no S3 object and IAM does not see it.
      [SANDBOX_ENV.readPrefixes]: reads.map((r) => `s3://${r.bucket.bucketName}/${r.prefix}`).join(','),
      [SANDBOX_ENV.outputPrefix]: `s3://${output.bucket.bucketName}/${output.prefix}`,
    };
    const layer = new ScorerLayer(this, 'ScorerLayer', { resolveFrom: props.projectRoot });
    this.functions = new StageFunctions(this, 'Stages', {
      scorerLayer: layer.layer,
      architecture: layer.architecture,
      sizes: props.sizes,
      projectRoot: props.projectRoot,
      environment: allowLists,
    });
    for (const fn of Object.values(this.functions.functions)) {
      for (const r of reads) grantPrefixRead(fn, r, key);
      grantPrefixReadWrite(fn, output, key);
    }
    // A run that fails before its plan knows the output records `<spec>.FAILED` beside the spec: RecordFailure may put
    // exactly those objects under the jobs prefix, and nothing else there.
    grantFailureRecords(this.functions.functions['record-failure'], { bucket, prefix: jobsPrefix }, key);

    if (props.referenceBatch !== false) {
      const b = props.referenceBatch ?? {};
      this.referenceBatch = new ReferenceBatch(this, 'ReferenceBatch', { ...b, projectRoot: props.projectRoot, environment: allowLists });
      for (const r of reads) grantPrefixRead(this.referenceBatch.jobRole, r, key);
      grantPrefixReadWrite(this.referenceBatch.jobRole, output, key);
    }

    this.workflow = new SelectionStateMachine(this, 'Workflow', {
      functions: this.functions.functions,
      referenceBatch: this.referenceBatch,
      maxConcurrency: props.maxConcurrency,
      scoreMaxConcurrency: props.scoreMaxConcurrency,
      scoreItemsPerBatch: props.scoreItemsPerBatch,
    });
    // The Distributed Maps read plan/items.json and write their Map Run results inside the output prefix.
    grantPrefixReadWrite(this.workflow.stateMachine, output, key);

    const starter = this.functions.create('start', { memoryMB: 256, timeoutSeconds: 30 }, {
      STATE_MACHINE_ARN: this.workflow.stateMachine.stateMachineArn,
      JOBS_PREFIX: jobsPrefix,
    });
    this.trigger = new JobTrigger(this, 'Trigger', { bucket, jobsPrefix, stateMachine: this.workflow.stateMachine, starter });

    // What `cdk deploy` prints: where to drop a job, what to watch, where results land.
    new CfnOutput(this, 'Bucket', { value: bucket.bucketName, description: 'The data bucket: corpora and models under the read prefixes, jobs, results' });
    new CfnOutput(this, 'JobsLocation', { value: `s3://${bucket.bucketName}/${jobsPrefix}`, description: 'Drop a job spec (JSON) here to start a run' });
    new CfnOutput(this, 'ReadLocations', { value: reads.map((r) => `s3://${r.bucket.bucketName}/${r.prefix}`).join(' '), description: 'What runs may read: a spec\'s corpus.uri and models lie under one of these' });
    new CfnOutput(this, 'OutputLocation', {
      value: `s3://${bucket.bucketName}/${output.prefix}`,
      description: "A spec's output lies under this prefix; each run writes manifest.json, report.html, selected/, attributes/ and _SUCCESS (or _FAILED) there",
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn, description: 'The selection workflow: aws stepfunctions list-executions --state-machine-arn <this>' });
    applyNagSuppressions(this, this.locations);
  }
}
