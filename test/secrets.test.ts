/**
 * Issue 6: secrets in a secret manager, the env manifest, and the SEC-* bar items. Secret-looking
 * values are made at test time; none is written into this repository.
 */
import { execFileSync } from "node:child_process";
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { checkEnvironment } from "../components/secrets/env-manifest";
import { contextForStackFile } from "../policies/stack-context";
import { secEnvSeparation } from "../policies/rules/sec-env-separation";
import { secNoPlaintext } from "../policies/rules/sec-no-plaintext";
import { secStore } from "../policies/rules/sec-store";
import type { BarContext, DeclaredResource } from "../policies/bar";
import { checkEnv as checkEnvVerb } from "../scripts/commands/check-env";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig } from "../stacks/stack-config";
import { readStackFile } from "../stacks/stack-file";
import { passphraseCrypter } from "../stacks/stack-secrets";
import { stackFilePath } from "../stacks/project";
import { exampleConfig, exampleStack, FIXTURE_PROJECT, parsedExample, runEntryFile, runInProcess, scratchDir } from "./helpers";

const stripeKey = () =>
  `sk_live_${randomBytes(48)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 40)}`;

function problemsOf(config: Record<string, unknown>) {
  const parsed = parseStackConfig(config);
  return parsed.ok ? [] : parsed.problems;
}

describe("launch-ready:secrets and launch-ready:env", () => {
  test("a provided secret without a value is refused with the command that sets it", () => {
    const config = exampleConfig("prod");
    delete config["launch-ready:secretValues"];
    expect(problemsOf(config)).toEqual([
      {
        path: "launch-ready:secretValues.STRIPE_SECRET_KEY",
        message: "is missing: STRIPE_SECRET_KEY is provided (launch-ready:secrets[1]), so its value must be set",
        example: "pulumi config set --secret --path 'launch-ready:secretValues.STRIPE_SECRET_KEY' --stack <stack>   # then paste the value when asked",
      },
    ]);
  });

  test("a value in the wrong place is refused by its key, and the value is never echoed", () => {
    const config = exampleConfig("prod");
    const leaked = stripeKey();
    config["launch-ready:secretValues"] = { STRIPE_SECRET_KEY: "[secret]", SESSION_SECRET: leaked, STRIPE_KEY: leaked };
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual(["launch-ready:secretValues.SESSION_SECRET", "launch-ready:secretValues.STRIPE_KEY"]);
    expect(problems[0].message).toContain("SESSION_SECRET, which is generated");
    expect(JSON.stringify(problems)).not.toContain(leaked);
  });

  test("a secret is generated or provided, never both or neither; names are env-var names", () => {
    const config = exampleConfig("prod");
    config["launch-ready:secrets"].push(
      { name: "BOTH", generate: { length: 32 }, provided: true },
      { name: "NEITHER" },
      { name: "lower-case", provided: true },
    );
    const problems = problemsOf(config);
    expect(problems.map((p) => [p.path, p.message.split(",")[0]])).toEqual([
      ["launch-ready:secrets[4].name", "must be an environment-variable name in upper case"],
    ]);
    config["launch-ready:secrets"].pop();
    expect(problemsOf(config).map((p) => [p.path, p.message])).toEqual([
      ["launch-ready:secrets[2]", "BOTH must be either generated (generate: { length: 40 }) or provided (provided: true), not both"],
      ["launch-ready:secrets[3]", "NEITHER must be either generated (generate: { length: 40 }) or provided (provided: true), and is neither"],
    ]);
  });

  test("the env manifest is cross-checked: enum values, secret links, no example for a secret", () => {
    const config = exampleConfig("prod");
    config["launch-ready:env"].push(
      { name: "MODE", format: "enum" },
      { name: "API_KEY", format: "secret", secret: "NOT_DECLARED", example: "abc" },
      { name: "PORT", format: "number", values: ["80"] },
      { name: "DATABASE_URL", format: "url" },
    );
    expect(problemsOf(config).map((p) => p.path)).toEqual([
      "launch-ready:env[6].values",
      "launch-ready:env[7].example",
      "launch-ready:env[7].secret",
      "launch-ready:env[8].values",
      "launch-ready:env[9].name",
    ]);
  });

  test("a description or example is one line: a line break would write an assignment of its own into .env.example", () => {
    const config = exampleConfig("prod");
    config["launch-ready:env"].push(
      { name: "LOG_LEVEL_A", description: "Log level\nDATABASE_URL=postgres://attacker.example/db" },
      { name: "LOG_LEVEL_B", example: "info\r\nLOG_LEVEL=debug" },
    );
    expect(problemsOf(config).map((p) => [p.path, p.message])).toEqual([
      ["launch-ready:env[6].description", "must be one line: it is written into .env.example as a comment"],
      ["launch-ready:env[7].example", "must be one line: it is written into .env.example as the variable's value"],
    ]);
  });
});

