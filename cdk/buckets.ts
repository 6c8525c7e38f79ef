import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INTERMEDIATE_TAG } from '../lib/run/index.ts';

/** Tag that marks an object as an intermediate artifact (sample, reference parts, scores): lifecycle may expire it. */
export { INTERMEDIATE_TAG };

export interface BucketsProps {
  /** Use an existing bucket instead of creating one (it must have EventBridge notifications turned on). */
  existingBucketName?: string;
  /** Encrypt with this KMS key (default: SSE-S3). */
  encryptionKey?: kms.IKey;
  /** Days after which intermediate artifacts expire (default 30). Inputs, manifests and selections never expire. */
  intermediateExpiryDays?: number;
  /** Keep the bucket when the stack is deleted (default true). */
  retain?: boolean;
}

/**
 * The stack's data bucket: job specs under `jobs/`, outputs, and (by default) corpora and models. Block Public Access,
 * TLS only, encrypted, EventBridge notifications on, server access logs to a separate bucket, and lifecycle expiry
 * for intermediate artifacts only: objects the stage Lambdas tag {@link INTERMEDIATE_TAG} (lib/pipeline/artifacts.ts
 * intermediateArtifactTags). Inputs, manifests, selections and the Map Runs' result files carry no tag and never expire.
 */
export class Buckets extends Construct {
  readonly data: s3.IBucket;
  readonly accessLogs?: s3.Bucket;
  /** True when the bucket was created here (EventBridge notifications are then on). */
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: BucketsProps = {}) {
    super(scope, id);
    if (props.existingBucketName) {
      this.data = s3.Bucket.fromBucketName(this, 'Data', props.existingBucketName);
      this.created = false;
      return;
    }
    const removalPolicy = props.retain === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const encryption = props.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED };
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy,
    });
    const days = Duration.days(props.intermediateExpiryDays ?? 30);
    this.data = new s3.Bucket(this, 'Data', {
      ...encryption,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      eventBridgeEnabled: true,
      versioned: false,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        { id: 'expire-intermediate-artifacts', tagFilters: { [INTERMEDIATE_TAG.key]: INTERMEDIATE_TAG.value }, expiration: days },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy,
    });
    this.created = true;
  }
}
