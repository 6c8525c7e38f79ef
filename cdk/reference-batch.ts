import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, IgnoreMode, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The environment the reference-job container reads (besides AWS_BATCH_JOB_ARRAY_INDEX, which Batch sets for array
 * children; a single job is slice 0).
 */
export const REFERENCE_JOB_ENV = {
  /** URI of the run's plan.json. */
  plan: 'PROXYSEL_PLAN',
  /** Number of slices the sample is cut into (the array size; 1 for a single job). */
  slices: 'PROXYSEL_REFERENCE_SLICES',
} as const;

export interface ReferenceBatchProps {
  /** VPC for the compute environment (default: a new two-AZ VPC with public subnets only and an S3 endpoint). */
  vpc?: ec2.IVpc;
  /** GPU instance types (default g5.xlarge, g6.xlarge). */
  instanceTypes?: ec2.InstanceType[];
  /** Use Spot capacity (default false). Spot interruptions are retried. */
  spot?: boolean;
  /** Largest number of vCPUs running at once (default 64). */
  maxvCpus?: number;
  /** Container image (default: built at deploy from functions/reference-job/Dockerfile with the project as context). */
  image?: ecs.ContainerImage;
  /** Project root (default: the current directory). */
  projectRoot?: string;
  /** Per-child timeout (default 6 hours). */
  timeout?: Duration;
  /** Environment of the container (the operator's allow-lists, lib/job/secrets.ts). */
  environment?: Record<string, string>;
}

/**
 * AWS Batch for the GPU reference pass: a managed EC2 compute environment of GPU instances (ECS GPU AMI), a job queue,
 * and a job definition with `gpu: 1` whose image is built from functions/reference-job (staged at synth, built at deploy).
 */
export class ReferenceBatch extends Construct {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  /** The role the container runs as: grant it the corpus, model and output prefixes. */
  readonly jobRole: iam.Role;
  readonly vpc: ec2.IVpc;

  constructor(scope: Construct, id: string, props: ReferenceBatchProps = {}) {
    super(scope, id);
    this.vpc = props.vpc ?? this.createVpc();
    const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, 'GpuCompute', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      instanceTypes: props.instanceTypes ?? [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('g6.xlarge')],
      useOptimalInstanceClasses: false,
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2_NVIDIA }],
      spot: props.spot ?? false,
      minvCpus: 0,
      maxvCpus: props.maxvCpus ?? 64,
    });
    this.jobQueue = new batch.JobQueue(this, 'Queue', { computeEnvironments: [{ computeEnvironment, order: 1 }] });

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'proxysel reference-job container',
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.jobDefinition = new batch.EcsJobDefinition(this, 'ReferenceJob', {
      container: new batch.EcsEc2ContainerDefinition(this, 'Container', {
        image: props.image ?? this.imageFromProject(props.projectRoot ?? process.cwd()),
        cpu: 4,
        memory: Size.gibibytes(15),
        gpu: 1,
        jobRole: this.jobRole,
        environment: props.environment,
        logging: ecs.LogDriver.awsLogs({ streamPrefix: 'reference', logGroup }),
      }),
      timeout: props.timeout ?? Duration.hours(6),
      retryAttempts: 3,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onExitCode: '*' })),
      ],
    });
  }

  private createVpc(): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: true }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_MONTH })),
    });
    return vpc;
  }

  private imageFromProject(root: string): ecs.ContainerImage {
    const dockerfile = join('functions', 'reference-job', 'Dockerfile');
    if (!existsSync(join(root, dockerfile))) {
      throw new Error(`${join(root, dockerfile)}: missing; the reference-job image is built from it (or pass ReferenceBatchProps.image)`);
    }
    // An allowlist (what the Dockerfile copies), so staging never walks node_modules, bench data or outputs.
    return ecs.ContainerImage.fromAsset(root, {
      file: dockerfile,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['*', '!package.json', '!package-lock.json', '!tsconfig.json', '!lib', '!functions', 'functions/*', '!functions/reference-job', '**/*.test.ts'],
    });
  }
}
