/** Issue 17 part 4: secrets as sensitive Vercel environment variables, for a founder with no AWS account. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { AppSecrets } from "../components/secrets/app-secrets";
import { secretSpecs } from "../components/secrets/stored-secrets";
import type { BarContext, DeclaredResource, Verdict } from "../policies/bar";
import { secEnvSeparation } from "../policies/rules/sec-env-separation";
import { secStore } from "../policies/rules/sec-store";
import { renderHandoverSection } from "../scripts/handover/handover";
import { planStack } from "../scripts/plan/plan-stack";
import type { PlanReport } from "../scripts/plan/plan-report";
import { neededAccess, providerCredentials } from "../stacks/access";
import { KIT_NAME } from "../stacks/project";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import type { StackFile } from "../stacks/stack-file";
import { exampleConfig, exampleStack } from "./helpers";

const VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable";
const PROJECT = "prj_a1b2c3d4e5f6g7h8i9j0k1l2m3n4";
const TEAM = "team_a1b2c3d4e5f6g7h8i9j0k1l2";

function withVercel(stack: string, store: Record<string, unknown> = { kind: "vercel", projectId: PROJECT, teamId: TEAM }): Record<string, any> {
  return { ...exampleConfig(stack), "launch-ready:secretStore": store };
}

function problemsOf(config: Record<string, unknown>): Array<[string, string]> {
  const result = parseStackConfig(config);
  return result.ok ? [] : result.problems.map((p) => [p.path, p.message]);
}

function parsed(config: Record<string, unknown>): LaunchReadyConfig {
  const result = parseStackConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const plan = (stack: string, config: Record<string, unknown>) => planStack({ ...exampleStack(stack), config });
const declared = (report: PlanReport): DeclaredResource[] =>
  report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect }));
const failures = (verdicts: Verdict[]) => verdicts.filter((v): v is Extract<Verdict, { status: "fail" }> => v.status === "fail");
const secIds = (report: PlanReport) => report.bar.filter((r) => r.id === "SEC-STORE" || r.id === "SEC-ENV-SEPARATION").map((r) => [r.id, r.status]);

/** The bar's view of a stack file, with the sibling stack files given rather than read from disk. */
function contextOf(stack: string, config: Record<string, any>, siblings: Array<[string, Record<string, any>]> = []): BarContext {
  const file = (name: string, values: Record<string, any>): StackFile => ({ ...exampleStack(stack), stack: name, config: values, secureValues: [] });
  return { config: parsed(config), project: KIT_NAME, stackFile: file(stack, config), siblings: () => siblings.map(([name, values]) => file(name, values)) };
}

describe("launch-ready:secretStore kind vercel", () => {
  test("AWS-only fields and a missing project are refused, naming the config path", () => {
    expect(problemsOf(withVercel("prod", { kind: "vercel", region: "eu-west-1", kmsKeyId: "alias/launch-ready" }))).toEqual([
      [
        "launch-ready:secretStore.region",
        "only applies to the AWS stores (kind secrets-manager or ssm); kind vercel keeps each environment's secrets in its own target of the project, encrypted by Vercel, so remove it",
      ],
      ["launch-ready:secretStore.kmsKeyId", expect.stringContaining("only applies to the AWS stores")],
      [
        "launch-ready:secretStore.projectId",
        "is missing: kind vercel stores the secrets as environment variables of one Vercel project; give its ID (Project Settings > General > Project ID)",
      ],
    ]);
    expect(problemsOf(withVercel("prod", { kind: "ssm", projectId: PROJECT }))).toEqual([
      ["launch-ready:secretStore.projectId", "only applies to kind vercel; this store is ssm, so remove it"],
    ]);
    expect(problemsOf(withVercel("prod", { kind: "vercel", projectId: "my-app" }))).toEqual([
      ["launch-ready:secretStore.projectId", "must be a Vercel project ID such as prj_a1b2c3d4e5f6g7h8i9j0k1l2m3n4 (Project Settings > General)"],
    ]);
    expect(problemsOf(withVercel("prod"))).toEqual([]);
  });

  test("each environment has its own target of the project, so its own path", () => {
    const paths = (["prod", "staging", "dev"] as const).map((stack) => secretSpecs(parsed(withVercel(stack)), KIT_NAME).map((s) => s.path));
    expect(paths[0]).toContain(`vercel:${PROJECT}/production/STRIPE_SECRET_KEY`);
    expect(paths[1].every((path) => path.startsWith(`vercel:${PROJECT}/preview/`))).toBe(true);
    expect(paths[2].every((path) => path.startsWith(`vercel:${PROJECT}/development/`))).toBe(true);
  });

  test("Vercel is an account someone must own, its token a credential with a least-privilege note; AWS is not needed for secrets", () => {
    const config = parsed(withVercel("prod"));
    expect(neededAccess(config).find((need) => need.system === "hosting")?.why).toContain(PROJECT);
    expect(neededAccess(config).find((need) => need.system === "aws")?.why).not.toMatch(/Secrets Manager|Parameter Store/);
    expect(providerCredentials(config)).toEqual([
      expect.objectContaining({ variables: ["VERCEL_API_TOKEN"], configKeys: ["vercel:apiToken"], leastPrivilege: expect.stringContaining(TEAM) }),
    ]);
    const text = renderHandoverSection({
      stack: "prod",
      stackFile: "stacks/Pulumi.prod.yaml",
      command: "npm run handover -- --stack prod",
      project: KIT_NAME,
      policyPack: "policies",
      config,
      encryption: exampleStack("prod").encryption,
      hasSecureValues: true,
    });
    expect(text).toContain("`VERCEL_API_TOKEN`");
    expect(text).toContain(`Vercel environment variables of the project \`${PROJECT}\``);
    expect(text).not.toContain("in undefined");
  });
});

