import { Duration } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CLOUD_DEFAULTS } from '../lib/job/index.ts';
import { stages, stateName, type StageName } from '../lib/pipeline/stages.ts';
import type { LambdaStage } from './functions.ts';
import { REFERENCE_JOB_ENV } from './reference-batch.ts';

/** Errors worth a retry with backoff: Lambda service hiccups, throttling, S3 503s and network timeouts. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'TimeoutError',
] as const;

/**
 * A ResultWriterV2 whose bucket comes from the state (the job's output bucket) but whose permissions the stack grants
 * itself, on the output prefix only: the stock one grants s3:PutObject on every bucket (`*`) when the bucket is a path.
 */
class PrefixScopedResultWriter extends sfn.ResultWriterV2 {
  override providePolicyStatements() {
    return [];
  }
}

/** Source and detail type of the event published when a run finishes. */
export const COMPLETION_EVENT = { source: 'proxysel', detailType: 'SelectionCompleted' } as const;

export interface SelectionStateMachineProps {
  functions: Record<LambdaStage, lambda.IFunction>;
  /** The Batch reference pass; without it every reference kind runs in the reference Lambda. */
  referenceBatch?: { jobQueue: batch.IJobQueue; jobDefinition: batch.IJobDefinition };
  /** Bus for SelectionCompleted (default: the account's default bus). */
  eventBus?: events.IEventBus;
  /** Concurrent children of each Distributed Map (default 1000; the score map uses scoreMaxConcurrency). */
  maxConcurrency?: number;
  /** Concurrent score batches (default maxConcurrency). */
  scoreMaxConcurrency?: number;
  /** Work items per score invocation (ItemBatcher, default 4). */
  scoreItemsPerBatch?: number;
  /** Percentage of failed items a map tolerates (default 0: no silent loss). */
  toleratedFailurePercentage?: number;
  /** Whole-run timeout (default 24 hours). */
  timeout?: Duration;
}

/**
 * The selection workflow: Plan -> SampleMap -> MergeSample -> reference (Batch GPU array job, Batch single job, or
 * Lambda) -> MergeLabels -> Fit -> ScoreMap -> Reduce -> CountMap -> Settle (-> CountMap again while not settled) ->
 * SelectMap -> Finalize -> Report -> SelectionCompleted. The Distributed
 * Maps read plan/items.json with an ItemReader and write their Map Run results under plan/map-results/. Every state
 * retries transient errors with backoff, and a failure anywhere records `_FAILED` with the cause, then fails the run.
 */
export class SelectionStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: SelectionStateMachineProps) {
    super(scope, id);
    const fns = props.functions;
    const concurrency = props.maxConcurrency ?? CLOUD_DEFAULTS.maxConcurrency;
    const tolerated = props.toleratedFailurePercentage ?? 0;
    const planPath = sfn.JsonPath.stringAt('$.run.plan');

