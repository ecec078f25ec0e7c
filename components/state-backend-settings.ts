/**
 * The fixed parts of a team's Pulumi state backend on AWS: the URLs the CLI is given, the bucket
 * policy, the retention rule and the checks on the arguments. Plain functions, shared by the
 * StateBackend component, the bootstrap program and the tests.
 */
import { AWS_REGION } from "../domain/aws";

/** Old state versions are how a bad `pulumi up` is rolled back: three months covers a quarter's releases. */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 90;

/** S3's rules for a new general purpose bucket, short of the IP-address and reserved-suffix edge cases. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** KMS alias names allow letters, digits, `/`, `_` and `-`; `alias/aws/` belongs to AWS-managed keys. */
const KMS_ALIAS_NAME = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

/** Bucket names may hold dots, alias names may not. */
export function defaultKeyAliasName(bucketName: string): string {
  return `alias/${bucketName.replaceAll(".", "-")}-pulumi`;
}

/** What `pulumi login` takes. The region stays out of the URL: the CLI reads it from the AWS environment. */
export function backendUrl(bucketName: string): string {
  return `s3://${bucketName}`;
}

/** What `--secrets-provider` takes: the alias, not the key ID, so the key can be replaced behind it. */
export function secretsProviderUrl(aliasName: string, region: string): string {
  return `awskms://${aliasName}?region=${region}`;
}

export function loginCommand(bucketName: string): string {
  return `pulumi login ${backendUrl(bucketName)}`;
}

/** Quoted, because `?` is a glob character to zsh and other shells. */
export function stackInitCommand(secretsProvider: string): string {
  return `pulumi stack init <stack> --secrets-provider "${secretsProvider}"`;
}

/** A bucket policy refusing every request to the bucket or its objects that is not over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Lifecycle rules expiring replaced state versions after `days`; none when 0 keeps them forever. */
export function noncurrentVersionRules(days: number) {
  if (days === 0) return [];
  return [
    {
      id: "expire-old-state-versions",
      status: "Enabled",
      // An empty prefix matches every object; a bare `filter: {}` draws a warning from some provider versions.
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: days },
    },
  ];
}

/** The arguments of StateBackend that AWS validates (see StateBackendArgs for what each means). */
export interface StateBackendNames {
  bucketName: string;
  region: string;
  aliasName?: string;
  noncurrentVersionDays?: number;
}

export interface StateBackendProblem {
  arg: keyof StateBackendNames;
  message: string;
}

/** What AWS would refuse halfway through `pulumi up`, found before anything is created. */
export function stateBackendProblems(args: StateBackendNames): StateBackendProblem[] {
  const problems: StateBackendProblem[] = [];
  if (!BUCKET_NAME.test(args.bucketName) || args.bucketName.includes(".."))
    problems.push({
      arg: "bucketName",
      message: `"${args.bucketName}" is not an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`,
    });
  if (!AWS_REGION.test(args.region)) problems.push({ arg: "region", message: `"${args.region}" is not an AWS region code like eu-west-1` });
  if (args.aliasName !== undefined && (!KMS_ALIAS_NAME.test(args.aliasName) || args.aliasName.startsWith("alias/aws/")))
    problems.push({
      arg: "aliasName",
      message: `"${args.aliasName}" is not a KMS alias name: alias/ followed by letters, digits, /, _ or -, outside alias/aws/`,
    });
  const days = args.noncurrentVersionDays;
  if (days !== undefined && !(Number.isInteger(days) && days >= 0))
    problems.push({ arg: "noncurrentVersionDays", message: `is ${days}; use a whole number of days, or 0 to keep old state versions forever` });
  return problems;
}