describe("the secrets in the plan", () => {
  test("the prod example stores each secret in Secrets Manager under the production path, values only ever [secret]", async () => {
    const report = await planStack(exampleStack("prod"));
    const secrets = report.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
    expect(secrets.map((r) => r.inputs.name).sort()).toEqual(["/launch-ready/production/SESSION_SECRET", "/launch-ready/production/STRIPE_SECRET_KEY"]);
    expect(secrets.every((r) => r.protect && r.inputs.recoveryWindowInDays === 30)).toBe(true);
    const versions = report.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    // The generated value is unknown until `pulumi up` and the provided one is secret config: both only ever [secret].
    expect(versions.map((r) => [r.name, r.inputs.secretString]).sort()).toEqual([
      ["SESSION_SECRET-version", "[secret]"],
      ["STRIPE_SECRET_KEY-version", "[secret]"],
    ]);
    expect(report.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")?.inputs).toMatchObject({ length: 48, special: false });
    expect(report.bar.filter((r) => r.id.startsWith("SEC-")).map((r) => [r.id, r.status])).toEqual([
      ["SEC-NO-PLAINTEXT", "pass"],
      ["SEC-STORE", "pass"],
      ["SEC-ENV-SEPARATION", "pass"],
    ]);
  });

  test("ssm stores a SecureString with the KMS key asked for", async () => {
    const file = exampleStack("dev");
    file.config["launch-ready:secretStore"] = { kind: "ssm", kmsKeyId: "alias/launch-ready", region: "eu-west-1" };
    const report = await planStack(file);
    expect(report.resources.filter((r) => r.type === "aws:ssm/parameter:Parameter").map((r) => r.inputs)).toEqual([
      expect.objectContaining({
        name: "/launch-ready/development/SESSION_SECRET",
        type: "SecureString",
        keyId: "alias/launch-ready",
        region: "eu-west-1",
        value: "[secret]",
      }),
    ]);
  });
});

/** A stack directory with the given stack files, written as YAML. */
function stackDir(files: Record<string, Record<string, unknown>>): string {
  const dir = scratchDir("launch-ready-sec-");
  for (const [stack, document] of Object.entries(files)) writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify(document));
  return dir;
}

async function judge(rule: typeof secNoPlaintext, resources: DeclaredResource[], context: BarContext) {
  return [...(rule.checkStack?.(resources, context) ?? []), ...((await rule.checkStackAsync?.(resources, context)) ?? [])];
}

async function prodResources(): Promise<DeclaredResource[]> {
  const report = await planStack(exampleStack("prod"));
  return report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect }));
}

describe("SEC-NO-PLAINTEXT", () => {
  test("a provided secret or a provider credential written in plain text fails by key, without the value", async () => {
    const key = stripeKey();
    const token = randomBytes(30).toString("base64url").slice(0, 40);
    const config = { ...exampleConfig("prod"), "launch-ready:secretValues": { STRIPE_SECRET_KEY: key }, "cloudflare:apiToken": token };
    const dir = stackDir({ prod: { config } });
    const context = contextForStackFile(readStackFile(join(dir, "Pulumi.prod.yaml")));
    const verdicts = await judge(secNoPlaintext, [], context);
    expect(verdicts.map((v) => v.status === "fail" && v.configPath)).toEqual(["launch-ready:secretValues.STRIPE_SECRET_KEY", "cloudflare:apiToken"]);
    expect(JSON.stringify(verdicts)).not.toContain(key);
    expect(JSON.stringify(verdicts)).not.toContain(token);
  });

  test("a secret-looking value anywhere in plain config or in a resource input fails, located", async () => {
    const key = stripeKey();
    const config = exampleConfig("prod");
    config["launch-ready:hosts"][2].comment = `key ${key}`;
    const dir = stackDir({ prod: { config } });
    const resources = await prodResources();
    const record = resources.find((r) => r.name === "www.example.com-CNAME")!;
    record.props = { ...record.props, comment: `STRIPE_SECRET_KEY=${key}` };
    const verdicts = await judge(secNoPlaintext, resources, contextForStackFile(readStackFile(join(dir, "Pulumi.prod.yaml"))));
    expect(verdicts.filter((v) => v.status === "fail")).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:hosts[2].comment",
        message: expect.stringContaining("Stripe secret or restricted key: sk_live_********"),
      }),
      expect.objectContaining({ urn: record.urn, message: expect.stringContaining("input www.example.com-CNAME comment holds a secret") }),
    ]);
    expect(JSON.stringify(verdicts)).not.toContain(key.slice(8));
  });

  test("inputs that are the home of a secret are not reported: the engine sends them to policies decrypted", async () => {
    const resources = await prodResources();
    const version = resources.find((r) => r.name === "STRIPE_SECRET_KEY-version")!;
    version.props = { ...version.props, secretString: stripeKey() };
    expect(await judge(secNoPlaintext, resources, { config: parsedExample("prod") })).toEqual([{ status: "pass", urn: undefined }]);
  });
});