describe("the Vercel store under mocks", () => {
  test("production's secrets are sensitive variables of the production target only, values kept secret, nothing on AWS", async () => {
    const report = await plan("prod", withVercel("prod"));
    const variables = report.resources.filter((r) => r.type === VARIABLE).sort((a, b) => a.name.localeCompare(b.name));
    expect(variables.map((r) => [r.name, r.inputs.key, r.inputs.targets, r.inputs.sensitive, r.inputs.value, r.inputs.projectId, r.inputs.teamId])).toEqual([
      ["SESSION_SECRET", "SESSION_SECRET", ["production"], true, "[secret]", PROJECT, TEAM],
      ["STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY", ["production"], true, "[secret]", PROJECT, TEAM],
    ]);
    expect(variables.every((r) => r.protect)).toBe(true);
    expect(report.resources.filter((r) => r.type.startsWith("aws:secretsmanager") || r.type.startsWith("aws:ssm"))).toEqual([]);
    expect(secIds(report)).toEqual([
      ["SEC-STORE", "pass"],
      ["SEC-ENV-SEPARATION", "pass"],
    ]);
  });

  test("with Checkly for monitors, a production stack declares nothing on AWS at all", async () => {
    const config = withVercel("prod");
    config["launch-ready:monitoring"] = { ...config["launch-ready:monitoring"], provider: "checkly", intervalSeconds: 60 };
    const report = await plan("prod", config);
    expect(report.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(report.bar.filter((r) => /^(SEC|MON)-/.test(r.id) && r.id !== "MON-LATENCY" && r.status !== "pass" && r.status !== "not-applicable")).toEqual([]);
    // Checkly cannot alarm on a p95 or an error rate: MON-LATENCY says so, with the provider that can.
    expect(report.bar.filter((r) => r.id === "MON-LATENCY").map((r) => [r.status, r.configPath])).toEqual([["fail", "launch-ready:monitoring.provider"]]);
  });

  test("staging's go to preview, development's to development, which Vercel allows only non-sensitive", async () => {
    const staging = (await plan("staging", withVercel("staging"))).resources.filter((r) => r.type === VARIABLE);
    expect(staging.map((r) => [r.inputs.targets, r.inputs.sensitive])).toEqual(staging.map(() => [["preview"], true]));
    const dev = await plan("dev", withVercel("dev"));
    const variables = dev.resources.filter((r) => r.type === VARIABLE);
    expect(variables.length).toBeGreaterThan(0);
    expect(variables.map((r) => [r.inputs.targets, r.inputs.sensitive])).toEqual(variables.map(() => [["development"], false]));
    expect(secIds(dev)).toEqual([
      ["SEC-STORE", "pass"],
      ["SEC-ENV-SEPARATION", "pass"],
    ]);
  });

  test("a generated value stays a Pulumi secret in AppSecrets.values", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, result: "generated-value" } }), call: () => ({}) },
      "launch-ready",
      "vercel-values",
      false,
    );
    const secrets = new AppSecrets("secrets", {
      secrets: [
        {
          name: "SESSION_SECRET",
          path: `vercel:${PROJECT}/production/SESSION_SECRET`,
          source: "generated",
          description: "Signs session cookies",
          generate: { length: 40, special: false, upper: true, lower: true, numeric: true },
        },
      ],
      store: { kind: "vercel", projectId: PROJECT },
      environment: "production",
    });
    expect(await new Promise((resolve) => pulumi.isSecret(secrets.values.SESSION_SECRET).then(resolve))).toBe(true);
    expect(secrets.arns).toEqual({});
    expect(
      () =>
        new AppSecrets("nowhere", {
          secrets: [{ name: "X_KEY", path: "x", source: "provided", description: "x" }],
          store: { kind: "vercel" },
          environment: "production",
          providedValues: { X_KEY: pulumi.secret("x") },
        }),
    ).toThrow("names no projectId");
  });
});

