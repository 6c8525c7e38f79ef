import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SEMI_SPACE_FLAG } from '../lib/heap.ts';
import { CLOUD_DEFAULTS } from '../lib/job/index.ts';
import { stageNames, stateName, type StageName } from '../lib/pipeline/stages.ts';

/** The Lambda-run functions, by the STAGE value functions/index.ts dispatches on: every stage of the registry, and the
 * workflow's Catch target. */
export const LAMBDA_STAGES: readonly LambdaStage[] = [...stageNames, 'record-failure'];
export type LambdaStage = StageName | 'record-failure';

/** Memory (MB) and timeout (s) of one function. */
export interface FunctionSize {
  memoryMB: number;
  timeoutSeconds: number;
}

/** Defaults: per-item stages read one work item (up to a few hundred MB); fit trains the ensemble in memory. */
export const DEFAULT_SIZES: Record<LambdaStage, FunctionSize> = {
  plan: { memoryMB: 1024, timeoutSeconds: 300 },
  sample: { memoryMB: 2048, timeoutSeconds: 900 },
  'merge-sample': { memoryMB: 2048, timeoutSeconds: 900 },
  reference: { memoryMB: 4096, timeoutSeconds: 900 },
  'merge-labels': { memoryMB: 1024, timeoutSeconds: 300 },
  fit: { memoryMB: 6144, timeoutSeconds: 900 },
  score: { memoryMB: CLOUD_DEFAULTS.scoreMemoryMb, timeoutSeconds: 900 },
  'dedup-gather': { memoryMB: CLOUD_DEFAULTS.dedupMemoryMb, timeoutSeconds: 900 },
  // Streams M group files into one (a chunk per input and the upload's parts in memory); sized like the other dedup
  // stages, which the estimate prices at one memory size (its time is S3 throughput, which grows with memory).
  'dedup-merge': { memoryMB: CLOUD_DEFAULTS.dedupMemoryMb, timeoutSeconds: 900 },
  dedup: { memoryMB: CLOUD_DEFAULTS.dedupMemoryMb, timeoutSeconds: 900 },
  'dedup-removals': { memoryMB: CLOUD_DEFAULTS.dedupMemoryMb, timeoutSeconds: 900 },
  'dedup-clusters': { memoryMB: 3008, timeoutSeconds: 900 },
  reduce: { memoryMB: 2048, timeoutSeconds: 900 },
  count: { memoryMB: 2048, timeoutSeconds: 900 },
  settle: { memoryMB: 2048, timeoutSeconds: 900 },
  select: { memoryMB: 2048, timeoutSeconds: 900 },
  finalize: { memoryMB: 1024, timeoutSeconds: 300 },
  report: { memoryMB: 1024, timeoutSeconds: 300 },
  'record-failure': { memoryMB: 256, timeoutSeconds: 60 },
};

export interface StageFunctionsProps {
  /** The onnxruntime-node layer (attached to every function: they share one bundle). */
  scorerLayer: lambda.ILayerVersion;
  architecture?: lambda.Architecture;
  /** Per-stage overrides of DEFAULT_SIZES. */
  sizes?: Partial<Record<LambdaStage, Partial<FunctionSize>>>;
  /** Extra environment for every function. */
  environment?: Record<string, string>;
  /** Project root holding functions/ and package.json (default: the current directory). */
  projectRoot?: string;
  logRetention?: logs.RetentionDays;
}

/** Bundling shared by every function: identical options, so CDK stages the bundle once (one esbuild run). */
export function sharedBundling(): NonNullable<ConstructorParameters<typeof NodejsFunction>[2]>['bundling'] {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: false,
    sourceMap: true,
    forceDockerBundling: false,
    externalModules: ['onnxruntime-node'],
    mainFields: ['module', 'main'],
    // ESM bundles of CommonJS dependencies need require and __dirname.
    banner:
      "import { createRequire as __proxyselCreateRequire } from 'node:module'; import { fileURLToPath as __proxyselFileUrl } from 'node:url'; import { dirname as __proxyselDirname } from 'node:path'; const require = __proxyselCreateRequire(import.meta.url); const __filename = __proxyselFileUrl(import.meta.url); const __dirname = __proxyselDirname(__filename);",
  };
}

/**
 * One NodejsFunction per Lambda stage, all from the single entry functions/index.ts (picked by STAGE), bundled by the
 * local esbuild (no Docker), Node 22 on x86_64, memory and timeout per stage.
 */
export class StageFunctions extends Construct {
  readonly functions: Record<LambdaStage, NodejsFunction>;
  /** The start function (EventBridge target); created by the trigger construct through {@link createStarter}. */
  private readonly props: StageFunctionsProps;

  constructor(scope: Construct, id: string, props: StageFunctionsProps) {
    super(scope, id);
    this.props = props;
    const fns = {} as Record<LambdaStage, NodejsFunction>;
    for (const stage of LAMBDA_STAGES) {
      const size = { ...DEFAULT_SIZES[stage], ...props.sizes?.[stage] };
      fns[stage] = this.create(stage, size);
    }
    this.functions = fns;
  }

  /** A function running `stage` from the shared bundle. */
  create(stage: string, size: FunctionSize, extraEnvironment: Record<string, string> = {}): NodejsFunction {
    const root = this.props.projectRoot ?? process.cwd();
    const name = stateName(stage);
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: this.props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `proxysel ${stage} function`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, name, {
      entry: join(root, 'functions', 'index.ts'),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: this.props.architecture ?? lambda.Architecture.X86_64,
      memorySize: size.memoryMB,
      timeout: Duration.seconds(size.timeoutSeconds),
      layers: [this.props.scorerLayer],
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        STAGE: stage,
        POWERTOOLS_SERVICE_NAME: 'proxysel',
        // The stages' young generation (lib/heap.ts), as the local runner gives its worker threads.
        NODE_OPTIONS: `--enable-source-maps ${SEMI_SPACE_FLAG}`,
        ...this.props.environment,
        ...extraEnvironment,
      },
      bundling: sharedBundling(),
      description: `proxysel stage: ${stage} (${Stack.of(this).stackName})`,
    });
  }
}
