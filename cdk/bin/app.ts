/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from context (`-c key=value` or cdk.json):
 *   proxysel:bucketName         use an existing bucket (EventBridge notifications on) instead of creating one
 *   proxysel:kmsKeyArn          encrypt with this KMS key (default SSE-S3)
 *   proxysel:outputPrefix       the only prefix runs may write to (default selections/)
 *   proxysel:readPrefixes       comma-separated readable prefixes of the bucket (default corpora/,models/)
 *   proxysel:externalRead       comma-separated s3://bucket/prefix/ locations in other buckets to read
 *   proxysel:batch              "false" for no Batch GPU reference pass
 *   proxysel:gpuInstanceTypes   comma-separated GPU instance types (default g5.xlarge,g6.xlarge)
 *   proxysel:spot               "true" for Spot GPU capacity
 *   proxysel:maxConcurrency     Distributed Map concurrency (default 1000)
 *   proxysel:scoreItemsPerBatch work items per score invocation (default 4)
 *   proxysel:referenceUrls      comma-separated URL prefixes an openai reference may use (default: none)
 *   proxysel:apiKeyEnvs         comma-separated variables an openai apiKeyEnv may name (default: any non-platform one)
 * Account and region come from CDK_DEFAULT_ACCOUNT/REGION; without credentials synth uses a placeholder env.
 */
import { App, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ProxyselStack, type ProxyselStackProps } from '../stack.ts';

const app = new App();
const ctx = (key: string): string | undefined => {
  const v = app.node.tryGetContext(`proxysel:${key}`) as unknown;
  return v === undefined || v === null || v === '' ? undefined : String(v);
};
const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
const num = (key: string) => {
  const v = ctx(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`context proxysel:${key}: expected a positive integer, got "${v}"`);
  return n;
};

const props: ProxyselStackProps = {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012',
    region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
  },
  bucketName: ctx('bucketName'),
  kmsKeyArn: ctx('kmsKeyArn'),
  outputPrefix: ctx('outputPrefix'),
  readPrefixes: list(ctx('readPrefixes')),
  externalReadLocations: list(ctx('externalRead')),
  referenceBatch:
    ctx('batch') === 'false'
      ? false
      : {
          instanceTypes: list(ctx('gpuInstanceTypes'))?.map((t) => new ec2.InstanceType(t)),
          spot: ctx('spot') === 'true',
        },
  maxConcurrency: num('maxConcurrency'),
  scoreItemsPerBatch: num('scoreItemsPerBatch'),
  referenceUrls: list(ctx('referenceUrls')),
  apiKeyEnvs: list(ctx('apiKeyEnvs')),
};
new ProxyselStack(app, ctx('stackName') ?? 'Proxysel', props);
if (ctx('nag') !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
