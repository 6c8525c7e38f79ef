import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface JobTriggerProps {
  bucket: s3.IBucket;
  /** Prefix under which dropped `.json` specs start runs (default `jobs/`). */
  jobsPrefix?: string;
  stateMachine: sfn.IStateMachine;
  /** The start function (functions/start): derives the execution name from the spec's key and ETag. */
  starter: lambda.IFunction;
}

/**
 * EventBridge rule on S3 "Object Created" for `<jobsPrefix>*.json` in the bucket, targeting the start function, which
 * starts the state machine with an execution name from the spec's key and ETag: a duplicated event never starts a
 * second run (Step Functions refuses a second execution of the same name).
 */
export class JobTrigger extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: JobTriggerProps) {
    super(scope, id);
    const prefix = props.jobsPrefix ?? 'jobs/';
    this.rule = new events.Rule(this, 'SpecCreated', {
      description: `Starts a proxysel run when a job spec lands under ${prefix}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: events.Match.wildcard(`${prefix}*.json`) },
        },
      },
    });
    this.rule.addTarget(new targets.LambdaFunction(props.starter, { retryAttempts: 8 }));
    props.stateMachine.grantStartExecution(props.starter);
  }
}
