/**
 * The secret detector and the repository scan. Every secret here is made at test time (random
 * bodies in the real formats), so this repository itself never holds one and scans clean. The
 * scan of this repository's own history is CI's (`npm run -s scan:secrets` in .ci/run); here the
 * verb scans small repositories made for each test, hostile ones included: reading a repository,
 * for the scan or for the rollback, runs none of the programs its config names.
 */
import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, readdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, test } from "vitest";
import { findSecrets, findSecretsInChunks } from "../domain/secrets/detect";
import { fileTextDecoder, sniffEncoding } from "../domain/secrets/file-text";
import { scanSecrets } from "../scripts/commands/scan-secrets";
import { gitRoot, PatchParser, type AddedLines } from "../scripts/history/git";
import {
  commitOf,
  deployedCodeChangedSince,
  fileAt,
  hasUncommittedChanges,
  resolveCommit,
  versionCommits,
  versionCount,
  type StackFileInGit,
} from "../scripts/history/rollback-versions";
import type { RepoScanReport } from "../scripts/history/secret-scan";
import { generateCorpus, recallOf, writeCorpus, type Corpus } from "./fixtures/secret-recall/corpus";
import { runEntryFile, runInProcess, scratchDir } from "./helpers";

const exec = promisify(execFile);

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % 62]).join("");
const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString("hex")
    .slice(0, n);

/** Real-format credentials with random bodies. */
const make = {
  awsKeyId: () =>
    `AKIA${alnum(16)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "Q")}`,
  cloudflareToken: () => {
    const body = alnum(40);
    return `cfut_${body}${crc32(body).toString(16).padStart(8, "0")}`;
  },
  cloudflareSample: () => `cfat_${alnum(40)}00000000`,
  cloudflareLegacy: () => alnum(40),
  pulumi: () => `pul-${hex(40)}`,
  stripe: () => `sk_live_${alnum(99)}`,
  stripeWebhook: () => `whsec_${alnum(32)}`,
  openai: () => `sk-proj-${alnum(74)}T3BlbkFJ${alnum(74)}`,
  anthropic: () => `sk-ant-api03-${alnum(93)}AA`,
  rsaKey: () => String(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" })),
  ed25519Key: () => String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })),
};

describe("findSecrets", () => {
  test.each([
    ["AWS access key ID", `aws_access_key_id = ${make.awsKeyId()}`, "@secretlint/secretlint-rule-aws"],
    ["Cloudflare scannable token", `CLOUDFLARE_API_TOKEN=${make.cloudflareToken()}`, "launch-ready/cloudflare"],
    ["unprefixed Cloudflare token in a Pulumi stack file", `  cloudflare:apiToken: ${make.cloudflareLegacy()}`, "launch-ready/cloudflare"],
    ["Pulumi access token", `PULUMI_ACCESS_TOKEN=${make.pulumi()}`, "launch-ready/pulumi"],
    ["Stripe live secret key", `stripe.apiKey = "${make.stripe()}"`, "launch-ready/stripe"],
    ["Stripe webhook secret", `STRIPE_WEBHOOK_SECRET=${make.stripeWebhook()}`, "launch-ready/stripe"],
    ["OpenAI project key", `OPENAI_API_KEY=${make.openai()}`, "@secretlint/secretlint-rule-openai"],
    ["Anthropic key", `ANTHROPIC_API_KEY=${make.anthropic()}`, "@secretlint/secretlint-rule-anthropic"],
    ["RSA private key", make.rsaKey(), "@secretlint/secretlint-rule-privatekey"],
    ["Ed25519 private key (too short for the preset)", make.ed25519Key(), "launch-ready/private-key"],
  ])("finds a %s, once, without printing it", async (_kind, text, rule) => {
    const findings = await findSecrets(`# config\n${text}\n`, "app.env");
    expect(findings.map((f) => f.ruleId)).toEqual([rule]);
    expect(findings[0].line).toBe(2);
    // The random part of the secret (its longest base64-ish run) appears nowhere in the findings.
    const randomPart = text.match(/[A-Za-z0-9+/]{16,}/g)!.sort((a, b) => b.length - a.length)[0];
    expect(JSON.stringify(findings)).not.toContain(randomPart.slice(-12));
    expect(findings[0].fingerprint).toMatch(/^sha256:[0-9a-f]{24}$/);
  });

  test("an inline secretlint-disable comment silences nothing: exceptions go in the allowlist, with a reason", async () => {
    const text = `# secretlint-disable-next-line\nSTRIPE_SECRET_KEY=${make.stripe()}\nPULUMI_ACCESS_TOKEN=${make.pulumi()} # secretlint-disable-line\n`;
    expect((await findSecrets(text, "app.env")).map((f) => f.ruleId)).toEqual(["launch-ready/stripe", "launch-ready/pulumi"]);
  });

  test("says whether a Cloudflare token's checksum verifies", async () => {
    const [real] = await findSecrets(`t=${make.cloudflareToken()}`);
    const [sample] = await findSecrets(`t=${make.cloudflareSample()}`);
    expect(real.message).toContain("checksum verifies");
    expect(sample.message).toContain("does not verify");
  });

  test("leaves alone what only looks random: a DKIM public key, commit hashes, UUIDs, publishable keys", async () => {
    const text = [
      `value: "v=DKIM1; k=rsa; p=${String(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64"))}"`,
      `commit ${hex(40)}`,
      `zoneId: ${hex(32)}`,
      `id: 0d9c4a5e-8f5b-4b8e-9a57-${hex(12)}`,
      `STRIPE_PUBLISHABLE_KEY=pk_live_${alnum(99)}`,
    ].join("\n");
    expect(await findSecrets(text, "Pulumi.prod.yaml")).toEqual([]);
  });
});