describe("SEC-STORE", () => {
  test("a declared secret with no store fails; a plain String parameter in the stack's secret path fails", async () => {
    const resources = (await prodResources()).filter((r) => r.name !== "STRIPE_SECRET_KEY");
    const context: BarContext = { config: parsedExample("prod"), project: "launch-ready" };
    expect(secStore.checkStack!(resources, context).filter((v) => v.status === "fail")).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("STRIPE_SECRET_KEY has no AWS Secrets Manager secret named /launch-ready/production/STRIPE_SECRET_KEY"),
        configPath: "launch-ready:secrets[1]",
      }),
    ]);
    const plain = {
      urn: "urn:pulumi:prod::launch-ready::aws:ssm/parameter:Parameter::x",
      type: "aws:ssm/parameter:Parameter",
      name: "x",
      props: { name: "/launch-ready/production/API_KEY", type: "String" },
    };
    expect(secStore.checkResource!(plain, context)).toMatchObject({ status: "fail", message: expect.stringContaining("needs type SecureString") });
    const elsewhere = { ...plain, props: { name: "/other-app/feature-flags", type: "String" } };
    expect(secStore.checkResource!(elsewhere, context).status).toBe("not-applicable");
  });
});

describe("SEC-ENV-SEPARATION", () => {
  test("reads Pulumi's passphrase provider: the CLI's own test vector decrypts, a wrong passphrase is refused", () => {
    // pulumi/pulumi tests/roundtrip/roundtrip_test.go: passphrase, encryptionsalt and a secure value.
    const crypter = passphraseCrypter("v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==", "TestConfigRoundtripComments");
    expect(crypter.decrypt("v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA==")).toBe("secret-value");
    expect(() => passphraseCrypter("v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==", "not the password")).toThrow("incorrect passphrase");
  });

  /** A stack document as `pulumi config set --secret` writes it with the passphrase provider, made here with node:crypto. */
  function encryptedStack(stack: string, environment: string, secretValue: string, passphrase: string): Record<string, unknown> {
    const salt = randomBytes(8);
    const key = pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
    const seal = (plain: string) => {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      return `v1:${nonce.toString("base64")}:${Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString("base64")}`;
    };
    const config = exampleConfig(stack);
    config["launch-ready:environment"] = environment;
    return {
      encryptionsalt: `v1:${salt.toString("base64")}:${seal("pulumi")}`,
      config: { ...config, "launch-ready:secretValues": { STRIPE_SECRET_KEY: { secure: seal(secretValue) } } },
    };
  }

  test("production and staging sharing a provided value fail, by key and never by value; different values pass", () => {
    const passphrase = randomBytes(9).toString("hex");
    const shared = stripeKey();
    const dir = stackDir({ prod: encryptedStack("prod", "production", shared, passphrase), staging: encryptedStack("staging", "staging", shared, passphrase) });
    const env = { PULUMI_CONFIG_PASSPHRASE: passphrase };
    const verdicts = secEnvSeparation.checkStack!([], contextForStackFile(readStackFile(join(dir, "Pulumi.prod.yaml")), { env }));
    expect(verdicts.filter((v) => v.status === "fail")).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:secretValues.STRIPE_SECRET_KEY",
        message: expect.stringContaining("has the same value as launch-ready:secretValues.STRIPE_SECRET_KEY of stack staging (staging)"),
      }),
    ]);
    expect(JSON.stringify(verdicts)).not.toContain(shared);

    const apart = stackDir({
      prod: encryptedStack("prod", "production", stripeKey(), passphrase),
      staging: encryptedStack("staging", "staging", stripeKey(), passphrase),
    });
    expect(secEnvSeparation.checkStack!([], contextForStackFile(readStackFile(join(apart, "Pulumi.prod.yaml")), { env }))).toEqual([
      { status: "pass", urn: undefined },
    ]);
  });

  test("without a passphrase the values are not compared, and the rule says so", () => {
    const verdicts = secEnvSeparation.checkStack!([], contextForStackFile(exampleStack("prod"), { env: {} }));
    expect(verdicts).toEqual([
      { status: "pass", urn: undefined },
      { status: "not-applicable", message: "secret values were not compared across stacks: no PULUMI_CONFIG_PASSPHRASE (or _FILE) is set", urn: undefined },
    ]);
  });

  test("two stacks storing secrets at one path fail, naming the other stack", () => {
    const staging = exampleConfig("staging");
    staging["launch-ready:secretStore"].pathPrefix = "/launch-ready/production";
    const dir = stackDir({ prod: { config: exampleConfig("prod") }, staging: { config: staging } });
    const context = contextForStackFile(readStackFile(join(dir, "Pulumi.prod.yaml")));
    const failures = secEnvSeparation.checkStack!([], context).filter((v) => v.status === "fail");
    expect(failures.map((v) => v.status === "fail" && v.message.split(":")[0])).toEqual([
      "SESSION_SECRET is stored at /launch-ready/production/SESSION_SECRET, which stack staging (staging) uses too",
      "STRIPE_SECRET_KEY is stored at /launch-ready/production/STRIPE_SECRET_KEY, which stack staging (staging) uses too",
    ]);
  });
});

