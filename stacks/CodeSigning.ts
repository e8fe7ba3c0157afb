import { LambdaCodeSigningConfig } from "@cdktf/provider-aws/lib/lambda-code-signing-config";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SignerSigningJob } from "@cdktf/provider-aws/lib/signer-signing-job";
import { SignerSigningProfile } from "@cdktf/provider-aws/lib/signer-signing-profile";
import { Fn, type TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";

export interface CodeSigningProps {
  readonly place: Place;
  /** dooray-gpt-<environment>: the bucket, profile and config are named after it. */
  readonly prefix: string;
  readonly key: BotKey;
}

/** Where Lambda takes a signed bundle from: the function's or layer's s3_bucket and s3_key. */
export interface SignedCode {
  readonly s3Bucket: string;
  readonly s3Key: string;
}

/** A noncurrent (replaced) bundle is kept this long, for a rollback's plan to find nothing missing meanwhile. */
export const SIGNED_CODE_NONCURRENT_DAYS = 30;

/**
 * Code signing, when an environment turns it on (`codeSigning`): an AWS Signer profile for Lambda, and a
 * code-signing config that lets Lambda run only code that profile signed (`Enforce`: an unsigned or tampered
 * bundle is refused at deploy). Each bundle (the two functions' and the layer's) is uploaded to a bucket of its own
 * and signed there by a Signer job, all in Terraform, so the plan shows each upload and signature as it shows the
 * code's hash. The bucket holds only build artefacts, rebuilt from the repository: versioned (a signing job names
 * the version it signs), encrypted with the environment's key, private, TLS only.
 */
export class CodeSigning extends Construct {
  readonly config: LambdaCodeSigningConfig;
  readonly profile: SignerSigningProfile;
  readonly bucket: S3Bucket;
  private readonly versioning: S3BucketVersioningA;
  private readonly encryption: S3BucketServerSideEncryptionConfigurationA;

  constructor(scope: Construct, id: string, props: CodeSigningProps) {
    super(scope, id);
    const bucketName = `${props.prefix}-code-${props.place.accountId}`;
    this.node.addValidation({
      validate: () =>
        bucketName.length > 63 ? [`codeSigning: the bucket's name ${bucketName} is over S3's 63 characters; use a shorter environment name`] : [],
    });
    this.bucket = new S3Bucket(this, "bucket", { bucket: bucketName, forceDestroy: true });
    this.versioning = new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "public_access_block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "replaced-bundles",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: SIGNED_CODE_NONCURRENT_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [this.versioning],
    });
    new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
    // Signer's profile names take letters, digits and underscores only.
    this.profile = new SignerSigningProfile(this, "profile", { name: props.prefix.replace(/[^A-Za-z0-9]/g, "_"), platformId: "AWSLambda-SHA384-ECDSA" });
    this.config = new LambdaCodeSigningConfig(this, "config", {
      description: `${props.prefix}: only code signed by the ${this.profile.name} profile runs`,
      allowedPublishers: { signingProfileVersionArns: [this.profile.versionArn] },
      policies: { untrustedArtifactOnDeployment: "Enforce" },
    });
  }

  /** Uploads one bundle (its zip asset) and signs it; a changed bundle is a new upload, a new job, a new signed key. */
  sign(scope: Construct, asset: TerraformAsset, name: string): SignedCode {
    const unsigned = new S3Object(scope, "unsigned_code", {
      bucket: this.bucket.id,
      key: `unsigned/${name}.zip`,
      source: asset.path,
      sourceHash: Fn.filemd5(asset.path),
      dependsOn: [this.versioning, this.encryption],
    });
    const job = new SignerSigningJob(scope, "signing_job", {
      profileName: this.profile.name,
      source: { s3: { bucket: this.bucket.id, key: unsigned.key, version: unsigned.versionId } },
      destination: { s3: { bucket: this.bucket.id, prefix: `signed/${name}/` } },
      ignoreSigningJobFailure: false,
    });
    return { s3Bucket: this.bucket.id, s3Key: job.signedObject.get(0).s3.get(0).key };
  }
}