describe("PatchParser", () => {
  function parse(patch: string): AddedLines[] {
    const files: AddedLines[] = [];
    const parser = new PatchParser(
      (f) => files.push(f),
      () => {},
    );
    for (const line of patch.split("\n")) parser.line(line);
    parser.end();
    return files;
  }

  test("reads added lines with their new line numbers, skipping removed lines and deleted files", () => {
    const files = parse(
      [
        "\0aaaa",
        "",
        "diff --git a/app.env b/app.env",
        "--- a/app.env",
        "+++ b/app.env",
        "@@ -3 +3,2 @@",
        "-OLD=1",
        "+NEW=1",
        "+NEXT=2",
        "@@ -9,0 +10 @@",
        "+TEN=10",
        "diff --git a/gone.txt b/gone.txt",
        "--- a/gone.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
        'diff --git "a/caf\\303\\251.env" "b/caf\\303\\251.env"',
        '+++ "b/caf\\303\\251.env"',
        "@@ -0,0 +1 @@",
        "+X=1",
      ].join("\n"),
    );
    expect(files).toEqual([
      {
        commit: "aaaa",
        path: "app.env",
        lines: [
          { number: 3, text: "NEW=1" },
          { number: 4, text: "NEXT=2" },
          { number: 10, text: "TEN=10" },
        ],
      },
      { commit: "aaaa", path: "café.env", lines: [{ number: 1, text: "X=1" }] },
    ]);
  });

  test("reads what a merge commit's conflict resolution added (combined diff)", () => {
    const files = parse(["\0merge", "diff --cc app.env", "+++ b/app.env", "@@@ -1,1 -1,1 +1,2 @@@", "- A=1", " -A=2", "++A=3", "+ B=4"].join("\n"));
    expect(files).toEqual([
      {
        commit: "merge",
        path: "app.env",
        lines: [
          { number: 1, text: "A=3" },
          { number: 2, text: "B=4" },
        ],
      },
    ]);
  });
});

describe("PatchParser over binary files", () => {
  test("reports each binary version a commit wrote by its blob, merges and spaces in paths included, deletions not", () => {
    const blobs: Array<{ commit: string; path: string; blob: string }> = [];
    const parser = new PatchParser(
      () => {},
      () => {},
      (added) => blobs.push(added),
    );
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => x.repeat(40));
    const zeros = "0".repeat(40);
    const patch = [
      "\0one",
      "diff --git a/x.bin b/x.bin",
      "new file mode 100644",
      `index ${zeros}..${a}`,
      "Binary files /dev/null and b/x.bin differ",
      "diff --git a/sp ace b/sp ace.bin b/sp ace b/sp ace.bin",
      `index ${zeros}..${b} 100644`,
      "Binary files /dev/null and b/sp ace b/sp ace.bin differ",
      "diff --git a/old.bin b/gone.bin",
      "deleted file mode 100644",
      `index ${c}..${zeros}`,
      "Binary files a/old.bin and /dev/null differ",
      "\0merge",
      "diff --cc x.bin",
      `index ${a},${b}..${d}`,
      "Binary files differ",
    ];
    for (const line of patch) parser.line(line);
    parser.end();
    expect(blobs).toEqual([
      { commit: "one", path: "x.bin", blob: a },
      { commit: "one", path: "sp ace b/sp ace.bin", blob: b },
      { commit: "merge", path: "x.bin", blob: d },
    ]);
  });
});

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("git", ["-C", dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args]);
  return stdout.trim();
}

async function newRepo(): Promise<string> {
  const dir = scratchDir("launch-ready-scan-");
  await git(dir, "init", "-q", "-b", "main");
  return dir;
}