describe("SEC-STORE and SEC-ENV-SEPARATION on Vercel", () => {
  const prodConfig = withVercel("prod");

  test("a non-sensitive production variable fails SEC-STORE; a missing one fails it by config path", async () => {
    const resources = declared(await plan("prod", prodConfig));
    const context = contextOf("prod", prodConfig);
    const stripe = resources.find((r) => r.type === VARIABLE && r.props.key === "STRIPE_SECRET_KEY")!;
    expect(secStore.checkResource!(stripe, context)).toEqual({ status: "pass", urn: stripe.urn });
    expect(secStore.checkResource!({ ...stripe, props: { ...stripe.props, sensitive: false } }, context)).toEqual(
      expect.objectContaining({
        status: "fail",
        message: expect.stringContaining("STRIPE_SECRET_KEY is a Vercel variable with sensitive: false for production"),
      }),
    );
    // Left out, the provider refuses the variable, and nothing says the value is hidden.
    const { sensitive: _, ...unsaid } = stripe.props;
    expect(secStore.checkResource!({ ...stripe, props: unsaid }, context)).toEqual(
      expect.objectContaining({ status: "fail", message: expect.stringContaining("sets no sensitive flag") }),
    );
    expect(
      failures(
        secStore.checkStack!(
          resources.filter((r) => r !== stripe),
          context,
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:secrets[1]",
        message: expect.stringContaining(`STRIPE_SECRET_KEY has no Vercel environment variable at vercel:${PROJECT}/production/STRIPE_SECRET_KEY`),
      }),
    ]);
    // A variable of another project is none of this stack's.
    expect(secStore.checkResource!({ ...stripe, props: { ...stripe.props, projectId: "prj_other", sensitive: false } }, context).status).toBe("not-applicable");
  });

  test("a production secret that reaches preview, or only preview, is a crossed target", async () => {
    const resources = declared(await plan("prod", prodConfig));
    const context = contextOf("prod", prodConfig);
    expect(failures(secEnvSeparation.checkStack!(resources, context))).toEqual([]);
    const stripe = resources.find((r) => r.type === VARIABLE && r.props.key === "STRIPE_SECRET_KEY")!;
    stripe.props = { ...stripe.props, targets: ["production", "preview"] };
    expect(failures(secEnvSeparation.checkStack!(resources, context))).toEqual([
      expect.objectContaining({
        urn: stripe.urn,
        message: "STRIPE_SECRET_KEY is given to Vercel's preview (staging) deployments too: a production secret targets production only",
      }),
    ]);
    stripe.props = { ...stripe.props, targets: ["preview"] };
    expect(failures(secEnvSeparation.checkStack!(resources, context))).toHaveLength(1);
    expect(failures(secStore.checkStack!(resources, context)).map((v) => v.configPath)).toEqual(["launch-ready:secrets[1]"]);
  });

  test("two production stacks on one project and target collide; staging on the same project does not", () => {
    const other = withVercel("prod");
    const staging = withVercel("staging");
    const collide = failures(secEnvSeparation.checkStack!([], contextOf("prod", prodConfig, [["prod-eu", other]])));
    expect(collide.map((v) => v.configPath)).toEqual(["launch-ready:secretStore.projectId", "launch-ready:secretStore.projectId"]);
    expect(collide[0].message).toContain("give one of the two stacks its own project (launch-ready:secretStore.projectId)");
    expect(failures(secEnvSeparation.checkStack!([], contextOf("prod", prodConfig, [["staging", staging]])))).toEqual([]);
  });
});
