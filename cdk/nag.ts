import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { ProxyselStack } from './stack.ts';

/** How cdk-nag prints a resource reference inside a finding id. */
function arnRef(stack: Stack, resource: { node: { defaultChild?: unknown } }, attribute = 'Arn'): string {
  return `<${stack.getLogicalId(resource.node.defaultChild as CfnResource)}.${attribute}>`;
}

function bucketObjects(stack: Stack, bucket: s3.IBucket, prefix: string): string {
  const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (bucket.node.defaultChild) return `${arnRef(stack, bucket)}/${p}*`;
  return `arn:<AWS::Partition>:s3:::${bucket.bucketName}/${p}*`;
}

/**
 * The cdk-nag (AwsSolutions) findings we accept, each with its reason (also listed in docs/cloud.md). Exact finding
 * ids are acknowledged, never whole rules, except L1 (runtime) which applies to every function alike.
 */
export function applyNagSuppressions(stack: ProxyselStack, locations: { reads: { bucket: s3.IBucket; prefix: string }[]; output: { bucket: s3.IBucket; prefix: string } }): void {
  const ack = (id: string, reason: string) => Validations.of(stack).acknowledge({ id, reason });
  const region = stack.region;
  const account = stack.account;

  for (const loc of [...locations.reads, locations.output]) {
    ack(
      `AwsSolutions-IAM5[Resource::${bucketObjects(stack, loc.bucket, loc.prefix)}]`,
      'Object-level access limited to one key prefix (least privilege: the corpus/model/jobs prefixes read, the output prefix written); S3 object ARNs need a wildcard under a prefix.',
    );
  }
  const jobs = locations.reads[0]!;
  ack(
    `AwsSolutions-IAM5[Resource::${bucketObjects(stack, jobs.bucket, jobs.prefix).replace(/\*$/, '*.FAILED')}]`,
    'RecordFailure writes <spec>.FAILED beside a spec that failed before its plan: PutObject on <jobs>/*.FAILED only.',
  );
  for (const fn of Object.values(stack.functions.functions)) {
    ack(
      `AwsSolutions-IAM5[Resource::${arnRef(stack, fn)}:*]`,
      'Step Functions LambdaInvoke grants invoke on the function and its versions/aliases (ARN:*); the functions are ours.',
    );
  }
  ack(
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:${region}:${account}:job-definition/*]`,
    'BatchSubmitJob (submitJob.sync) is granted on job definitions by name with any revision, as the CDK task does; the queue is ours.',
  );
  const sm = stack.getLogicalId(stack.workflow.stateMachine.node.defaultChild as CfnResource);
  const executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${sm}"}]}]}`;
  for (const suffix of [':*', '/*:*']) {
    ack(
      `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
      "Distributed Map runs child executions of this state machine only; their ARNs are not known before they start.",
    );
  }
  Validations.of(stack.workflow.stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'CloudWatch Logs delivery and X-Ray APIs the state machine needs have no resource-level permissions (no S3 action is granted on *).',
  });
  const executionRole = stack.referenceBatch?.jobDefinition.container.executionRole;
  if (executionRole) {
    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The Batch execution role pulls the reference-job image: ecr:GetAuthorizationToken has no resource-level permissions (the image pull itself is scoped to the asset repository).',
    });
  }
  ack(
    'AwsSolutions-SF1',
    'The workflow logs ERROR events only: a Distributed Map over thousands of items would log millions of events at ALL; per-item results go to the Map Run ResultWriter files.',
  );
  ack('AwsSolutions-L1', 'Node.js 22 is the runtime the project (onnxruntime-node 1.30, Node >= 22) is built and tested for.');
  ack(
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "CDK's own BucketNotifications custom resource (turns EventBridge notifications on) uses the basic execution role.",
  );
  ack(
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
    'The AWS-managed ECS instance role is what Batch managed EC2 compute environments require for GPU container hosts.',
  );
}