/** The scan verb in this process, as `npm run scan:secrets -- ...` runs it through its entry file. */
function scan(...args: string[]) {
  return runInProcess(scanSecrets, args, { failedAs: "The scan failed", failureCode: 2 });
}

/** A repository whose first commit added a live-format Stripe key that the second commit deleted. */
async function repoWithDeletedKey(): Promise<{ repo: string; key: string; added: string }> {
  const repo = await newRepo();
  const key = make.stripe();
  mkdirSync(join(repo, "config"));
  writeFileSync(join(repo, "README.md"), "# app\n");
  writeFileSync(join(repo, "config", "app.env"), `# payments\nSTRIPE_SECRET_KEY=${key}\n`);
  await git(repo, "add", ".");
  await git(repo, "commit", "-qm", "add config");
  const added = await git(repo, "rev-parse", "HEAD");
  rmSync(join(repo, "config", "app.env"));
  await git(repo, "commit", "-qam", "remove config");
  return { repo, key, added };
}

describe("npm run scan:secrets", () => {
  test("catches a key in a binary or UTF-16 file committed and later deleted, read from its blob", async () => {
    const repo = await newRepo();
    const [inBinary, inUtf16] = [make.stripe(), make.pulumi()];
    writeFileSync(join(repo, "app.db"), Buffer.concat([Buffer.from([0, 1, 2, 0x0a]), Buffer.from(`key=${inBinary}`), Buffer.from([0, 0xff, 0x0a])]));
    writeFileSync(
      join(repo, "deploy.ps1.txt"),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# deploy\r\n$env:PULUMI_ACCESS_TOKEN = "${inUtf16}"\r\n`, "utf16le")]),
    );
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "binaries");
    const added = await git(repo, "rev-parse", "HEAD");
    await git(repo, "rm", "-q", "app.db", "deploy.ps1.txt");
    await git(repo, "commit", "-qm", "remove them");
    const { code, stdout } = await scan("--repo", repo, "--json");
    expect(code).toBe(1);
    expect(stdout).not.toContain(inBinary.slice(8, 30));
    expect(stdout).not.toContain(inUtf16.slice(4, 30));
    const report = JSON.parse(stdout) as RepoScanReport;
    expect(report.findings.map(({ rule, file, commit, where, line }) => ({ rule, file, commit, where, line }))).toEqual([
      { rule: "launch-ready/stripe", file: "app.db", commit: added, where: "history", line: 2 },
      { rule: "launch-ready/pulumi", file: "deploy.ps1.txt", commit: added, where: "history", line: 2 },
    ]);
  });

  test("catches a key committed and later deleted, naming the commit that added it, redacted", async () => {
    const { repo, key, added } = await repoWithDeletedKey();
    const { code, stdout, stderr } = await scan("--repo", repo, "--json");
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(stdout).not.toContain(key.slice(8, 30));
    const report = JSON.parse(stdout) as RepoScanReport;
    expect(report.commits).toBe(2);
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: "launch-ready/stripe",
        file: "config/app.env",
        commit: added,
        where: "history",
        line: 2,
        preview: "sk_live_******** (107 chars)",
      }),
    ]);

    // Where a person watches (stderr a terminal), the text report comes with a progress line.
    const watched = await runInProcess(scanSecrets, ["--repo", repo], { failedAs: "The scan failed", failureCode: 2, tty: true });
    expect(watched.code).toBe(1);
    expect(watched.stderr).toBe("\rscanning history: 1/2 commits\rscanning history: 2/2 commits\n");
    expect(watched.stdout).toMatch(/launch-ready\/stripe.*config\/app\.env:2.*commit [0-9a-f]{12}/s);
    expect(watched.stdout).not.toContain(key.slice(8, 30));
  });

  test("finds secrets on other branches and in untracked files, and passes a clean repository", async () => {
    const repo = await newRepo();
    writeFileSync(join(repo, "README.md"), "# app\n");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "start");
    // Without --repo the scan reads the repository of its working directory.
    const clean = await runInProcess(scanSecrets, [], { failedAs: "The scan failed", failureCode: 2, cwd: repo });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("SEC-NO-PLAINTEXT: scanned 1 commit and 1 working-tree file of");
    expect(clean.stdout).toContain("PASS: no secrets found.");

    await git(repo, "checkout", "-qb", "feature");
    writeFileSync(join(repo, "deploy.sh"), `export PULUMI_ACCESS_TOKEN=${make.pulumi()}\n`);
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "deploy script");
    await git(repo, "checkout", "-q", "main");
    writeFileSync(join(repo, "id_ed25519"), make.ed25519Key());

    const { code, stdout } = await scan("--repo", repo);
    expect(code).toBe(1);
    expect(stdout).toMatch(/launch-ready\/pulumi.*deploy\.sh:1.*commit [0-9a-f]{12}/s);
    expect(stdout).toMatch(/launch-ready\/private-key.*id_ed25519:1.*working tree/s);
  });

  test("an allowlist entry with a reason accepts a finding and reports it; one without a reason is refused", async () => {
    const repo = await newRepo();
    writeFileSync(join(repo, "fixture.env"), `STRIPE_SECRET_KEY=${make.stripe()}\n`);
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "fixture");
    const first = JSON.parse((await scan("--repo", repo, "--json")).stdout) as RepoScanReport;
    const fingerprint = first.findings[0].fingerprint;
    expect(first.findings).toHaveLength(2); // the commit and the working tree

    writeFileSync(
      join(repo, ".secretscan-allow.yaml"),
      `allow:\n  - fingerprint: "${fingerprint}"\n    reason: Revoked sandbox key kept to test the webhook parser\n  - path: "docs/**"\n    reason: Nothing there yet, kept for the docs site\n`,
    );
    const allowed = await scan("--repo", repo, "--json");
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.stdout) as RepoScanReport;
    expect(report.findings).toEqual([]);
    expect(report.allowed.map((f) => f.reason)).toEqual([
      "Revoked sandbox key kept to test the webhook parser",
      "Revoked sandbox key kept to test the webhook parser",
    ]);
    expect(report.unusedAllowlistEntries).toEqual([expect.objectContaining({ index: 1, path: "docs/**" })]);

    writeFileSync(join(repo, ".secretscan-allow.yaml"), `allow:\n  - fingerprint: "${fingerprint}"\n`);
    const refused = await scan("--repo", repo);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("allow[0].reason");

    // A tag yaml does not know is read as plain text; a glob past picomatch's limit would fail inside it.
    writeFileSync(join(repo, ".secretscan-allow.yaml"), `allow:\n  - path: !!js/regexp /docs/\n    reason: Documentation samples, not keys\n`);
    const tagged = await scan("--repo", repo, "--json");
    expect(tagged.code).toBe(2);
    expect(JSON.parse(tagged.stderr).error).toMatch(/\.secretscan-allow\.yaml uses YAML that is not read as written/);
    writeFileSync(join(repo, ".secretscan-allow.yaml"), `allow:\n  - path: "${"a".repeat(70_000)}"\n    reason: Documentation samples, not keys\n`);
    const long = await scan("--repo", repo, "--json");
    expect(long.code).toBe(2);
    expect(JSON.parse(long.stderr).error).toContain("allow[0].path");

    // An alias bomb: nine lines that would copy one entry 10^8 times. Refused as JSON, at once.
    const bomb = [
      "a: &a [{ path: x, reason: y }]",
      ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`),
      "allow: *i",
    ];
    writeFileSync(join(repo, ".secretscan-allow.yaml"), `${bomb.join("\n")}\n`);
    const bombed = await scan("--repo", repo, "--json");
    expect(bombed.code).toBe(2);
    expect(JSON.parse(bombed.stderr).error).toMatch(
      /\.secretscan-allow\.yaml cannot be read \(Excessive alias count.*write the entries out instead of aliasing them/,
    );
  });

  test("a directory outside git is a usage error that says what to give instead", async () => {
    const { code, stderr } = await scan("--repo", scratchDir("launch-ready-nogit-"));
    expect(code).toBe(2);
    expect(stderr).toContain("is not inside a git repository");
  });

  test("git runs with the verb's environment, not this process's", async () => {
    const repo = await newRepo();
    writeFileSync(join(repo, "README.md"), "# app\n");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "start");
    const elsewhere = join(scratchDir("launch-ready-nogit-"), "no-such.git");
    const { code, stderr } = await runInProcess(scanSecrets, ["--repo", repo], {
      failedAs: "The scan failed",
      failureCode: 2,
      env: { ...process.env, GIT_DIR: elsewhere },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("is not inside a git repository");
  });
});

/**
 * A program a hostile repository's config names: it leaves a file named `name` in `markers` when
 * run, then runs `then` (a filter or pager passes its input through, so git would carry on).
 */
function plant(markers: string, name: string, then = ""): string {
  const path = join(markers, "..", `${name}.sh`);
  writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, name)}'\n${then}\n`, { mode: 0o755 });
  return path;
}

