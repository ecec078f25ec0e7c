import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { applyTransform, type Transform } from "./transform";
import {
  backendUrl,
  DEFAULT_NONCURRENT_VERSION_DAYS,
  defaultKeyAliasName,
  noncurrentVersionRules,
  secretsProviderUrl,
  stateBackendProblems,
  tlsOnlyBucketPolicy,
} from "./state-backend-settings";

export interface StateBackendArgs {
  /**
   * Name of the S3 bucket that holds every stack's state. Bucket names are global across AWS,
   * so include something only you own, like your domain.
   * @example "example-com-pulumi-state"
   */
  bucketName: string;
  /**
   * AWS region of the bucket and the key. The CLI must reach both there, so pick the region the
   * team works in and keep it: moving state means copying it to a new bucket.
   * @example "eu-west-1"
   */
  region: string;
  /**
   * Alias of the KMS key, which is what stacks name in their secrets provider.
   * @default `alias/<bucketName>-pulumi`, dots replaced by hyphens
   * @example "alias/example-com-pulumi"
   */
  aliasName?: string;
  /**
   * Days a replaced or deleted version of a state file is kept, so a stack can be rolled back to
   * it; 0 keeps every version forever.
   * @default 90
   * @example 365
   */
  noncurrentVersionDays?: number;
  /**
   * Protect every resource from deletion. Losing the bucket loses every stack's state; losing the
   * key loses every secret encrypted with it. Turn off only to tear the backend down on purpose.
   * @default true
   * @example false
   */
  protect?: boolean;
  /**
   * Adjust the key or the bucket (tags, a key policy) without forking the component, as fields to
   * merge into its args or a function that edits them and its options.
   * @example { bucket: { tags: { team: "platform" } } }
   */
  transform?: { key?: Transform<aws.kms.KeyArgs>; bucket?: Transform<aws.s3.BucketArgs> };
}

/**
 * A team's Pulumi state backend on AWS: a versioned, private, TLS-only S3 bucket for state and
 * the KMS key that encrypts it and every stack's secrets. It needs no provider of its own: each
 * resource names its region (the program's AWS provider must still be able to start, so the
 * bootstrap stack sets aws:region).
 * @example
 * ```ts
 * import { StateBackend } from "launch-ready";
 *
 * const backend = new StateBackend("state", { bucketName: "example-com-pulumi-state", region: "eu-west-1" });
 * export const loginUrl = backend.backendUrl;
 * export const secretsProvider = backend.secretsProvider;
 * ```
 */
export class StateBackend extends pulumi.ComponentResource {
  /** The state bucket's name. */
  public readonly bucketName: pulumi.Output<string>;
  /** The region of the bucket and the key, for `AWS_REGION` when logging in. */
  public readonly region: pulumi.Output<string>;
  /** ARN of the KMS key, for IAM policies that let people and CI use the backend. */
  public readonly keyArn: pulumi.Output<string>;
  /** The KMS key's alias, e.g. `alias/example-com-pulumi-state-pulumi`. */
  public readonly aliasName: pulumi.Output<string>;
  /** What `pulumi login` takes: `s3://<bucket>`. */
  public readonly backendUrl: pulumi.Output<string>;
  /** What `pulumi stack init --secrets-provider` takes: `awskms://<alias>?region=<region>`. */
  public readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before registering anything, so a refused backend leaves no half-made component behind.
    const problems = stateBackendProblems(args);
    if (problems.length > 0) throw new pulumi.RunError(`StateBackend ${name}:\n${problems.map((p) => `  ${p.arg}: ${p.message}`).join("\n")}`);
    super("launch-ready:aws:StateBackend", name, {}, opts);

    const { bucketName, region } = args;
    const aliasName = args.aliasName ?? defaultKeyAliasName(bucketName);
    const children = { parent: this, protect: args.protect ?? true };

    const key = new aws.kms.Key(
      ...applyTransform(
        args.transform?.key,
        `${name}-key`,
        {
          region,
          description: `Encrypts Pulumi state in ${backendUrl(bucketName)} and the secrets of the stacks there (${secretsProviderUrl(aliasName, region)})`,
          enableKeyRotation: true,
          // The longest window KMS allows: a scheduled deletion can still be cancelled for a month.
          deletionWindowInDays: 30,
        },
        { ...children },
      ),
    );
    const alias = new aws.kms.Alias(`${name}-key-alias`, { region, name: aliasName, targetKeyId: key.keyId }, children);

    const bucket = new aws.s3.Bucket(
      ...applyTransform(args.transform?.bucket, `${name}-bucket`, { region, bucket: bucketName, forceDestroy: false }, { ...children }),
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      children,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        region,
        bucket: bucket.id,
        // A bucket key cuts the KMS requests, and their cost, of every state read and write.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
      },
      children,
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      children,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, children);
    new aws.s3.BucketPolicy(
      `${name}-tls-only-policy`,
      { region, bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
      // S3 answers OperationAborted when a bucket's policy and its public access block change at once.
      { ...children, dependsOn: [publicAccessBlock] },
    );

    const lifecycleRules = noncurrentVersionRules(args.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS);
    if (lifecycleRules.length > 0) {
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        { region, bucket: bucket.id, rules: lifecycleRules },
        // Noncurrent versions exist only once versioning is on.
        { ...children, dependsOn: [versioning] },
      );
    }

    this.bucketName = bucket.bucket;
    this.region = pulumi.output(region);
    this.keyArn = key.arn;
    this.aliasName = alias.name;
    this.backendUrl = bucket.bucket.apply(backendUrl);
    this.secretsProvider = alias.name.apply((created) => secretsProviderUrl(created, region));
    this.registerOutputs({
      bucketName: this.bucketName,
      region: this.region,
      keyArn: this.keyArn,
      aliasName: this.aliasName,
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
    });
  }
}
