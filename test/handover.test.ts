/** npm run handover: the generated section of HANDOVER.md, its --check, and what it must never contain. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { secretSpecs } from "../components/secrets/stored-secrets";
import { handover as handoverVerb } from "../scripts/commands/handover";
import { renderHandoverSection } from "../scripts/handover/handover";
import { firstDifference, handoverSections, HandoverDocumentError, withSection } from "../scripts/handover/handover-document";
import { outputDifferences, parseStackOutputs, StackOutputsError } from "../scripts/handover/stack-outputs";
import { passphraseCrypter } from "../stacks/stack-secrets";
import { parseStackConfig } from "../stacks/stack-config";
import { KIT_NAME, stackFilePath } from "../stacks/project";
import { EXAMPLE_STACKS, exampleConfig, exampleStack, FIXTURE_PROJECT, parsedExample, runEntryFile, runInProcess, scratchDir, scratchProject } from "./helpers";

const EXAMPLE_PASSPHRASE = "launch-ready-example";

/** The handover verb in this process, as `npm run handover -- ...` runs it through its entry file. */
function handover(...args: string[]) {
  return runInProcess(handoverVerb, args, { failedAs: "handover failed" });
}

function render(stack = "prod", config = parsedExample(stack), file = exampleStack(stack)) {
  return renderHandoverSection({
    stack,
    stackFile: `stacks/Pulumi.${stack}.yaml`,
    command: `npm run handover -- --stack ${stack}`,
    project: KIT_NAME,
    policyPack: "policies",
    config,
    encryption: file.encryption,
    hasSecureValues: file.secureValues.length > 0,
  });
}

const handoverDir = () => scratchDir("launch-ready-handover-");