/** Every file under `dir` (its .git aside) last modified in 2001: git no longer trusts its index's stat data and reads each file again. */
function ageWorkingTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!path.split("/").includes(".git") && entry.isFile()) utimesSync(path, new Date("2001-01-01"), new Date("2001-01-01"));
  }
}

/** A copy of `commit` carrying a PGP signature header, so `log.showSignature` would run gpg.program on it. */
async function signedCopy(repo: string, commit: string): Promise<string> {
  const signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----";
  const raw = `${(await git(repo, "cat-file", "commit", commit)).replace(/^(committer .*)$/m, `$1\n${signature}`)}\n`;
  return execFileSync("git", ["-C", repo, "hash-object", "-t", "commit", "-w", "--stdin"], { input: raw, encoding: "utf8" }).trim();
}

describe("reading a file as text", () => {
  test("tells UTF-8, UTF-16 with or without a byte order mark, and binary apart", () => {
    const utf16 = Buffer.from("$env:A = 1\r\n", "utf16le");
    expect(sniffEncoding(Buffer.from("A=1\n"))).toBe("utf-8");
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]))).toBe("utf-16le");
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16).swap16()]))).toBe("utf-16be");
    expect(sniffEncoding(utf16)).toBe("utf-16le");
    expect(sniffEncoding(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), randomBytes(64)]))).toBe("binary");
  });

  test("a binary reads as its ASCII and UTF-16 strings, at their offsets and lines, however it is cut into chunks", () => {
    const ascii = make.pulumi();
    const wide = make.stripe();
    const bytes = Buffer.concat([
      Buffer.from([0, 1, 2, 0x0a, 0xff]),
      Buffer.from(`\0${ascii}\0`),
      Buffer.from([0x0a, 0x80, 0x81]),
      Buffer.from(wide, "utf16le"),
      Buffer.from([0, 0, 7, 0x0a]),
    ]);
    const decode = (size: number) => {
      const decoder = fileTextDecoder("binary");
      let text = "";
      for (let at = 0; at < bytes.length; at += size) text += decoder.write(bytes.subarray(at, at + size));
      return text + decoder.end();
    };
    const whole = decode(bytes.length);
    expect(whole.length).toBe(bytes.length);
    expect(whole.indexOf(ascii)).toBe(bytes.indexOf(ascii));
    expect(whole.indexOf(wide)).toBe(bytes.indexOf(Buffer.from(wide, "utf16le")));
    expect(whole.split("\n")).toHaveLength(4);
    for (const size of [1, 2, 3, 7, 64]) expect(decode(size)).toBe(whole);
  });
});

