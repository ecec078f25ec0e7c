/** The optional bootstrap stack: an S3 + KMS state backend for a team. */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { StateBackend, type StateBackendArgs } from "../components/state-backend";
import { defaultKeyAliasName, stackInitCommand, stateBackendProblems } from "../components/state-backend-settings";
import { OfflineRunFailure, runOffline } from "../scripts/plan/offline-run";
import { cliConfig } from "../scripts/plan/plan-stack";
import bootstrap from "../bootstrap/index";

const PROJECT = "launch-ready-bootstrap";
const BUCKET = "example-com-pulumi-state";
const REGION = "eu-west-1";
const CONFIG = { [`${PROJECT}:bucketName`]: BUCKET, "aws:region": REGION };

const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const BUCKET_TYPE = "aws:s3/bucket:Bucket";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

interface Created {
  type: string;
  name: string;
  state: Record<string, any>;
}

/** What AWS would compute and the wiring depends on: IDs and ARNs. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  if (type === KEY) return { ...inputs, keyId: `${name}-key-id`, arn: `arn:aws:kms:${inputs.region}:111122223333:key/${name}-key-id` };
  if (type === BUCKET_TYPE) return { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` };
  return inputs;
}

/**
 * Runs a program under mocks that answer each resource with its inputs plus the IDs and ARNs AWS
 * would give it, so what one resource takes from another can be checked end to end.
 */
async function runWired(program: () => unknown, config: Record<string, string> = CONFIG) {
  const created: Created[] = [];
  pulumi.runtime.setAllConfig(config, []);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = computedState(args.type, args.name, args.inputs);
        created.push({ type: args.type, name: args.name, state });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    "state",
    false,
  );
  const outputs = (await pulumi.runtime.runInPulumiStack(async () => program())) as Record<string, unknown>;
  // Resources that wait on another's output register after the stack's outputs are known.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const one = (type: string) => {
    const found = created.filter((r) => r.type === type);
    expect(found, type).toHaveLength(1);
    return found[0].state;
  };
  return { created, outputs, one };
}

function backendOutputs(args: Partial<StateBackendArgs> = {}) {
  return () => {
    const backend = new StateBackend("state", { bucketName: BUCKET, region: REGION, ...args });
    return {
      bucketName: backend.bucketName,
      region: backend.region,
      keyArn: backend.keyArn,
      aliasName: backend.aliasName,
      backendUrl: backend.backendUrl,
      secretsProvider: backend.secretsProvider,
    };
  };
}

const offline = (program: () => unknown, config: Record<string, string> = CONFIG) =>
  runOffline({ project: PROJECT, stack: "state", config, secretKeys: [], program });

async function refusal(program: () => unknown, config: Record<string, string>) {
  const failure = await offline(program, config).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(OfflineRunFailure);
  const { cause, resources } = failure as OfflineRunFailure;
  expect(pulumi.RunError.isInstance(cause)).toBe(true);
  return { message: (cause as Error).message, registered: resources.map((r) => r.type) };
}

