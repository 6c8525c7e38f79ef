import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ProxyselStack, type ProxyselStackProps } from '../../cdk/stack.ts';

export const TEST_ENV = { account: '123456789012', region: 'us-east-1' } as const;

/** Synthesizes the stack once (real esbuild bundling, layer staging, cdk-nag AwsSolutions) into a temp folder. */
export function synthStack(props: ProxyselStackProps = {}): { stack: ProxyselStack; template: Template; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'proxysel-cdk-'));
  const context = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
  const app = new App({ outdir, context });
  const stack = new ProxyselStack(app, 'Proxysel', { env: TEST_ENV, ...props });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
  return { stack, template: Template.fromJSON(JSON.parse(readFileSync(join(outdir, 'Proxysel.template.json'), 'utf8'))), outdir };
}

type Cfn = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A placeholder ARN for a template resource, shaped by its type (what asl-validator and the local run need). */
export function placeholderArn(logicalId: string, resources: Cfn): string {
  const type = resources[logicalId]?.Type ?? '';
  const acct = `${TEST_ENV.region}:${TEST_ENV.account}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${acct}:function:${logicalId}`;
    case 'AWS::Batch::JobQueue':
      return `arn:aws:batch:${acct}:job-queue/${logicalId}`;
    case 'AWS::Batch::JobDefinition':
      return `arn:aws:batch:${acct}:job-definition/${logicalId}:1`;
    case 'AWS::S3::Bucket':
      return logicalId.toLowerCase();
    default:
      return `arn:aws:${type.split('::')[1]?.toLowerCase() ?? 'unknown'}:${acct}:${logicalId}`;
  }
}

/** Resolves a CloudFormation value (Fn::Join of strings, Ref, Fn::GetAtt) to a string with placeholder ARNs. */
export function resolveCfn(value: unknown, resources: Cfn): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveCfn(p, resources)).join(sep);
  }
  if ('Ref' in v) {
    const ref = v.Ref as string;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return TEST_ENV.region;
    if (ref === 'AWS::AccountId') return TEST_ENV.account;
    return placeholderArn(ref, resources);
  }
  if ('Fn::GetAtt' in v) return placeholderArn((v['Fn::GetAtt'] as string[])[0]!, resources);
  throw new Error(`cannot resolve ${JSON.stringify(value).slice(0, 200)}`);
}

/** The state machine's ASL with every CDK token resolved to a placeholder ARN. */
export function resolvedDefinition(template: Template): Record<string, any> {
  const json = template.toJSON() as { Resources: Cfn };
  const machines = Object.values(json.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  return JSON.parse(resolveCfn(machines[0]!.Properties!.DefinitionString, json.Resources));
}

/** Maps each Lambda's placeholder ARN to its STAGE environment value. */
export function stageOfFunctionArn(template: Template): Map<string, string> {
  const json = template.toJSON() as { Resources: Cfn };
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const stage = ((r.Properties?.Environment as { Variables?: Record<string, string> })?.Variables ?? {}).STAGE;
    if (stage) out.set(placeholderArn(id, json.Resources), stage);
  }
  return out;
}