describe("findSecrets over what hides a key", () => {
  test("a key split over lines or base64-encoded is reported whole, where it is written", async () => {
    const key = make.stripe();
    const split = `const key =\n  "${key.slice(0, 50)}" +\n  "${key.slice(50)}";\n`;
    const [joined] = await findSecrets(split, "key.ts");
    expect(joined).toMatchObject({ ruleId: "launch-ready/stripe", line: 2, column: 4, preview: "sk_live_******** (107 chars)" });
    expect(joined.message).toContain("(in a string literal, escaped or split)");
    const encoded = `data:\n  STRIPE_SECRET_KEY: ${Buffer.from(key).toString("base64")}\n`;
    const [decoded] = await findSecrets(encoded, "secret.yaml");
    expect(decoded).toMatchObject({
      ruleId: "launch-ready/stripe",
      line: 2,
      column: 22,
      preview: "sk_live_******** (107 chars)",
      fingerprint: joined.fingerprint,
    });
    expect(decoded.message).toContain("(base64-encoded)");
  });

  test("a long text in chunks is read in overlapping windows: a key across any window's edge is found once, at its line and column", async () => {
    // The windows' edges fall on multiples of 64 KiB: a key straddles each of them.
    const line = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n";
    let text = line.repeat(Math.ceil((40 * 65536) / line.length));
    const keys: Array<{ key: string; at: number }> = [];
    for (let edge = 65536; edge < text.length - 65536; edge += 65536) {
      const key = make.stripe();
      const at = edge - 1 - (keys.length % key.length);
      text = `${text.slice(0, at - 1)} ${key} ${text.slice(at + key.length + 1)}`;
      keys.push({ key, at });
    }
    const chunks = Array.from({ length: Math.ceil(text.length / 100_003) }, (_, i) => text.slice(i * 100_003, (i + 1) * 100_003));
    const found = await findSecretsInChunks(chunks, "big.log");
    const expected = keys.map(({ at }) => {
      const before = text.slice(0, at);
      return { line: before.split("\n").length, column: at - before.lastIndexOf("\n") };
    });
    expect(found.map((f) => ({ line: f.line, column: f.column }))).toEqual(expected);
    expect(found.every((f) => f.preview === "sk_live_******** (107 chars)")).toBe(true);
    expect(await findSecrets(text, "big.log")).toEqual(found);
  });
});