/** The check:env verb in this process, as `npm run check:env -- ...` runs it; `env` is all the environment it sees. */
function checkEnv(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return runInProcess(checkEnvVerb, args, { failedAs: "check:env failed", failureCode: 2, env: { ...env }, ...(cwd ? { cwd } : {}) });
}

describe("npm run check:env", () => {
  // Absolute, so the verb can run in a scratch directory where relative --dotenv and --write-example paths start.
  const prodFile = stackFilePath(FIXTURE_PROJECT, "prod");

  test("reports a missing required variable and a malformed one by name, and never prints a value", async () => {
    const session = randomBytes(24).toString("hex");
    const badUrl = `not-a-url-${randomBytes(6).toString("hex")}`;
    const { code, stdout } = await checkEnv(["--stack", "prod", "--json"], {
      SESSION_SECRET: session,
      DATABASE_URL: badUrl,
      SUPPORT_EMAIL: "support@example.com",
      PUBLIC_APP_URL: "https://www.example.com",
    });
    expect(code).toBe(1);
    expect(stdout).not.toContain(session);
    expect(stdout).not.toContain(badUrl);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ stack: "prod", environment: "production", source: "the current process environment" });
    expect(report.checks.map((c: any) => [c.id, c.target, c.status])).toEqual([
      ["SEC-ENV-SEPARATION", "DATABASE_URL", "fail"],
      ["SEC-ENV-SEPARATION", "SESSION_SECRET", "pass"],
      ["SEC-ENV-SEPARATION", "STRIPE_SECRET_KEY", "fail"],
      ["SEC-ENV-SEPARATION", "PUBLIC_APP_URL", "pass"],
      ["SEC-ENV-SEPARATION", "SUPPORT_EMAIL", "pass"],
      ["SEC-ENV-SEPARATION", "LOG_LEVEL", "warn"],
    ]);
    expect(report.checks[0].detail).toBe("malformed: is not an absolute URL (scheme://host/...)");
    expect(report.checks[2].detail).toBe("missing: required in production (Stripe API key for charges and refunds)");
  });

  test("checks a .env file instead, in a table, and passes when all is well", async () => {
    const dir = scratchDir("launch-ready-env-");
    const secret = randomBytes(24).toString("base64url");
    writeFileSync(
      join(dir, ".env"),
      `DATABASE_URL=postgres://app:${secret}@db.internal:5432/app\nSESSION_SECRET=${secret}\nSTRIPE_SECRET_KEY="${randomBytes(24).toString("hex")}"\nPUBLIC_APP_URL=https://www.example.com\nSUPPORT_EMAIL=support@example.com\nLOG_LEVEL=info\n`,
    );
    // A relative --dotenv is read from the verb's working directory, and named as given.
    const { code, stdout } = await checkEnv(["--config", prodFile, "--dotenv", ".env"], {}, dir);
    expect(stdout).toContain("Env manifest of prod (production) against .env:");
    expect(stdout).toContain("SEC-ENV-SEPARATION (live): PASS");
    expect(stdout).not.toContain(secret);
    expect(code).toBe(0);
  });

  test("writes .env.example with names, comments and where secrets live, and no secret value", async () => {
    const dir = scratchDir("launch-ready-example-");
    const target = join(dir, ".env.example");
    const { code, stdout } = await checkEnv(["--config", prodFile, "--write-example", ".env.example"], {}, dir);
    expect(code).toBe(0);
    expect(stdout).toBe("Wrote .env.example: 6 variables for prod (production).\n");
    const text = readFileSync(target, "utf8");
    expect(text).toContain(
      "# Signs session cookies. Format: secret. Required. Value: AWS Secrets Manager at /launch-ready/production/SESSION_SECRET.\nSESSION_SECRET=\n",
    );
    expect(text).toContain("LOG_LEVEL=info\n");
    expect(text.match(/^[A-Z_]+=/gm)).toEqual(["DATABASE_URL=", "SESSION_SECRET=", "STRIPE_SECRET_KEY=", "PUBLIC_APP_URL=", "SUPPORT_EMAIL=", "LOG_LEVEL="]);
  });

  test("--write-example refuses to replace a hand-written .env (exit 2, byte for byte kept) unless --force", async () => {
    const dir = scratchDir("launch-ready-example-");
    const target = join(dir, ".env");
    const secret = randomBytes(24).toString("hex");
    const handWritten = `# ours\nSESSION_SECRET=${secret}\r\nDATABASE_URL=postgres://db.internal/app\n`;
    writeFileSync(target, handWritten);
    const refused = await checkEnv(["--config", prodFile, "--write-example", ".env"], {}, dir);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      "--write-example .env already exists and was not written by --write-example; nothing was written. Give --force to replace it, or --write-example another file.\n",
    );
    expect(readFileSync(target, "utf8")).toBe(handWritten);
    const json = await checkEnv(["--config", prodFile, "--write-example", ".env", "--json"], {}, dir);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ error: expect.stringContaining("Give --force to replace it"), problems: [] });
    expect(readFileSync(target, "utf8")).toBe(handWritten);
    // --force is for --write-example only.
    expect((await checkEnv(["--config", prodFile, "--force"], {}, dir)).code).toBe(2);

    const forced = await checkEnv(["--config", prodFile, "--write-example", ".env", "--force"], {}, dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe("Wrote .env: 6 variables for prod (production).\n");
    expect(readFileSync(target, "utf8")).toMatch(/^# Environment variables the app needs in stack prod \(production\)\.\n/);
    expect(readFileSync(target, "utf8")).not.toContain(secret);
  });

  test("--write-example replaces a file it wrote before without --force, but not a filled-in copy of it", async () => {
    const dir = scratchDir("launch-ready-example-");
    const stackFile = join(dir, "Pulumi.prod.yaml");
    const raw = readFileSync(prodFile, "utf8");
    writeFileSync(stackFile, raw);
    const target = join(dir, ".env.example");
    expect((await checkEnv(["--config", stackFile, "--write-example", ".env.example"], {}, dir)).code).toBe(0);
    const first = readFileSync(target, "utf8");
    // The manifest grows a variable: the file the kit wrote is simply regenerated.
    const added = "    - { name: SUPPORT_EMAIL,";
    expect(raw).toContain(added);
    writeFileSync(stackFile, raw.replace(added, `    - { name: FEATURE_FLAGS, format: string, required: false, example: beta }\n${added}`));
    const again = await checkEnv(["--config", stackFile, "--write-example", ".env.example"], {}, dir);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(readFileSync(target, "utf8")).not.toBe(first);
    expect(readFileSync(target, "utf8")).toContain("FEATURE_FLAGS=beta\n");

    // cp .env.example .env, then real values filled in: no longer the kit's file.
    const secret = randomBytes(24).toString("hex");
    const filled = readFileSync(target, "utf8").replace("SESSION_SECRET=\n", `SESSION_SECRET=${secret}\n`);
    writeFileSync(join(dir, ".env"), filled);
    const refused = await checkEnv(["--config", stackFile, "--write-example", ".env"], {}, dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--write-example .env already exists and holds a value --write-example would not write");
    expect(refused.stderr).toContain("SESSION_SECRET");
    expect(refused.stderr).not.toContain(secret);
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe(filled);
  });

  test("a stack that does not exist is a usage error naming the stacks there are", async () => {
    const { code, stderr } = await checkEnv(["--stack", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Stacks in stacks/: dev, prod, staging.");
  });

  test("an env file that cannot be read is a usage error naming it", async () => {
    const { code, stdout, stderr } = await checkEnv(["--config", prodFile, "--dotenv", "absent.env"], {}, scratchDir("launch-ready-env-"));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/absent\.env cannot be read \(ENOENT\)\n$/);
    // A FIFO would block the read, a device never ends it: both are refused before reading.
    const dir = scratchDir("launch-ready-env-");
    execFileSync("mkfifo", [join(dir, "fifo.env")]);
    for (const given of [join(dir, "fifo.env"), "/dev/zero"]) {
      const refused = await checkEnv(["--config", prodFile, "--dotenv", given], {}, dir);
      expect(refused.code, given).toBe(2);
      expect(refused.stderr, given).toBe(`--dotenv ${given} is not a regular file (a pipe, a socket or a device): give the path of a file\n`);
    }
  });
});