    const recordFailure = new tasks.LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: fns['record-failure'],
      payload: sfn.TaskInput.fromObject({
        specUri: sfn.JsonPath.stringAt('$.specUri'),
        run: sfn.JsonPath.objectAt('$.run'),
        error: sfn.JsonPath.objectAt('$.error'),
        execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
      }),
      payloadResponseOnly: true,
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordFailure.addRetry({ errors: [...TRANSIENT_ERRORS], interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 2 });
    const failed = recordFailure.next(new sfn.Fail(this, 'Failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }));

    const withPolicy = <T extends sfn.TaskStateBase | sfn.DistributedMap>(state: T, retry = true): T => {
      if (retry) state.addRetry({ errors: [...TRANSIENT_ERRORS], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
      state.addCatch(failed, { resultPath: '$.error' });
      return state;
    };
    /**
     * The payload of a stage's Task, by its fan-out kind: the shape the local runner's `unitInputs` gives, from where
     * the state holds it (the run for single stages, the map's item or batch for fan-outs).
     */
    const payloadOf = (stage: StageName): Record<string, unknown> => {
      switch (stages[stage].fanOut) {
        case 'single':
          // plan takes the output's run lock for this execution, report removes it (lib/run/run-lock.ts).
          if (stage === 'plan') return { specUri: sfn.JsonPath.stringAt('$.specUri'), execution: sfn.JsonPath.stringAt('$$.Execution.Name') };
          if (stage === 'report') return { plan: planPath, execution: sfn.JsonPath.stringAt('$$.Execution.Name') };
          return { plan: planPath };
        case 'per-item':
          return { plan: sfn.JsonPath.stringAt('$.plan'), item: sfn.JsonPath.objectAt('$.item') };
        case 'per-item-batch':
          return { plan: sfn.JsonPath.stringAt('$.BatchInput.plan'), items: sfn.JsonPath.listAt('$.Items') };
        case 'per-slice':
          // The Lambda variant labels the whole sample as one slice; the Batch array job runs one child per slice.
          return { plan: planPath, index: 0, count: 1 };
        case 'per-group':
          return { plan: sfn.JsonPath.stringAt('$.plan'), group: sfn.JsonPath.numberAt('$.group') };
        case 'per-merge':
          return { plan: sfn.JsonPath.stringAt('$.plan'), merge: sfn.JsonPath.numberAt('$.merge') };
        case 'per-partition':
          return { plan: sfn.JsonPath.stringAt('$.plan'), partition: sfn.JsonPath.numberAt('$.partition') };
      }
    };
    /** The Task of a stage, named by the registry (`merge-sample` -> `MergeSample`, plus `suffix`). */
    const invoke = (stage: StageName, resultPath: string = sfn.JsonPath.DISCARD, suffix = '') =>
      new tasks.LambdaInvoke(this, `${stateName(stage)}${suffix}`, {
        lambdaFunction: fns[stage],
        payload: sfn.TaskInput.fromObject(payloadOf(stage)),
        payloadResponseOnly: true,
        resultPath,
      });
    /** The Task inside a Distributed Map: the child's output is its result; transient errors retried per child. */
    const child = (stage: StageName) => {
      const task = invoke(stage, '$');
      task.addRetry({ errors: [...TRANSIENT_ERRORS], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
      return task;
    };
    /** The Distributed Map of a fan-out stage (`<State>Map`), running `child(stage)` per item or batch. */
    const itemsMap = (stage: StageName, options: { concurrency: number; batch?: number; keyPath?: string; itemSelector?: Record<string, unknown> }) => {
      const map = new sfn.DistributedMap(this, `${stateName(stage)}Map`, {
        itemReader: new sfn.S3JsonItemReader({
          bucketNamePath: sfn.JsonPath.stringAt('$.run.itemsBucket'),
          key: sfn.JsonPath.stringAt(options.keyPath ?? '$.run.itemsKey'),
        }),
        ...(options.batch
          ? { itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: options.batch, batchInput: { 'plan.$': '$.run.plan' } }) }
          : { itemSelector: options.itemSelector ?? { plan: planPath, item: sfn.JsonPath.stringAt('$$.Map.Item.Value') } }),
        maxConcurrency: options.concurrency,
        toleratedFailurePercentage: tolerated,
        mapExecutionType: sfn.StateMachineType.STANDARD,
        resultWriterV2: new PrefixScopedResultWriter({
          bucketNamePath: sfn.JsonPath.stringAt('$.run.itemsBucket'),
          prefix: sfn.JsonPath.stringAt('$.run.resultsPrefix'),
        }),
        resultPath: sfn.JsonPath.DISCARD,
      });
      map.itemProcessor(child(stage));
      return withPolicy(map, false);
    };

    const init = new sfn.Pass(this, 'Init', {
      comment: 'Keeps only the spec URI and an empty run, so the failure path can always read $.run',
      parameters: { specUri: sfn.JsonPath.stringAt('$.specUri'), run: {} },
    });
    const plan = withPolicy(invoke('plan', '$.run'));

    const sampleMap = itemsMap('sample', { concurrency });
    const mergeSample = withPolicy(invoke('merge-sample'));

    const mergeLabels = withPolicy(invoke('merge-labels'));
    const referenceLambda = withPolicy(invoke('reference', sfn.JsonPath.DISCARD, 'Lambda'));
    referenceLambda.next(mergeLabels);
    const choice = new sfn.Choice(this, 'ReferenceKind', { comment: 'GPU references run on Batch; ngram and openai in a Lambda' });
    if (props.referenceBatch) {
      const submit = (id: string, arraySize: number | undefined) =>
        withPolicy(
          new tasks.BatchSubmitJob(this, id, {
            jobName: 'proxysel-reference',
            jobQueueArn: props.referenceBatch!.jobQueue.jobQueueArn,
            jobDefinitionArn: props.referenceBatch!.jobDefinition.jobDefinitionArn,
            arraySize,
            containerOverrides: {
              environment: {
                [REFERENCE_JOB_ENV.plan]: planPath,
                [REFERENCE_JOB_ENV.slices]: sfn.JsonPath.format('{}', sfn.JsonPath.stringAt('$.run.referenceSlices')),
              },
            },
            integrationPattern: sfn.IntegrationPattern.RUN_JOB,
            resultPath: sfn.JsonPath.DISCARD,
          }),
          false,
        ).next(mergeLabels);
      choice
        .when(sfn.Condition.numberGreaterThan('$.run.referenceSlices', 1), submit('ReferenceBatchArray', sfn.JsonPath.numberAt('$.run.referenceSlices')))
        .when(sfn.Condition.stringEquals('$.run.referenceKind', 'onnx'), submit('ReferenceBatchJob', undefined));
    }
    choice.otherwise(referenceLambda);

    const fit = withPolicy(invoke('fit'));
    const scoreMap = itemsMap('score', { concurrency: props.scoreMaxConcurrency ?? concurrency, batch: props.scoreItemsPerBatch ?? CLOUD_DEFAULTS.scoreItemsPerBatch });
    // Dedup: one child per gather group of items (plan/dedup-groups.json: band files laid out again by partition), one
    // per merged group of consecutive group files when the plan merges them (plan/dedup-merges.json; skipped when
    // dedupMergeGroups is 1), one per band-key partition (plan/dedup-partitions.json; all empty when the spec
    // deduplicates nothing; exact deduplication decides each partition's copies there), one per unit of the shuffle's
    // top level again (plan/dedup-merges.json: merged groups, or the groups) writing its items' removal lists (exact),
    // then one function that writes the summary (MinHash: merges the partitions' pairs into clusters first).
    const gatherMap = itemsMap('dedup-gather', {
      concurrency,
      keyPath: '$.run.dedupGroupsKey',
      itemSelector: { plan: planPath, group: sfn.JsonPath.numberAt('$$.Map.Item.Value.group') },
    });
    const mergeMap = itemsMap('dedup-merge', {
      concurrency,
      keyPath: '$.run.dedupMergesKey',
      itemSelector: { plan: planPath, merge: sfn.JsonPath.numberAt('$$.Map.Item.Value.merge') },
    });
    const dedupMap = itemsMap('dedup', {
      concurrency,
      keyPath: '$.run.dedupPartitionsKey',
      itemSelector: { plan: planPath, partition: sfn.JsonPath.numberAt('$$.Map.Item.Value.partition') },
    });
    const removalsMap = itemsMap('dedup-removals', {
      concurrency,
      keyPath: '$.run.dedupMergesKey',
      itemSelector: { plan: planPath, merge: sfn.JsonPath.numberAt('$$.Map.Item.Value.merge') },
    });
    const dedupClusters = withPolicy(invoke('dedup-clusters'));
    const mergeChoice = new sfn.Choice(this, 'DedupMerging', { comment: 'Merges consecutive group files when the plan says so (dedupMergeGroups > 1)' })
      .when(sfn.Condition.numberGreaterThan('$.run.dedupMergeGroups', 1), mergeMap.next(dedupMap))
      .otherwise(dedupMap);
    const dedupChoice = new sfn.Choice(this, 'DedupKind', { comment: 'Skips deduplication when the spec asks for none' })
      .when(sfn.Condition.numberGreaterThan('$.run.dedupPartitions', 0), gatherMap.next(mergeChoice));
    dedupMap.next(removalsMap).next(dedupClusters);
    const reduce = withPolicy(invoke('reduce'));
    // The budget in real tokens: count the boundary region exactly, settle the cut; a too narrow region is widened by
    // settle and counted again.
    const countMap = itemsMap('count', { concurrency });
    const settle = withPolicy(invoke('settle', '$.settle'));
    const settled = new sfn.Choice(this, 'Settled', { comment: 'threshold.json written, or the boundary region widened' });
    const selectMap = itemsMap('select', { concurrency });
    const finalize = withPolicy(invoke('finalize', '$.result'));
    const report = withPolicy(invoke('report'));
    const notify = withPolicy(
      new tasks.EventBridgePutEvents(this, 'SelectionCompleted', {
        entries: [
          {
            eventBus: props.eventBus,
            source: COMPLETION_EVENT.source,
            detailType: COMPLETION_EVENT.detailType,
            detail: sfn.TaskInput.fromObject({
              specUri: sfn.JsonPath.stringAt('$.specUri'),
              output: sfn.JsonPath.stringAt('$.run.output'),
              manifest: sfn.JsonPath.stringAt('$.result.manifest'),
              selected: sfn.JsonPath.objectAt('$.result.selected'),
            }),
          },
        ],
        resultPath: sfn.JsonPath.DISCARD,
      }),
    );

    // The chain runs plan, then the registry's phases in order (lib/pipeline/stages.ts `phases`: the local runner's
    // order); test/cdk/stack.test.ts walks the synthesized definition and fails when the two differ.
    mergeLabels.next(fit).next(scoreMap).next(dedupChoice);
    // Both ways out of the dedup stages meet at reduce: after the summary, or straight on without dedup.
    dedupClusters.next(reduce);
    dedupChoice.otherwise(reduce);
    reduce.next(countMap).next(settle).next(settled);
    settled.when(sfn.Condition.booleanEquals('$.settle.settled', false), countMap);
    settled.otherwise(selectMap);
    selectMap.next(finalize).next(report).next(notify).next(new sfn.Succeed(this, 'Done'));
    const definition = init.next(plan).next(sampleMap).next(mergeSample).next(choice);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: props.timeout ?? Duration.hours(24),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
  }
}