/** What the README says the scan covers, and what issue 19 found it missed: each must be in the corpus and found. */
const README_FORMATS = [
  "AWS access key ID",
  "AWS secret access key",
  "GCP service account key",
  "GitHub token",
  "Slack token",
  "Slack webhook URL",
  "OpenAI API key",
  "Anthropic API key",
  "npm token",
  "private key (RSA)",
  "private key (OpenSSH)",
  "database URL with password",
  "Cloudflare API token",
  "Cloudflare API token (unprefixed)",
  "Cloudflare Global API key",
  "Cloudflare Origin CA key",
  "Pulumi access token",
  "Stripe secret key",
  "Stripe restricted key",
  "Stripe webhook secret",
  "private key (Ed25519)",
  "private key (encrypted PEM)",
];
const NEW_FORMATS = ["Google API key", "JWT", "Twilio auth token", "Twilio API key", "Twilio API key secret", "Azure storage account key"];
const NEW_FORMS = ["utf-16", "binary", "large file", "base64", "json-escaped", "split"];

describe("npm run scan:secrets over the recall corpus", () => {
  let corpus: Corpus;
  let stdout: string;
  let report: RepoScanReport;
  let recall: ReturnType<typeof recallOf>;

  beforeAll(async () => {
    corpus = generateCorpus();
    const repo = await newRepo();
    writeCorpus(repo, corpus); // untracked: the working tree as a commit would pick it up
    const result = await scan("--repo", repo, "--json");
    expect(result.code).toBe(1);
    stdout = result.stdout;
    report = JSON.parse(stdout) as RepoScanReport;
    recall = recallOf(corpus, report.findings);
  });

  test("finds at least 95 % of what is planted, and every planted secret of each format and form it newly covers", () => {
    expect(recall.filter((r) => r.found).length / recall.length).toBeGreaterThanOrEqual(0.95);
    for (const format of [...README_FORMATS, ...NEW_FORMATS])
      expect(
        recall.some((r) => r.format === format && r.found),
        format,
      ).toBe(true);
    const missed = recall.filter((r) => !r.found && (NEW_FORMATS.includes(r.format) || NEW_FORMS.includes(r.form)));
    expect(missed.map((r) => `${r.format} (${r.form}) in ${r.path}:${r.line}`)).toEqual([]);
  });

  test("reports nothing in the near-misses: placeholders, documentation samples, public keys, ciphertext", () => {
    const nearMisses = new Set(corpus.nearMisses.map((n) => n.path));
    expect(report.findings.filter((f) => nearMisses.has(f.file)).map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([]);
  });

  test("prints no secret: each finding shows a redacted preview", () => {
    for (const { secret } of recall) {
      // The longest random-looking run of each secret: no 12 characters of it are printed.
      const body = secret.match(/[A-Za-z0-9+/_-]{16,}/g)!.sort((a, b) => b.length - a.length)[0];
      expect(stdout).not.toContain(body.slice(2, 14));
    }
    expect(report.findings.every((f) => /\*{8} \(\d+ chars\)$/.test(f.preview))).toBe(true);
    expect(report.findings).toContainEqual(expect.objectContaining({ file: "scripts/set-env.ps1", line: 2, preview: "sk_live_******** (107 chars)" }));
  });

  test("decodes UTF-16, reads binaries for their strings and untracked files over 5 MB to their end, and says how it read each", () => {
    expect(report.notScanned).toEqual([]);
    expect(report.readAs).toEqual(
      expect.arrayContaining([
        { file: "scripts/set-env.ps1", encoding: "utf-16le" },
        { file: "logs/env-be.txt", encoding: "utf-16be" },
        { file: "logs/env-nobom.txt", encoding: "utf-16le" },
        { file: "build/server", encoding: "binary" },
        { file: "web/public/logo.png", encoding: "binary" },
      ]),
    );
    const big = corpus.files.filter((f) => f.bytes.length > 5 * 1024 * 1024).map((f) => f.path);
    expect(big).toHaveLength(3);
    for (const file of big)
      expect(
        recall.filter((r) => r.path === file).every((r) => r.found),
        file,
      ).toBe(true);
    // 2 MiB into a one-line bundle: the column is where the key is written.
    const bundle = corpus.files.find((f) => f.path === "web/dist/bundle.js")!.bytes.toString();
    const key = corpus.planted.find((p) => p.path === "web/dist/bundle.js")!.secret;
    expect(report.findings.filter((f) => f.file === "web/dist/bundle.js").map((f) => [f.line, f.column])).toEqual([[1, bundle.indexOf(key) + 1]]);
  });
});

describe("npm run scan:secrets on what it cannot read as plain text", () => {
  test("a binary holding a key fails the scan; once clean, it passes, read for its strings", async () => {
    const repo = await newRepo();
    writeFileSync(
      join(repo, "app.bin"),
      Buffer.concat([randomBytes(300).fill(0, 0, 4), Buffer.from(`\0PULUMI_ACCESS_TOKEN=${make.pulumi()}\0`), randomBytes(300)]),
    );
    const found = await scan("--repo", repo);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/launch-ready\/pulumi.*app\.bin:\d+.*working tree/s);
    expect(found.stdout).not.toContain("PASS");
    expect(found.stdout).toContain("read as binary, their printable strings: 1 file (--json lists them)");

    writeFileSync(join(repo, "app.bin"), Buffer.concat([Buffer.alloc(4), Buffer.from("plain strings only\0"), randomBytes(300)]));
    const clean = await scan("--repo", repo);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("PASS: no secrets found.");
  });

  test("a UTF-16 file, as Windows PowerShell writes it, is decoded and its key found on its line", async () => {
    const repo = await newRepo();
    const key = make.stripe();
    writeFileSync(join(repo, "env.ps1"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# keys\r\n$env:STRIPE_SECRET_KEY = "${key}"\r\n`, "utf16le")]));
    const { code, stdout } = await scan("--repo", repo, "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as RepoScanReport;
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: "launch-ready/stripe", file: "env.ps1", line: 2, column: 27, preview: "sk_live_******** (107 chars)" }),
    ]);
    expect(report.readAs).toEqual([{ file: "env.ps1", encoding: "utf-16le" }]);
  });

  test.skipIf(process.getuid?.() === 0)("a file it cannot read fails the scan as not scanned, never PASS", async () => {
    const repo = await newRepo();
    writeFileSync(join(repo, "README.md"), "# app\n");
    writeFileSync(join(repo, "locked.env"), "A=1\n");
    chmodSync(join(repo, "locked.env"), 0);
    const { code, stdout } = await scan("--repo", repo);
    expect(code).toBe(1);
    expect(stdout).toContain("not scanned: locked.env (cannot be read (EACCES))");
    expect(stdout).not.toContain("PASS");
  });
});