describe("the check:env entry file", () => {
  test("npm run check:env checks the process environment it is started with, and exits with the verb's code", async () => {
    const env = {
      SESSION_SECRET: randomBytes(24).toString("hex"),
      DATABASE_URL: `not-a-url-${randomBytes(6).toString("hex")}`,
      SUPPORT_EMAIL: "support@example.com",
      PUBLIC_APP_URL: "https://www.example.com",
    };
    const child = await runEntryFile("check-env", ["--stack", "prod", "--json"], { PATH: process.env.PATH!, ...env });
    expect(child.stderr).toBe("");
    expect(child.code).toBe(1);
    const report = JSON.parse(child.stdout);
    expect(report.checks.filter((c: any) => c.status === "pass").map((c: any) => c.target)).toEqual(["SESSION_SECRET", "PUBLIC_APP_URL", "SUPPORT_EMAIL"]);
    expect(report).toEqual(JSON.parse((await checkEnv(["--stack", "prod", "--json"], env)).stdout));
  });
});

describe("the env manifest's formats", () => {
  const manifest = parsedExample("prod").env;
  const ok = {
    DATABASE_URL: "postgres://db.internal/app",
    SESSION_SECRET: `${"x".repeat(8)}9f3kQ2mZ7pL1`,
    STRIPE_SECRET_KEY: `sk_live_${"a1".repeat(12)}`,
    PUBLIC_APP_URL: "https://www.example.com",
    SUPPORT_EMAIL: "a@b.co",
  };
  const status = (overrides: Record<string, string>, environment: "production" | "development" = "production") =>
    Object.fromEntries(checkEnvironment(manifest, environment, { ...ok, ...overrides }).map((c) => [c.target, `${c.status}: ${c.detail}`]));

  test.each([
    [{ SESSION_SECRET: "changeme" }, "SESSION_SECRET", "fail: malformed: is a placeholder, not a secret"],
    [{ SESSION_SECRET: "short-secret" }, "SESSION_SECRET", "fail: malformed: is shorter than 16 characters, too short for a secret"],
    [{ STRIPE_SECRET_KEY: `sk_test_${"b2".repeat(12)}` }, "STRIPE_SECRET_KEY", "fail: malformed: is a Stripe test-mode key in production"],
    [{ DATABASE_URL: "postgres://localhost/app" }, "DATABASE_URL", "fail: malformed: points at this machine (localhost) in production"],
    [{ SUPPORT_EMAIL: "support" }, "SUPPORT_EMAIL", "fail: malformed: is not an email address (name@example.com)"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL", "fail: malformed: is not one of debug, info, warn, error"],
    [
      { PUBLIC_APP_URL: " https://www.example.com" },
      "PUBLIC_APP_URL",
      "fail: malformed: has leading or trailing whitespace (a common copy-paste slip in .env files)",
    ],
    [{ DATABASE_URL: "" }, "DATABASE_URL", "fail: missing: required in production (Postgres connection string from the database provider)"],
  ])("%o: %s is %s", (overrides, name, expected) => {
    expect(status(overrides)[name]).toBe(expected);
  });

  test("a variable not needed in this environment is skipped", () => {
    const narrowed = manifest.map((v) => (v.name === "STRIPE_SECRET_KEY" ? { ...v, environments: ["production" as const] } : v));
    const checks = checkEnvironment(narrowed, "development", {});
    expect(checks.find((c) => c.target === "STRIPE_SECRET_KEY")).toMatchObject({ status: "skip", detail: "not needed in development (only production)" });
  });
});