describe("the state bucket", () => {
  it("keeps every version and encrypts with the backend's own KMS key, using a bucket key", async () => {
    const { one } = await runWired(backendOutputs());
    const bucket = one(BUCKET_TYPE);
    expect(bucket).toMatchObject({ bucket: BUCKET, forceDestroy: false });
    expect(one(VERSIONING)).toMatchObject({ bucket: "state-bucket-id", versioningConfiguration: { status: "Enabled" } });
    expect(one(ENCRYPTION)).toMatchObject({
      bucket: "state-bucket-id",
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: one(KEY).arn }, bucketKeyEnabled: true }],
    });
  });

  it("is private: all four public-access-block flags on, ACLs disabled by owner-enforced ownership", async () => {
    const { one } = await runWired(backendOutputs());
    expect(one(PUBLIC_ACCESS_BLOCK)).toMatchObject({
      bucket: "state-bucket-id",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one(OWNERSHIP)).toMatchObject({ bucket: "state-bucket-id", rule: { objectOwnership: "BucketOwnerEnforced" } });
  });

  it("refuses any request that is not over TLS, to the bucket and to every object in it", async () => {
    const { one } = await runWired(backendOutputs());
    const policy = one(POLICY);
    expect(policy.bucket).toBe("state-bucket-id");
    const arn = `arn:aws:s3:::${BUCKET}`;
    expect(JSON.parse(policy.policy).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires replaced state versions after 90 days by default, after the days asked, and never when asked for 0", async () => {
    const rule = (days: number) => [
      { id: "expire-old-state-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: days } },
    ];
    expect((await runWired(backendOutputs())).one(LIFECYCLE)).toMatchObject({ bucket: "state-bucket-id", rules: rule(90) });
    expect((await runWired(backendOutputs({ noncurrentVersionDays: 30 }))).one(LIFECYCLE).rules).toEqual(rule(30));
    const forever = await runWired(backendOutputs({ noncurrentVersionDays: 0 }));
    expect(forever.created.filter((r) => r.type === LIFECYCLE)).toEqual([]);
    expect(forever.created.filter((r) => r.type === VERSIONING)).toHaveLength(1);
  });
});

describe("the KMS key", () => {
  it("rotates, waits the longest window before deletion, and is named by an alias", async () => {
    const { one } = await runWired(backendOutputs());
    const key = one(KEY);
    expect(key).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.description).toContain(`s3://${BUCKET}`);
    expect(one(ALIAS)).toEqual(expect.objectContaining({ name: `alias/${BUCKET}-pulumi`, targetKeyId: key.keyId }));
  });

  it("takes an alias of the caller's choosing, and makes a dotted bucket name into a valid alias", async () => {
    const { one, outputs } = await runWired(backendOutputs({ aliasName: "alias/team-pulumi" }));
    expect(one(ALIAS).name).toBe("alias/team-pulumi");
    expect(outputs.secretsProvider).toBe(`awskms://alias/team-pulumi?region=${REGION}`);
    expect(defaultKeyAliasName("state.example.com")).toBe("alias/state-example-com-pulumi");
  });
});

describe("the component", () => {
  it("puts every resource in the region it is given, without a provider of its own", async () => {
    const { created } = await runWired(backendOutputs({ region: "ap-southeast-2" }));
    const custom = created.filter((r) => r.type.startsWith("aws:"));
    expect(custom.map((r) => r.type).sort()).toEqual(
      [ALIAS, KEY, BUCKET_TYPE, LIFECYCLE, OWNERSHIP, POLICY, PUBLIC_ACCESS_BLOCK, ENCRYPTION, VERSIONING].sort(),
    );
    expect(custom.filter((r) => r.state.region !== "ap-southeast-2").map((r) => r.name)).toEqual([]);
  });

  it("hands the CLI a login URL, a region and a secrets provider", async () => {
    const { outputs, one } = await runWired(backendOutputs());
    expect(outputs).toEqual({
      bucketName: BUCKET,
      region: REGION,
      keyArn: one(KEY).arn,
      aliasName: `alias/${BUCKET}-pulumi`,
      backendUrl: `s3://${BUCKET}`,
      secretsProvider: `awskms://alias/${BUCKET}-pulumi?region=${REGION}`,
    });
  });

  it("protects every resource by default, each named after what it is, inside the component", async () => {
    const { resources } = await offline(backendOutputs());
    const component = resources.find((r) => r.type === "launch-ready:aws:StateBackend")!;
    const custom = resources.filter((r) => r.custom);
    expect(custom.map((r) => r.name).sort()).toEqual([
      "state-bucket",
      "state-encryption",
      "state-key",
      "state-key-alias",
      "state-lifecycle",
      "state-ownership",
      "state-public-access-block",
      "state-tls-only-policy",
      "state-versioning",
    ]);
    expect(custom.filter((r) => !r.protect || r.parent !== component.urn)).toEqual([]);
  });

  it("takes a transform for the key and the bucket, as fields or as a function", async () => {
    const { one } = await runWired(
      backendOutputs({
        transform: {
          bucket: { tags: { team: "platform" } },
          key: (args) => {
            args.description = "Team state key";
          },
        },
      }),
    );
    expect(one(BUCKET_TYPE)).toMatchObject({ bucket: BUCKET, tags: { team: "platform" }, forceDestroy: false });
    expect(one(KEY)).toMatchObject({ description: "Team state key", enableKeyRotation: true });
    // Options too: here, a key left unprotected on purpose while the bucket stays protected.
    const { resources } = await offline(backendOutputs({ transform: { key: (_args, opts) => void (opts.protect = false) } }));
    expect(resources.find((r) => r.name === "state-key")!.protect).toBe(false);
    expect(resources.find((r) => r.name === "state-bucket")!.protect).toBe(true);
  });

  it("protects nothing when told not to", async () => {
    const { resources } = await offline(backendOutputs({ protect: false }));
    expect(resources.filter((r) => r.custom)).toHaveLength(9);
    expect(resources.filter((r) => r.protect)).toEqual([]);
  });

  it("refuses arguments AWS would refuse, naming each, before registering anything", async () => {
    const { message, registered } = await refusal(
      backendOutputs({ bucketName: "Example_State", region: "Ireland", aliasName: "alias/aws/s3", noncurrentVersionDays: 1.5 }),
      CONFIG,
    );
    for (const arg of ["bucketName", "region", "aliasName", "noncurrentVersionDays"]) expect(message).toContain(`  ${arg}: `);
    expect(registered).toEqual(["pulumi:pulumi:Stack"]);
    expect(stateBackendProblems({ bucketName: BUCKET, region: REGION, noncurrentVersionDays: 0 })).toEqual([]);
    expect(stateBackendProblems({ bucketName: "a..b", region: REGION }).map((p) => p.arg)).toEqual(["bucketName"]);
  });
});

