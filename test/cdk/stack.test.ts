import { createRequire } from 'node:module';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProxyselStack } from '../../cdk/stack.ts';
import { PIPELINE_ERROR_NAMES } from '../../lib/pipeline/errors.ts';
import { SEMI_SPACE_FLAG } from '../../lib/heap.ts';
import { inputFields, phases, stageNames, stages, stateName, type StageName } from '../../lib/pipeline/stages.ts';
import { resolvedDefinition, stageOfFunctionArn, synthStack } from './synth.ts';

const validateAsl = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
) => { isValid: boolean; errorsText: (sep?: string) => string };

let template: Template;
let stack: ProxyselStack;
let asl: Record<string, any>;

beforeAll(() => {
  // One synth for the whole file: real esbuild bundle, layer staging and the cdk-nag AwsSolutions pack (synth throws
  // on any unacknowledged finding).
  ({ template, stack } = synthStack());
  asl = resolvedDefinition(template);
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
function statements(): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('the synthesized stack', () => {
  it('passes cdk-nag AwsSolutions with only acknowledged, reasoned findings', () => {
    // synth above would have thrown ValidationFailed otherwise; the acknowledgments carry their reasons
    const acks = stack.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
    const reasons = acks.flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(5);
    for (const r of reasons) expect(String(r).length).toBeGreaterThan(30);
  });

  it('has eight Distributed Maps reading their item lists through an ItemReader and writing results with ResultWriter', () => {
    const maps = Object.entries(asl.States).filter(([, s]: [string, any]) => s.Type === 'Map');
    expect(maps.map(([n]) => n).sort()).toEqual(['CountMap', 'DedupGatherMap', 'DedupMap', 'DedupMergeMap', 'DedupRemovalsMap', 'SampleMap', 'ScoreMap', 'SelectMap']);
    for (const [, m] of maps as [string, any][]) {
      expect(m.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
      expect(m.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
      expect(m.ItemReader.ReaderConfig.InputType).toBe('JSON');
      // The dedup maps read the plan's group, merged group and partition lists (plan/dedup-groups.json,
      // plan/dedup-merges.json: the shuffle's top level, plan/dedup-partitions.json); the others the work items.
      const byMerge = m === asl.States.DedupMergeMap || m === asl.States.DedupRemovalsMap;
      const key =
        m === asl.States.DedupMap ? '$.run.dedupPartitionsKey' : m === asl.States.DedupGatherMap ? '$.run.dedupGroupsKey' : byMerge ? '$.run.dedupMergesKey' : '$.run.itemsKey';
      expect(m.ItemReader.Parameters).toEqual({ 'Bucket.$': '$.run.itemsBucket', 'Key.$': key });
      expect(m.ResultWriter.Resource).toBe('arn:aws:states:::s3:putObject');
      expect(m.ResultWriter.Parameters['Prefix.$']).toBe('$.run.resultsPrefix');
      // no silent loss: no tolerated failures (CDK omits the field at 0, which is also the service default)
      expect(m.ToleratedFailurePercentage ?? 0).toBe(0);
      expect(m.ToleratedFailureCount ?? 0).toBe(0);
      expect(m.Catch[0].Next).toBe('RecordFailure');
    }
    // CDK does not render JsonPath tokens in batchInput, so the state machine writes 'plan.$' itself
    expect(asl.States.ScoreMap.ItemBatcher).toEqual({ MaxItemsPerBatch: 4, BatchInput: { 'plan.$': '$.run.plan' } });
    expect(asl.States.SampleMap.ItemSelector).toEqual({ 'plan.$': '$.run.plan', 'item.$': '$$.Map.Item.Value' });
    expect(asl.States.DedupMap.ItemSelector).toEqual({ 'plan.$': '$.run.plan', 'partition.$': '$$.Map.Item.Value.partition' });
    expect(asl.States.DedupGatherMap.ItemSelector).toEqual({ 'plan.$': '$.run.plan', 'group.$': '$$.Map.Item.Value.group' });
    expect(asl.States.DedupMergeMap.ItemSelector).toEqual({ 'plan.$': '$.run.plan', 'merge.$': '$$.Map.Item.Value.merge' });
    expect(asl.States.DedupRemovalsMap.ItemSelector).toEqual({ 'plan.$': '$.run.plan', 'merge.$': '$$.Map.Item.Value.merge' });
    // Without partitions (dedup "none") the choice goes straight to Reduce; with them, gather, the merge when the plan
    // merges group files (else straight to the partitions), the partitions, the removal lists by merged group, then
    // the clusters' summary.
    expect(asl.States.DedupKind.Choices[0].Next).toBe('DedupGatherMap');
    expect(asl.States.DedupGatherMap.Next).toBe('DedupMerging');
    expect(asl.States.DedupMerging.Choices).toEqual([{ Variable: '$.run.dedupMergeGroups', NumericGreaterThan: 1, Next: 'DedupMergeMap' }]);
    expect(asl.States.DedupMerging.Default).toBe('DedupMap');
    expect(asl.States.DedupMergeMap.Next).toBe('DedupMap');
    expect(asl.States.DedupMap.Next).toBe('DedupRemovalsMap');
    expect(asl.States.DedupRemovalsMap.Next).toBe('DedupClusters');
    expect(asl.States.DedupKind.Default).toBe('Reduce');
    expect(asl.States.DedupClusters.Next).toBe('Reduce');
  });

  it('counts the boundary region after Reduce, and loops back to the count while Settle has not settled the cut', () => {
    expect(asl.States.Reduce.Next).toBe('CountMap');
    expect(asl.States.CountMap.Next).toBe('Settle');
    expect(asl.States.Settle.ResultPath).toBe('$.settle');
    expect(asl.States.Settle.Next).toBe('Settled');
    const choice = asl.States.Settled;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([{ Variable: '$.settle.settled', BooleanEquals: false, Next: 'CountMap' }]);
    expect(choice.Default).toBe('SelectMap');
    expect(asl.States.SelectMap.Next).toBe('Finalize');
  });

  it('routes the reference pass to a Batch GPU array job, a single Batch job, or a Lambda', () => {
    const choice = asl.States.ReferenceKind;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices.map((c: any) => c.Next)).toEqual(['ReferenceBatchArray', 'ReferenceBatchJob']);
    expect(choice.Default).toBe('ReferenceLambda');
    const array = asl.States.ReferenceBatchArray;
    expect(array.Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect(array.Parameters['ArrayProperties']).toEqual({ 'Size.$': '$.run.referenceSlices' });
    expect(asl.States.ReferenceBatchJob.Parameters.ArrayProperties).toBeUndefined();
  });

  it('defines a GPU Batch job definition, a managed EC2 compute environment of GPU instances, and a queue', () => {
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: Match.objectLike({ ResourceRequirements: Match.arrayWith([{ Type: 'GPU', Value: '1' }]) }),
    });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({ InstanceTypes: ['g5.xlarge', 'g6.xlarge'], Type: 'EC2' }),
    });
    template.resourceCountIs('AWS::Batch::JobQueue', 1);
  });

  it('starts runs from an EventBridge rule on Object Created under jobs/*.json', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [Match.anyValue()] }, object: { key: [{ wildcard: 'jobs/*.json' }] } },
      },
    });
  });

  it('encrypts the bucket, blocks public access, denies non-TLS requests and expires only intermediate artifacts', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'expire-intermediate-artifacts', TagFilters: [{ Key: 'proxysel:artifact', Value: 'intermediate' }] }),
        ]),
      },
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const b of Object.values(buckets) as any[]) {
      for (const rule of b.Properties.LifecycleConfiguration?.Rules ?? []) expect(rule.Prefix ?? '').toBe('');
    }
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as any[];
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('grants S3 only on prefixes: no statement allows an S3 action on *', () => {
    const s3Statements = statements().filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Statements.length).toBeGreaterThan(10);
    for (const s of s3Statements) {
      for (const r of [s.Resource].flat()) expect(r).not.toBe('*');
      expect(JSON.stringify(s.Resource)).not.toMatch(/"\/\*"\]|:::\*/);
    }
    const writes = s3Statements.filter((s) => [s.Action].flat().includes('s3:PutObject'));
    for (const s of writes) expect(JSON.stringify(s.Resource)).toMatch(/\/selections\/\*"|\/jobs\/\*\.FAILED"/);
  });

  it('lets RecordFailure alone put <spec>.FAILED under jobs/, and nothing else new there', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const onJobs = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[])
        .filter((s) => [s.Action].flat().some((a) => /^s3:(Put|Delete|Abort)/.test(a)) && JSON.stringify(s.Resource).includes('/jobs/'))
        .map((s) => ({ roles: JSON.stringify(p.Properties.Roles), statement: s })),
    );
    expect(onJobs).toHaveLength(1);
    expect(onJobs[0]!.statement.Action).toBe('s3:PutObject');
    expect(JSON.stringify(onJobs[0]!.statement.Resource)).toMatch(/\/jobs\/\*\.FAILED"\]/);
    expect(onJobs[0]!.roles).toMatch(/RecordFailureRole/);
    expect(onJobs[0]!.roles.match(/Role[0-9A-F]{8}/g)).toHaveLength(1);
  });

  it('gives every stage and the Batch job the operator\'s reference URL allow-list (empty by default: no openai reference)', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const stageFns = fns.filter((f) => f.Properties.Environment?.Variables?.STAGE && f.Properties.Environment.Variables.STAGE !== 'start');
    for (const f of stageFns) expect(f.Properties.Environment.Variables.PROXYSEL_REFERENCE_URLS).toBe('');
    const jobs = Object.values(template.findResources('AWS::Batch::JobDefinition')) as any[];
    expect(JSON.stringify(jobs[0].Properties.ContainerProperties.Environment)).toContain('PROXYSEL_REFERENCE_URLS');
  });

  it('runs every stage on Node 22 x86_64 from one bundle, with the slim onnxruntime layer', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const names = fns.map((f) => f.Properties.Environment?.Variables?.STAGE).filter(Boolean);
    expect(names.sort()).toEqual([...stageNames, 'record-failure', 'start'].sort());
    expect(stageNames).toEqual(
      ['plan', 'sample', 'merge-sample', 'reference', 'merge-labels', 'fit', 'score', 'dedup-gather', 'dedup-merge', 'dedup', 'dedup-removals', 'dedup-clusters', 'reduce', 'count', 'settle', 'select', 'finalize', 'report'],
    );
    const stageFns = fns.filter((f) => f.Properties.Environment?.Variables?.STAGE);
    expect(new Set(stageFns.map((f) => f.Properties.Code.S3Key)).size).toBe(1);
    for (const f of stageFns) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['x86_64']);
      expect(f.Properties.Layers).toHaveLength(1);
      // The stages' young generation, as the local runner's worker threads have it.
      expect(f.Properties.Environment.Variables.NODE_OPTIONS.split(' ')).toContain(SEMI_SPACE_FLAG);
    }
  });

  it('retries only transient errors: no Retry matches States.ALL or one of the pipeline\'s named (permanent) errors', () => {
    const retriers = Object.values(asl.States).flatMap((s: any) => [
      ...(s.Retry ?? []),
      ...Object.values(s.ItemProcessor?.States ?? s.Iterator?.States ?? {}).flatMap((inner: any) => inner.Retry ?? []),
    ]) as { ErrorEquals: string[] }[];
    expect(retriers.length).toBeGreaterThan(5);
    for (const r of retriers) {
      expect(r.ErrorEquals).not.toContain('States.ALL');
      for (const name of PIPELINE_ERROR_NAMES) expect(r.ErrorEquals).not.toContain(name);
    }
    const caught = Object.values(asl.States).filter((s: any) => (s.Catch ?? []).length > 0);
    expect(caught.length).toBeGreaterThan(5);
  });

  it("names each stage's Task after the registry and passes it only its input schema's fields, every required one", () => {
    const stageOf = stageOfFunctionArn(template);
    const tasks: [string, any][] = [];
    const walk = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task' && stageOf.has(state.Resource)) tasks.push([name, state]);
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
      }
    };
    walk(asl.States);
    const seen = new Set<string>();
    for (const [name, state] of tasks) {
      const stage = stageOf.get(state.Resource)!;
      if (!(stage in stages)) continue; // record-failure: not a pipeline stage
      seen.add(stage);
      expect(name.startsWith(stateName(stage)), `${name} runs ${stage}`).toBe(true);
      const fields = inputFields(stage as StageName);
      const sent = Object.keys(state.Parameters ?? {}).map((k) => k.replace(/\.\$$/, ''));
      for (const key of sent) expect(fields, `${name} sends ${key}`).toContain(key);
      const shape = stages[stage as StageName].input.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      const required = fields.filter((f) => !shape[f]!.safeParse(undefined).success);
      for (const key of required) expect(sent, `${name} lacks ${key}`).toContain(key);
    }
    expect([...seen].sort()).toEqual([...stageNames].sort());
  });

  it('produces a definition asl-validator accepts once tokens are placeholder ARNs', () => {
    const result = validateAsl(asl);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });
  it("runs the stages in the registry's order: plan, then every phase's stages (lib/pipeline/stages.ts phases), with a Choice around each conditional phase and a loop for the settle phase", () => {
    const stageOf = stageOfFunctionArn(template);
    /** The stage a top-level state runs: its Lambda, its Map's Lambda, or the reference Batch job. */
    const stageOfState = (state: any): string | undefined => {
      if (state.Type === 'Map') return stageOfState(state.ItemProcessor.States[state.ItemProcessor.StartAt]);
      if (state.Type === 'Task' && stageOf.has(state.Resource)) return stageOf.get(state.Resource);
      if (state.Type === 'Task' && String(state.Resource).includes(':batch:')) return 'reference';
      return undefined;
    };
    /** Next states, Catch excluded (the failure path). */
    const next = (name: string): string[] => {
      const s = asl.States[name];
      return [s.Next, ...(s.Choices ?? []).map((c: any) => c.Next), s.Default].filter((n): n is string => typeof n === 'string');
    };
    // The longest simple path from StartAt, counted in stage states: it takes every optional phase and leaves each loop.
    const longest = (name: string, seen: Set<string>): string[] => {
      const own = stageOfState(asl.States[name]);
      let best: string[] = [];
      for (const n of next(name)) {
        if (seen.has(n)) continue;
        const path = longest(n, new Set([...seen, n]));
        if (path.length > best.length) best = path;
      }
      return own ? [own, ...best] : best;
    };
    const order = longest(asl.StartAt, new Set([asl.StartAt]));
    expect(order).toEqual(['plan', ...phases.flatMap((p) => p.stages)]);

    const firstState = (stage: StageName) => Object.keys(asl.States).find((n) => stageOfState(asl.States[n]) === stage)!;
    for (const [i, phase] of phases.entries()) {
      const first = firstState(phase.stages[0]!);
      if (phase.when) {
        // A Choice leads into the phase, and its Default skips to the next phase's first state.
        const choice = Object.entries(asl.States).find(([, s]: [string, any]) => s.Type === 'Choice' && (s.Choices ?? []).some((c: any) => c.Next === first));
        expect(choice, phase.name).toBeDefined();
        expect((choice![1] as any).Default, phase.name).toBe(firstState(phases[i + 1]!.stages[0]!));
      }
      if (phase.repeat === 'until-settled') {
        // After the phase's last stage a Choice goes back to its first state.
        const last = firstState(phase.stages.at(-1)!);
        const loops = next(last).flatMap((n) => (asl.States[n].Type === 'Choice' ? next(n) : [n]));
        expect(loops, phase.name).toContain(first);
      }
    }
  });
});

describe('the stack outputs', () => {
  it('name the bucket, where to drop jobs, where results land and the state machine (printed by cdk deploy)', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['Bucket', 'JobsLocation', 'ReadLocations', 'OutputLocation', 'StateMachineArn']));
    expect(JSON.stringify(outputs.JobsLocation!.Value)).toContain('jobs/');
    expect(JSON.stringify(outputs.OutputLocation!.Value)).toContain('selections/');
    expect(outputs.OutputLocation!.Description).toMatch(/report\.html/);
    expect(JSON.stringify(outputs.StateMachineArn!.Value)).toMatch(/Ref/);
  });
});