describe("the prod section", () => {
  const config = parsedExample("prod");
  const text = render("prod", config);

  test("names every declared host, record, secret, env variable and monitor, with who is alerted", () => {
    for (const host of config.hosts) expect(text).toContain(`| ${host.fqdn} | ${host.purpose} |`);
    for (const record of config.records) expect(text).toContain(record.content);
    for (const secret of secretSpecs(config, KIT_NAME)) expect(text).toContain(`| ${secret.name} | \`${secret.path}\` |`);
    for (const variable of config.env.filter((v) => v.environments.includes("production"))) expect(text).toContain(`| ${variable.name} |`);
    for (const monitor of config.monitoring.monitors) expect(text).toContain(`| ${monitor.id} | ${monitor.url} |`);
    expect(text).toContain(`Alerts go to ${config.monitoring.emails.join(", ")}`);
    // 30 s x 3 failures, plus the alarm's minute.
    expect(text).toContain("Worst case from the first failed request to the alert: 150 s");
  });

  test("names the dashboard and each core endpoint's latency and error-rate alarms (MON-LATENCY)", () => {
    expect(text).toContain(
      "Dashboard: CloudWatch `example-com-production`, https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/example-com-production",
    );
    expect(text).toContain("| home | GET https://www.example.com/ | p95 > 300 ms over 5 min | > 2 % failing over 5 min |");
    expect(text).toContain("| create-project | GET https://api.example.com/health/create-project (stand-in for POST) | p95 > 800 ms over 5 min |");
    expect(render("dev", parsedExample("dev"))).toContain("**None.** Checkly cannot alarm on a p95 or an error rate");
  });

  test("holds the access inventory, the renewal date and the least-privilege token", () => {
    expect(text).toContain("| Registrar | Cloudflare Registrar |  | founder@example.com | example.com: renews 2030-09-14, auto-renew on |");
    for (const system of ["Cloudflare", "AWS", "Pulumi state backend", "Email provider"])
      expect(text).toMatch(new RegExp(`^\\| ${system} \\| .+ \\| founder@example\\.com \\|`, "m"));
    expect(text).toContain("| Zone · DNS · Edit | DNS records |");
    expect(text).not.toContain("Access: Apps and Policies");
  });

  test("says what opens the stack file's secrets: passphrase, KMS key or Pulumi Cloud", () => {
    expect(text).toContain("are encrypted with a passphrase: whoever deploys needs it as `PULUMI_CONFIG_PASSPHRASE`");
    const file = exampleStack("prod");
    const kms = "awskms://alias/example-com-pulumi-state-pulumi?region=eu-west-1";
    expect(render("prod", config, { ...file, encryption: { secretsprovider: kms, encryptedkey: "AQICAHh" } })).toContain(
      `encrypted with the AWS KMS key \`${kms}\``,
    );
    expect(render("prod", config, { ...file, encryption: {} })).toContain("are encrypted by Pulumi Cloud with the stack's own key");
    expect(render("prod", config, { ...file, encryption: {}, secureValues: [] })).toContain("names no secrets provider yet");
  });

  test("carries the rollback steps with the longest DNS-only TTL, the checklist and the watch list", () => {
    expect(text).toContain("`pulumi stack history --stack prod`");
    expect(text).toContain("`npm run rollback -- --stack prod --to <commit> --apply`");
    expect(text).toContain("cached by resolvers for up to 300 s");
    expect(text).toContain("- [ ] `npm run handover -- --stack prod --check` passes");
    expect(text).toContain("### First 72 hours after launch");
  });

  test("contains no secret value: not the decrypted provided secrets, not their ciphertext", async () => {
    const file = exampleStack("prod");
    expect(file.secureValues.length).toBeGreaterThan(0);
    const crypter = passphraseCrypter(file.encryption.encryptionsalt!, EXAMPLE_PASSPHRASE);
    for (const { path, ciphertext } of file.secureValues) {
      const plaintext = crypter.decrypt(ciphertext);
      expect(plaintext.length, path).toBeGreaterThan(8);
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain(ciphertext);
    }
    // The document the verb writes too, with every stack's section in it.
    const document = join(handoverDir(), "HANDOVER.md");
    for (const stack of EXAMPLE_STACKS) expect((await handover("--stack", stack, "--file", document)).code).toBe(0);
    const written = readFileSync(document, "utf8");
    for (const { ciphertext } of file.secureValues) {
      expect(written).not.toContain(crypter.decrypt(ciphertext));
      expect(written).not.toContain(ciphertext);
    }
  });

  test("does not change with the date: a DMARC ramp is listed, not applied", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:email"].dmarc = { ...raw["launch-ready:email"].dmarc, policy: "none", ramp: [{ from: "2020-01-01", policy: "quarantine" }] };
    const ramped = render("prod", parsedExampleFrom(raw));
    expect(ramped).toContain("v=DMARC1; p=none;");
    expect(ramped).toContain("applies its step: quarantine from 2020-01-01");
  });

  test("shows what is missing instead of leaving it out", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:handover"] = {};
    const bare = render("prod", parsedExampleFrom(raw));
    expect(bare).toContain("**Nobody is named.**");
    expect(bare).toContain("| Registrar | **unknown** |");
    expect(bare).toContain("| AWS | **not listed** |  | **nobody named** |");
  });
});

