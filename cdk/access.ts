import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** A bucket and a key prefix ("folder/") that a role may use. */
export interface S3Location {
  bucket: s3.IBucket;
  /** Key prefix, ending with `/` (an empty prefix means the whole bucket and is refused). */
  prefix: string;
}

function checkPrefix(location: S3Location): string {
  if (!location.prefix || location.prefix === '/' || location.prefix.includes('*')) {
    throw new Error(`S3 access must be limited to a prefix, got "${location.prefix}" (least privilege: no whole-bucket grants)`);
  }
  return location.prefix.endsWith('/') ? location.prefix : `${location.prefix}/`;
}

/** Read (GetObject, and ListBucket restricted to the prefix) on one prefix. */
export function grantPrefixRead(grantee: iam.IGrantable, location: S3Location, key?: kms.IKey): void {
  const prefix = checkPrefix(location);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [location.bucket.arnForObjects(`${prefix}*`)] }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [location.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    }),
  );
  key?.grantDecrypt(grantee);
}

/** Read and write (Put, Delete, multipart) on one prefix. */
export function grantPrefixReadWrite(grantee: iam.IGrantable, location: S3Location, key?: kms.IKey): void {
  grantPrefixRead(grantee, location, key);
  const prefix = checkPrefix(location);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObjectTagging'],
      resources: [location.bucket.arnForObjects(`${prefix}*`)],
    }),
  );
  key?.grantEncryptDecrypt(grantee);
}

/** The object ARN pattern of failure records (`<spec>.FAILED`) under a jobs prefix. */
export function failureRecordObjects(location: S3Location): string {
  return location.bucket.arnForObjects(`${checkPrefix(location)}*.FAILED`);
}

/** PutObject on `<prefix>*.FAILED` only: where a run that failed before its plan records why (RecordFailure). */
export function grantFailureRecords(grantee: iam.IGrantable, location: S3Location, key?: kms.IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [failureRecordObjects(location)] }));
  key?.grantEncrypt(grantee);
}