describe("a hostile repository stays inert", () => {
  const STACK = "stacks/Pulumi.test.yaml";

  test("none of the programs its config names runs while the scan and the rollback read it, and both still work", async () => {
    const repo = await newRepo();
    const markers = join(scratchDir("launch-ready-hostile-"), "markers");
    mkdirSync(markers);
    const key = make.stripe();
    mkdirSync(join(repo, "stacks"));
    mkdirSync(join(repo, "config"));
    writeFileSync(join(repo, ".gitattributes"), "*.env diff=evil filter=evil\n*.yaml diff=evil filter=evil\n*.ts filter=proc\n");
    writeFileSync(join(repo, "config", "app.env"), `STRIPE_SECRET_KEY=${key}\n`);
    writeFileSync(join(repo, STACK), "config:\n  launch-ready:environment: test\n");
    writeFileSync(join(repo, "index.ts"), "export {};\n");
    // A submodule (a gitlink under components/) whose own config names a clean filter.
    const lib = join(repo, "components", "lib");
    mkdirSync(lib, { recursive: true });
    await git(lib, "init", "-q", "-b", "main");
    writeFileSync(join(lib, ".gitattributes"), "* filter=evil\n");
    writeFileSync(join(lib, "lib.ts"), "export const lib = 1;\n");
    await git(lib, "add", ".");
    await git(lib, "commit", "-qm", "lib");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "start");
    const first = await git(repo, "rev-parse", "HEAD");
    writeFileSync(join(repo, STACK), "config:\n  launch-ready:environment: test\n  launch-ready:tier: small\n");
    writeFileSync(join(repo, "index.ts"), "export const program = 1;\n");
    await git(repo, "commit", "-qam", "grow");
    await git(repo, "update-ref", "refs/heads/main", await signedCopy(repo, "HEAD"));

    // Planted only now, so making the repository ran none of it.
    const hooks = join(markers, "..", "hooks");
    mkdirSync(hooks);
    for (const hook of ["post-index-change", "reference-transaction", "post-checkout", "pre-commit"])
      writeFileSync(join(hooks, hook), `#!/bin/sh\ntouch '${join(markers, `hook-${hook}`)}'\n`, { mode: 0o755 });
    const hostile: Array<[string, string]> = [
      ["core.fsmonitor", plant(markers, "fsmonitor")],
      ["core.hooksPath", hooks],
      ["core.pager", plant(markers, "core-pager", "cat")],
      ["pager.log", plant(markers, "pager-log", "cat")],
      ["diff.external", plant(markers, "diff-external")],
      ["diff.evil.command", plant(markers, "diff-command")],
      ["diff.evil.textconv", plant(markers, "textconv", 'cat "$1"')],
      ["diff.submodule", "diff"],
      ["filter.evil.clean", plant(markers, "clean", "cat")],
      ["filter.evil.smudge", plant(markers, "smudge", "cat")],
      ["filter.evil.required", "true"],
      ["filter.proc.process", plant(markers, "filter-process")],
      ["log.showSignature", "true"],
      ["gpg.program", plant(markers, "gpg")],
      ["core.sshCommand", plant(markers, "ssh")],
      ["credential.helper", `!${plant(markers, "credential")}`],
    ];
    for (const [name, value] of hostile) await git(repo, "config", name, value);
    await git(lib, "config", "filter.evil.clean", plant(markers, "submodule-clean", "cat"));
    ageWorkingTree(repo);

    const { code, stdout, stderr } = await scan("--repo", repo, "--json");
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as RepoScanReport;
    expect(report.commits).toBe(2);
    expect(report.findings.map((f) => [f.rule, f.file, f.where])).toEqual([
      ["launch-ready/stripe", "config/app.env", "history"],
      ["launch-ready/stripe", "config/app.env", "working-tree"],
    ]);

    // What the rollback reads of a stack file's history, over the same repository.
    const root = await gitRoot(join(repo, "stacks"));
    expect(root).toBe(realpathSync(repo));
    const subject: StackFileInGit = { stack: "test", path: join(repo, STACK), root, file: STACK, project: "quill" };
    expect(await versionCount(subject)).toBe(2);
    const head = await resolveCommit(subject, "main");
    expect((await versionCommits(subject, 5)).map((c) => c.commit)).toEqual([head, first]);
    expect((await commitOf(subject, head)).subject).toBe("grow");
    expect(await hasUncommittedChanges(subject)).toBe(false);
    expect(await deployedCodeChangedSince(subject, first)).toEqual(["index.ts"]);
    expect((await fileAt(subject, first))?.toString()).toBe("config:\n  launch-ready:environment: test\n");
    expect(readdirSync(markers)).toEqual([]);

    // A filter whose name holds "=" cannot be emptied with -c, so a command that would run it is refused.
    await git(repo, "config", "filter.a=b.clean", plant(markers, "unnamable"));
    await expect(hasUncommittedChanges(subject)).rejects.toThrow('defines a filter driver named "a=b", which the kit cannot switch off');
    expect(readdirSync(markers)).toEqual([]);
  });

  test("a partial clone never fetches a missing object, even from an ext:: remote the repository allows itself", async () => {
    const repo = await newRepo();
    const markers = join(scratchDir("launch-ready-hostile-"), "markers");
    mkdirSync(markers);
    writeFileSync(join(repo, "app.env"), `STRIPE_SECRET_KEY=${make.stripe()}\n`);
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "start");
    const blob = await git(repo, "rev-parse", "HEAD:app.env");
    rmSync(join(repo, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    for (const [name, value] of [
      ["core.repositoryFormatVersion", "1"],
      ["extensions.partialClone", "origin"],
      ["remote.origin.promisor", "true"],
      ["remote.origin.url", `ext::sh -c touch% ${join(markers, "ext-remote")}`],
      ["protocol.ext.allow", "always"],
    ])
      await git(repo, "config", name, value);

    const { code, stderr } = await scan("--repo", repo);
    expect(code).toBe(2);
    expect(stderr).toContain("transport 'ext' not allowed");
    expect(readdirSync(markers)).toEqual([]);
  });

  test.skipIf(process.getuid?.() !== 0)(
    "a repository another user owns is read when named (nothing in it runs), a subdirectory of it is still refused",
    async () => {
      const repo = await newRepo();
      mkdirSync(join(repo, "docs"));
      writeFileSync(join(repo, "docs", "setup.env"), `STRIPE_SECRET_KEY=${make.stripe()}\n`);
      await git(repo, "add", ".");
      await git(repo, "commit", "-qm", "start");
      for (const entry of readdirSync(repo, { recursive: true })) chownSync(join(repo, String(entry)), 65534, 65534);
      chownSync(repo, 65534, 65534);
      const { code, stdout } = await scan("--repo", repo, "--json");
      expect(code).toBe(1);
      expect((JSON.parse(stdout) as RepoScanReport).findings).toHaveLength(2);
      const below = await scan("--repo", join(repo, "docs"));
      expect(below.code).toBe(2);
      expect(below.stderr).toContain("dubious ownership");
    },
  );
});

describe("the scan's entry file", () => {
  test("npm run scan:secrets runs the verb and exits with its code, output unchanged", async () => {
    const { repo, added } = await repoWithDeletedKey();
    const child = await runEntryFile("scan-secrets", ["--repo", repo, "--json"]);
    expect(child.stderr).toBe("");
    expect(child.code).toBe(1);
    const report = JSON.parse(child.stdout) as RepoScanReport;
    expect(report.findings).toEqual([expect.objectContaining({ rule: "launch-ready/stripe", commit: added, where: "history" })]);
    expect(report).toEqual(JSON.parse((await scan("--repo", repo, "--json")).stdout));
  });
});