function parsedExampleFrom(raw: Record<string, unknown>) {
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

describe("the document", () => {
  test("a section is replaced in place and everything around it is kept byte for byte", () => {
    const before = "# Handover\n\nWritten by hand.\n";
    const once = withSection(before, "prod", "generated 1\n");
    const twice = withSection(`${once}\nMore hand-written text.\n`, "prod", "generated 2\n");
    expect(twice).toBe(
      `${before}\n<!-- launch-ready:handover begin stack=prod -->\ngenerated 2\n<!-- launch-ready:handover end stack=prod -->\n\nMore hand-written text.\n`,
    );
    expect(handoverSections(twice)).toEqual([expect.objectContaining({ stack: "prod", body: "generated 2\n" })]);
  });

  test("the outputs file is remembered in the begin marker, whatever characters its path holds", () => {
    const text = withSection("", "prod", "x\n", "deploy/prod.json");
    expect(handoverSections(text)[0]).toMatchObject({ stack: "prod", outputs: "deploy/prod.json" });
    const awkward = withSection("", "prod", "x\n", "my deploys/prod --> out.json");
    expect(awkward).toContain("outputs=my%20deploys/prod%20--%3E%20out.json -->");
    expect(handoverSections(awkward)[0]).toMatchObject({ stack: "prod", outputs: "my deploys/prod --> out.json" });
  });

  test("broken markers are refused with the line", () => {
    expect(() => handoverSections("a\n<!-- launch-ready:handover begin stack=prod -->\nb\n")).toThrow(
      new HandoverDocumentError("line 2: the section of stack prod has no end marker"),
    );
    expect(() => handoverSections("<!-- launch-ready:handover end stack=dev -->")).toThrow(/line 1: an end marker for stack dev without its begin marker/);
    const duplicate = withSection(withSection("", "dev", "a\n"), "prod", "b\n")
      .replace("stack=prod", "stack=dev")
      .replace("end stack=prod", "end stack=dev");
    expect(() => handoverSections(duplicate)).toThrow(/stack dev has a second section/);
  });

  test("an outputs path in a begin marker that is not percent-encoded as the handover writes it is refused with the line", () => {
    const text = `# Handover\n\n${withSection("", "prod", "x\n", "deploy/prod.json").replace("outputs=deploy/prod.json", "outputs=%E0%A4%A")}`;
    expect(() => handoverSections(text)).toThrow(new HandoverDocumentError('line 3: outputs="%E0%A4%A" is not a percent-encoded path'));
  });

  test("firstDifference points at the first changed line", () => {
    expect(firstDifference("a\nb\nc", "a\nB\nc")).toEqual({ line: 2, committed: "b", fresh: "B" });
    expect(firstDifference("a\n", "a\n")).toBeUndefined();
  });
});

describe("deployed outputs", () => {
  const config = parsedExample("prod");
  const matching = {
    canonicalUrl: "https://www.example.com",
    hosts: Object.fromEntries(config.hosts.map((h) => [h.fqdn, { purpose: h.purpose, proxied: h.proxied, records: [] }])),
    secrets: Object.fromEntries(secretSpecs(config, KIT_NAME).map((s) => [s.name, s.path])),
    monitors: Object.fromEntries(config.monitoring.monitors.map((m) => [m.id, m.url])),
  };

  test("outputs that match the stack file raise nothing; each drift is named", () => {
    expect(outputDifferences(config, KIT_NAME, matching)).toEqual([]);
    const drifted = structuredClone(matching);
    delete drifted.hosts["docs.example.com"];
    drifted.hosts["old.example.com"] = { purpose: "web", proxied: true, records: [] };
    drifted.hosts["api.example.com"].proxied = false;
    delete drifted.secrets.STRIPE_SECRET_KEY;
    expect(outputDifferences(config, KIT_NAME, drifted)).toEqual([
      "api.example.com is deployed DNS only, declared proxied",
      "old.example.com is deployed but no longer declared",
      "docs.example.com is declared but not deployed yet",
      "secret STRIPE_SECRET_KEY is declared but not deployed yet",
    ]);
  });

  test("DNS-DNSSEC: the DS record from the outputs, or the command that prints it, and the registrar's steps", () => {
    // Before pulumi up: the command that prints the DS; Cloudflare Registrar adds it itself.
    const before = render("prod", config);
    expect(before).toContain("`pulumi stack output dnssec --stack prod` prints it (key tag, algorithm, digest type, digest)");
    expect(before).toContain("1. Cloudflare Registrar adds the DS record itself: nothing to enter by hand.");
    // Once deployed: the four fields, as the outputs carry them (the provider gives some numbers as strings).
    const outputs = parseStackOutputs(
      JSON.stringify({
        ...matching,
        dnssec: { keyTag: 2371, algorithm: "13", digestType: "2", digest: "e7f6a9cd", record: "example.com. 3600 IN DS 2371 13 2 e7f6a9cd" },
      }),
      "prod-outputs.json",
    );
    const elsewhere = {
      ...config,
      handover: { ...config.handover, registrar: { ...config.handover.registrar!, name: "Namecheap", account: "example-founder" } },
    };
    const after = renderHandoverSection({
      stack: "prod",
      stackFile: "stacks/Pulumi.prod.yaml",
      command: "npm run handover -- --stack prod",
      project: KIT_NAME,
      policyPack: "policies",
      config: elsewhere,
      encryption: exampleStack("prod").encryption,
      hasSecureValues: true,
      outputs: { file: "prod-outputs.json", values: outputs },
    });
    expect(after).toContain("| 2371 | 13 (ECDSA Curve P-256 with SHA-256) | 2 (SHA-256) | `E7F6A9CD` |");
    expect(after).toContain(
      "1. At Namecheap (account `example-founder`), which founder@example.com holds, open example.com's DNSSEC (DS records) settings and add one DS record with the four values above.",
    );
    expect(() => parseStackOutputs(JSON.stringify({ dnssec: { keyTag: 1, algorithm: 13, digestType: 2, digest: "| not hex" } }), "o.json")).toThrow(
      /dnssec\.digest must be the digest in hex/,
    );
    // A zone declared unsigned says so; a stack in another stack's zone has no section of its own.
    expect(render("prod", { ...config, zone: { ...config.zone, dnssec: false } })).toContain("**The zone is not signed** (`launch-ready:zone.dnssec: false`)");
    expect(render("staging")).not.toContain("### DNSSEC");
  });

  test("only known keys are read, so a value shown by mistake is never copied", () => {
    const parsed = parseStackOutputs(JSON.stringify({ ...matching, databasePassword: "hunter2-not-real" }), "outputs.json");
    expect(JSON.stringify(parsed)).not.toContain("hunter2-not-real");
    expect(() => parseStackOutputs("{", "outputs.json")).toThrow(StackOutputsError);
    expect(() => parseStackOutputs(JSON.stringify({ hosts: { "a.example.com": { proxied: "yes" } } }), "outputs.json")).toThrow(/hosts\.a\.example\.com\./);
  });
});

describe("npm run handover", () => {
  test("--check fails after a change to the stack file, and passes once regenerated", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    const introduction = "# Handover\n\nWritten by hand: call Ada first.\n\n---\n";
    writeFileSync(document, introduction);
    for (const stack of ["dev", "staging"]) expect((await handover("--stack", stack, "--file", document)).code).toBe(0);
    const otherSections = readFileSync(document, "utf8").slice(introduction.length);
    const stackFile = join(dir, "Pulumi.prod.yaml");
    writeFileSync(stackFile, readFileSync(stackFilePath(FIXTURE_PROJECT, "prod")));
    // Written against this copy of the stack file, so it is its own section.
    expect((await handover("--config", stackFile, "--file", document)).code).toBe(0);
    expect((await handover("--config", stackFile, "--file", document, "--check")).code).toBe(0);

    const raw = readFileSync(stackFile, "utf8");
    writeFileSync(stackFile, raw.replace("      target: hosting.gitbook.io", "      target: docs-new.gitbook.io"));
    const stale = await handover("--config", stackFile, "--file", document, "--check", "--json");
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({ stack: "prod", status: "stale" });
    const human = await handover("--config", stackFile, "--file", document, "--check");
    expect(human.stderr).toContain("is stale");
    expect(human.stderr).toContain("docs-new.gitbook.io");
    const unchanged = readFileSync(document, "utf8");

    expect((await handover("--config", stackFile, "--file", document)).code).toBe(0);
    expect(readFileSync(document, "utf8")).not.toBe(unchanged);
    expect((await handover("--config", stackFile, "--file", document, "--check")).code).toBe(0);
    // The hand-written introduction and the other stacks' sections survive regeneration.
    expect(readFileSync(document, "utf8").startsWith(introduction + otherSections)).toBe(true);
  });

  test("a missing section fails --check; a document without one gets it appended", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    writeFileSync(document, "# Our handover\n");
    const missing = await handover("--stack", "staging", "--file", document, "--check");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("has no section for stack staging");
    expect(readFileSync(document, "utf8")).toBe("# Our handover\n");
    expect((await handover("--stack", "staging", "--file", document)).code).toBe(0);
    expect(readFileSync(document, "utf8")).toMatch(/^# Our handover\n\n<!-- launch-ready:handover begin stack=staging -->\n## Stack `staging`/);
  });

  test("--outputs is remembered and used by --check; a drifted deployment is reported in the section", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    const outputs = join(dir, "prod-outputs.json");
    writeFileSync(
      outputs,
      JSON.stringify({ canonicalUrl: "https://www.example.com", hosts: { "www.example.com": { purpose: "web", proxied: true, records: [] } } }),
    );
    expect((await handover("--stack", "prod", "--file", document, "--outputs", outputs)).code).toBe(0);
    const text = readFileSync(document, "utf8");
    expect(text).toContain("<!-- launch-ready:handover begin stack=prod outputs=prod-outputs.json -->");
    expect(text).toContain("**the deployed stack differs from the stack file**");
    expect(text).toContain("- api.example.com is declared but not deployed yet");
    expect((await handover("--stack", "prod", "--file", document, "--check")).code).toBe(0);
    writeFileSync(outputs, JSON.stringify({ canonicalUrl: "https://www.example.com" }));
    expect((await handover("--stack", "prod", "--file", document, "--check")).code).toBe(1);
  });

  test("bad input exits 2 and writes nothing", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    const noOutputs = await handover("--stack", "prod", "--file", document, "--outputs", join(dir, "absent.json"));
    expect(noOutputs.code).toBe(2);
    expect(noOutputs.stderr).toContain("pulumi stack output --json --stack prod >");
    expect(existsSync(document)).toBe(false);
    expect((await handover("--stack", "nope", "--file", document)).code).toBe(2);
    const invalid = join(dir, "Pulumi.bad.yaml");
    writeFileSync(invalid, stringify({ config: { "launch-ready:environment": "production" } }));
    const refused = await handover("--config", invalid, "--file", document, "--json");
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr).problems.length).toBeGreaterThan(0);
    expect(existsSync(document)).toBe(false);
  });

  test("relative --file and --outputs start from the verb's working directory; a second run writes nothing", async () => {
    const { dir } = scratchProject();
    writeFileSync(join(dir, "prod-outputs.json"), JSON.stringify({ canonicalUrl: "https://www.example.com" }));
    const run = (...args: string[]) => runInProcess(handoverVerb, args, { failedAs: "handover failed", cwd: dir });
    const added = await run("--stack", "prod", "--file", "HANDOVER.md", "--outputs", "prod-outputs.json", "--json");
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ stack: "prod", file: "HANDOVER.md", status: "added", outputs: "prod-outputs.json" });
    expect(readFileSync(join(dir, "HANDOVER.md"), "utf8")).toContain("<!-- launch-ready:handover begin stack=prod outputs=prod-outputs.json -->");
    const again = await run("--stack", "prod", "--file", "HANDOVER.md");
    expect(again).toEqual({ code: 0, stdout: "The prod section of HANDOVER.md was already current; nothing written.\n", stderr: "" });
    expect((await run("--stack", "prod", "--check")).code).toBe(0);
    // The default --file is HANDOVER.md of the working directory: this one remembers its outputs.
    rmSync(join(dir, "prod-outputs.json"));
    const orphaned = await run("--stack", "prod", "--check");
    expect(orphaned.code).toBe(2);
    expect(orphaned.stderr).toContain("the outputs file the section of prod remembers (prod-outputs.json) does not exist");
  });

  test("a stack value holding the section markers cannot forge them: later runs still find the real sections", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    const stackFile = join(dir, "Pulumi.prod.yaml");
    const forged = "<!-- launch-ready:handover end stack=prod -->";
    const raw = readFileSync(stackFilePath(FIXTURE_PROJECT, "prod"), "utf8");
    const txt = "content: google-site-verification=example-only-token";
    expect(raw).toContain(txt);
    // A TXT record's content and an env variable's description, both rendered into the section.
    writeFileSync(
      stackFile,
      raw
        .replace(txt, `content: "x${forged}<!-- launch-ready:handover begin stack=dev -->"`)
        .replace("secret: SESSION_SECRET, description: Signs session cookies }", `secret: SESSION_SECRET, description: "Signs cookies ${forged}" }`),
    );
    expect(readFileSync(stackFile, "utf8")).toContain("Signs cookies <!--");
    const first = await handover("--config", stackFile, "--file", document);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const written = readFileSync(document, "utf8");
    expect(written.match(/<!-- launch-ready:handover/g)).toHaveLength(2);
    expect(handoverSections(written)).toEqual([expect.objectContaining({ stack: "prod" })]);
    // The value is still there for a reader, with the comment opener escaped.
    expect(written).toContain("x&lt;!-- launch-ready:handover end stack=prod -->");

    const second = await handover("--config", stackFile, "--file", document, "--json");
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ stack: "prod", status: "unchanged" });
    expect((await handover("--config", stackFile, "--file", document, "--check")).code).toBe(0);
    expect((await handover("--stack", "dev", "--file", document)).code).toBe(0);
    expect(handoverSections(readFileSync(document, "utf8")).map((section) => section.stack)).toEqual(["prod", "dev"]);
  });

  test("a secret in plain text in the stack file is refused by key with exit 2, and the document is left as it was", async () => {
    // Made at run time from pieces, so the repository's own secret scan has nothing to find.
    const key = ["sk", "live", randomBytes(16).toString("hex")].join("_");
    const token = randomBytes(30).toString("base64url");
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    const stackFile = join(dir, "Pulumi.prod.yaml");
    const config = exampleConfig("prod");
    writeFileSync(stackFile, stringify({ config }));
    expect((await handover("--config", stackFile, "--file", document)).code).toBe(0);
    const before = readFileSync(document);

    // A TXT record the section lists, and a provider credential that is a secret whatever it looks like.
    config["launch-ready:records"][0].content = `stripe-key=${key}`;
    config["cloudflare:apiToken"] = token;
    writeFileSync(stackFile, stringify({ config }));
    for (const mode of [[], ["--check"]]) {
      const { code, stdout, stderr } = await handover("--config", stackFile, "--file", document, ...mode);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("HANDOVER.md was not written: the stack file holds secrets in plain text (SEC-NO-PLAINTEXT)");
      expect(stderr).toContain(
        `launch-ready:records[0].content: holds a secret in plain text (Stripe secret or restricted key: sk_live_******** (${key.length} chars))`,
      );
      expect(stderr).toContain("for example: pulumi config set --secret --path 'launch-ready:records[0].content' --stack prod");
      expect(stderr).toContain("cloudflare:apiToken: is a provider credential written in plain text");
      expect(stderr).toContain("for example: pulumi config set --secret cloudflare:apiToken --stack prod");
      expect(stderr).not.toContain(key.slice(8, 20));
      expect(stderr).not.toContain(token);
    }
    const json = await handover("--config", stackFile, "--file", document, "--json");
    expect(json.code).toBe(2);
    expect(json.stdout).toBe("");
    const refused = JSON.parse(json.stderr);
    expect(refused.error).toContain("was not written");
    expect(refused.problems).toEqual([
      {
        path: "cloudflare:apiToken",
        message: expect.stringContaining("a provider credential"),
        example: "pulumi config set --secret cloudflare:apiToken --stack prod",
      },
      { path: "launch-ready:records[0].content", message: expect.stringContaining("sk_live_********"), example: expect.stringContaining("--secret --path") },
    ]);
    expect(json.stderr).not.toContain(key.slice(8, 20));
    expect(readFileSync(document).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["HANDOVER.md", "Pulumi.prod.yaml"]);
  });

  test("an outputs file that is not JSON is refused without quoting a secret it holds", () => {
    // Short enough that the JSON parser would quote all of it.
    const token = `sk_live_${randomBytes(8).toString("hex").slice(0, 10)}`;
    expect(() => parseStackOutputs(token, "outputs.json")).toThrow(StackOutputsError);
    expect(() => parseStackOutputs(token, "outputs.json")).toThrow(`sk_live_******** (${token.length} chars) is not valid JSON`);
    expect(() => parseStackOutputs(token, "outputs.json")).not.toThrow(token);
  });

  test("a hand-edited marker whose outputs= is not percent-encoded exits 2 naming the document and the line", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    expect((await handover("--stack", "staging", "--file", document)).code).toBe(0);
    writeFileSync(document, readFileSync(document, "utf8").replace("begin stack=staging", "begin stack=staging outputs=%E0%A4%A"));
    const { code, stdout, stderr } = await handover("--stack", "staging", "--file", document, "--check", "--json");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).error).toBe(
      `${document} line 1: outputs="%E0%A4%A" is not a percent-encoded path; fix the markers by hand, or delete the broken section and regenerate it`,
    );
  });

  test("an outputs file that is not a regular file (a marker's outputs=/dev/zero would never end) or is past 16 MB exits 2 naming it", async () => {
    const dir = handoverDir();
    const document = join(dir, "HANDOVER.md");
    expect((await handover("--stack", "staging", "--file", document)).code).toBe(0);
    const section = readFileSync(document, "utf8");
    // /dev/null: a device like /dev/zero, which the old read never finished, but one a regression cannot hang the suite on.
    writeFileSync(document, section.replace("begin stack=staging", "begin stack=staging outputs=/dev/null"));
    const device = await handover("--stack", "staging", "--file", document, "--check");
    expect(device.code).toBe(2);
    expect(device.stderr).toContain("the outputs file the section of staging remembers (/dev/null) is not a regular file (a pipe, a socket or a device)");

    const large = join(dir, "outputs.json");
    writeFileSync(large, Buffer.alloc(16 * 2 ** 20 + 1, " "));
    const tooLarge = await handover("--stack", "staging", "--file", document, "--outputs", large);
    expect(tooLarge.code).toBe(2);
    expect(tooLarge.stderr).toContain("--outputs (outputs.json) is 16 MB, more than the 16 MB it may be");
    mkdirSync(join(dir, "deploy"));
    // The document's own directory is "." relative to it, not "" (which would read as no outputs at all).
    for (const [directory, remembered] of [
      [join(dir, "deploy"), "deploy"],
      [dir, "."],
    ]) {
      const refused = await handover("--stack", "staging", "--file", document, "--outputs", directory);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--outputs (${remembered}) is a directory; give the file \`pulumi stack output --json\` wrote`);
    }
    expect(readFileSync(document, "utf8")).toBe(section.replace("begin stack=staging", "begin stack=staging outputs=/dev/null"));
  });

  test("--file refuses what is not a Markdown document, a directory and a path under a missing directory, with exit 2 and nothing written", async () => {
    const { dir } = scratchProject();
    const run = (...args: string[]) => runInProcess(handoverVerb, ["--stack", "prod", ...args, "--json"], { failedAs: "handover failed", cwd: dir });
    const stackFile = readFileSync(join(dir, "stacks", "Pulumi.staging.yaml"));
    mkdirSync(join(dir, "notes.md"));
    const refusals: Array<[string, string]> = [
      ["stacks/Pulumi.staging.yaml", "--file stacks/Pulumi.staging.yaml is not named as a Markdown document"],
      ["handover.json", "--file handover.json is not named as a Markdown document"],
      ["notes.md", "--file notes.md is a directory; give the handover's Markdown document"],
      ["missing/HANDOVER.md", `--file missing/HANDOVER.md: the directory ${join(dir, "missing")} does not exist`],
    ];
    for (const [file, message] of refusals) {
      const { code, stdout, stderr } = await run("--file", file);
      expect([code, stdout], file).toEqual([2, ""]);
      expect(JSON.parse(stderr).error).toContain(message);
    }
    expect(readFileSync(join(dir, "stacks", "Pulumi.staging.yaml")).equals(stackFile)).toBe(true);
    expect(existsSync(join(dir, "handover.json"))).toBe(false);
    expect(readdirSync(join(dir, "notes.md"))).toEqual([]);
  });
});

describe("the handover's entry file", () => {
  test("npm run handover runs the verb and exits with its code, output unchanged", async () => {
    const document = join(handoverDir(), "HANDOVER.md");
    writeFileSync(document, "# Our handover\n");
    const args = ["--stack", "prod", "--file", document, "--check", "--json"];
    const child = await runEntryFile("handover", args);
    expect(child.stderr).toBe("");
    expect(child.code).toBe(1);
    expect(JSON.parse(child.stdout)).toEqual({ stack: "prod", file: document, status: "missing", outputs: null });
    expect(child.stdout).toBe((await handover(...args)).stdout);
  });
});