describe("the bootstrap program", () => {
  it("creates one protected backend from the example stack file and prints the commands to use it", async () => {
    const stackFile = parse(readFileSync("bootstrap/Pulumi.state.yaml", "utf8")) as { config: Record<string, unknown> };
    const config = cliConfig(stackFile.config);
    const { resources } = await offline(bootstrap, config);
    expect(resources.filter((r) => r.type === "launch-ready:aws:StateBackend")).toHaveLength(1);
    expect(resources.filter((r) => r.custom && !r.protect)).toEqual([]);

    const { outputs, one } = await runWired(bootstrap, config);
    const secretsProvider = `awskms://alias/${BUCKET}-pulumi?region=${REGION}`;
    expect(outputs).toEqual({
      bucketName: BUCKET,
      region: REGION,
      keyArn: one(KEY).arn,
      backendUrl: `s3://${BUCKET}`,
      secretsProvider,
      loginCommand: `pulumi login s3://${BUCKET}`,
      stackInitCommand: `pulumi stack init <stack> --secrets-provider "${secretsProvider}"`,
    });
    expect(stackInitCommand(secretsProvider)).toBe(outputs.stackInitCommand);
  });

  it("is a project of its own, whose example stack says it keeps its state in a local file backend", () => {
    expect(parse(readFileSync("bootstrap/Pulumi.yaml", "utf8"))).toMatchObject({
      name: PROJECT,
      runtime: { name: "nodejs", options: { typescript: true } },
      main: "index.ts",
    });
    expect(readFileSync("bootstrap/Pulumi.state.yaml", "utf8")).toMatch(/^#.*\n(#.*\n)*#\s+pulumi login file:\/\//);
  });

  it("reads noncurrentVersionDays from config, 0 leaving no lifecycle rule", async () => {
    const { created } = await runWired(bootstrap, { ...CONFIG, [`${PROJECT}:noncurrentVersionDays`]: "0" });
    expect(created.filter((r) => r.type === BUCKET_TYPE)).toHaveLength(1);
    expect(created.filter((r) => r.type === LIFECYCLE)).toEqual([]);
  });

  it("refuses a stack without a bucket name, naming the key", async () => {
    const { message, registered } = await refusal(bootstrap, { "aws:region": REGION });
    expect(message).toContain(`'${PROJECT}:bucketName'`);
    expect(message).toContain(`pulumi config set ${PROJECT}:bucketName`);
    expect(registered).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("takes its region from aws:region, which the AWS provider needs too, and refuses a stack without it", async () => {
    const elsewhere = await runWired(bootstrap, { [`${PROJECT}:bucketName`]: BUCKET, "aws:region": "us-east-2" });
    expect(elsewhere.outputs.region).toBe("us-east-2");
    expect(elsewhere.one(BUCKET_TYPE).region).toBe("us-east-2");
    const { message, registered } = await refusal(bootstrap, { [`${PROJECT}:bucketName`]: BUCKET });
    expect(message).toContain("'aws:region'");
    expect(message).toContain("pulumi config set aws:region");
    expect(registered).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("names the config key of a value AWS would refuse", async () => {
    const { message } = await refusal(bootstrap, {
      ...CONFIG,
      "aws:region": "Ireland",
      [`${PROJECT}:bucketName`]: "Example_State",
      [`${PROJECT}:noncurrentVersionDays`]: "-1",
    });
    expect(message).toContain(`${PROJECT}:bucketName: "Example_State" is not an S3 bucket name`);
    expect(message).toContain('aws:region: "Ireland" is not an AWS region code');
    expect(message).toContain(`${PROJECT}:noncurrentVersionDays: is -1`);
  });
});
