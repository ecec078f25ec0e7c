import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { rollback as rollbackVerb } from "../scripts/commands/rollback";
import type { PlanReport } from "../scripts/plan/plan-report";
import { judgeVersion, nextCommands, suggestTarget, type HistoryEntry, type HistoryReport, type RollbackReport } from "../scripts/history/rollback";
import {
  cacheWindow,
  diffDnsAnswers,
  diffResources,
  encryptionChanges,
  encryptionOfText,
  plannedDnsAnswers,
  staleSeconds,
  type DnsAnswer,
} from "../scripts/history/rollback-diff";
import { stableJson } from "../domain/stable-json";
import { carryHandover, workingHandover } from "../scripts/history/rollback-handover";
import { cacheNote, encryptionLines, handoverNote, humanDuration, nextLines, shortUrn } from "../scripts/history/rollback-render";
import { FIXTURE_PROJECT, runEntryFile, runInProcess, type VerbResult, scratchDir } from "./helpers";

const STACK_FILE = "stacks/Pulumi.test.yaml";

/**
 * A write that fails halfway, as on a full disk: once a test sets `failing`, writeFileSync to a
 * path it picks writes the first half of the data and throws ENOSPC. Every module this file loads
 * reads node:fs through this mock, which passes every other call through.
 */
const writeFault = vi.hoisted(() => ({ failing: undefined as undefined | ((path: string) => boolean) }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeFileSync = (...args: Parameters<typeof fs.writeFileSync>): void => {
    const [path, data, options] = args;
    if (!writeFault.failing?.(String(path))) {
      fs.writeFileSync(...args);
      return;
    }
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(String(data));
    fs.writeFileSync(path, bytes.subarray(0, bytes.length / 2), options);
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  return { ...fs, writeFileSync, default: { ...fs, writeFileSync } };
});
afterEach(() => {
  writeFault.failing = undefined;
});

/**
 * The environment the verb sees, a copy of this process's (never changed itself): no passphrase,
 * and git without the developer's own config, so signing or hooks settings never interfere.
 */
function verbEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", ...extra };
  if (!("PULUMI_CONFIG_PASSPHRASE" in extra)) delete env.PULUMI_CONFIG_PASSPHRASE;
  if (!("PULUMI_CONFIG_PASSPHRASE_FILE" in extra)) delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return env;
}

/** The verb in this process, as `npm run rollback -- ARGS` runs it from the fixture project. Plans run one at a time: await each. */
function rollback(...args: string[]): Promise<VerbResult> {
  return rollbackWith({}, ...args);
}

function rollbackWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<VerbResult> {
  return rollbackFrom(FIXTURE_PROJECT.dir, env, ...args);
}

/** The verb run from `cwd`: relative --repo and --config paths start there. */
function rollbackFrom(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<VerbResult> {
  return runInProcess(rollbackVerb, args, { env: verbEnv(env), cwd, failedAs: "The rollback failed", failureCode: 1 });
}

/** git with no user or system config, so a developer's signing or hooks settings never interfere. */
function git(dir: string, args: string[], date = "2026-01-01T10:00:00Z"): string {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Ada Founder",
      GIT_AUTHOR_EMAIL: "founder@example.org",
      GIT_COMMITTER_NAME: "Ada Founder",
      GIT_COMMITTER_EMAIL: "founder@example.org",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  }).trim();
}

function commitFile(dir: string, content: string, subject: string, date: string): string {
  writeFileSync(join(dir, STACK_FILE), content);
  git(dir, ["add", STACK_FILE]);
  git(dir, ["commit", "-q", "-m", subject], date);
  return git(dir, ["rev-parse", "HEAD"]);
}

/** A Pulumi project in `dir` whose stack files are in stacks/, as --stack and --repo find them. */
function writeProject(dir: string): void {
  writeFileSync(join(dir, "Pulumi.yaml"), "name: quill\nruntime: nodejs\nstackConfigDir: stacks\n");
  mkdirSync(join(dir, "stacks"));
}

function replaced(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

/** A staging stack owning its zone: the example project's lives in prod's, which this project lacks. */
const staging = readFileSync(join(__dirname, "fixtures", "own-zone", "Pulumi.staging.yaml"), "utf8");
/** v1: the staging example as launched. */
const launched = staging;
/** v2: a typo in the environment: does not parse. */
const typo = replaced(launched, "launch-ready:environment: staging", "launch-ready:environment: stagin");
/** v3: typo fixed, TLS weakened: parses, below the bar (TLS-STRICT). */
const flexible = replaced(launched, "  launch-ready:canonical:", "  launch-ready:tls: { ssl: flexible }\n  launch-ready:canonical:");
/** The handover entry and the comment above it: the last lines of the example file. */
const handoverComment = launched.indexOf("  # Who runs this stack after launch");
const handoverEntry = launched.indexOf("  launch-ready:handover:");
/** A version from before OPS-HANDOVER: no launch-ready:handover at all. */
const beforeHandover = launched.slice(0, handoverComment);
/** A version whose registrar renewal date has passed (fails OPS-HANDOVER today). */
const staleRenewal = replaced(launched, 'renews: "2030-09-14"', 'renews: "2020-01-01"');
/** v4 (HEAD): TLS strict again, a DNS-only blog host with a one-hour TTL, the status page moved. */
const withBlog = replaced(
  replaced(launched, "target: statuspage.betteruptime.com", "target: status.instatus.com"),
  "      target: hosting.gitbook.io\n      purpose: docs\n",
  "      target: hosting.gitbook.io\n      purpose: docs\n    - name: blog\n      target: blog-hosting.example.net\n      purpose: docs\n      ttl: 3600\n",
);

let repo: string;
const commits: Record<"readme" | "launched" | "typo" | "flexible" | "withBlog", string> = { readme: "", launched: "", typo: "", flexible: "", withBlog: "" };

/** A copy of the repository for a test that writes to its working tree. */
function clone(): string {
  const dir = join(scratchDir("launch-ready-rollback-clone-"), "repo");
  execFileSync("git", ["clone", "-q", repo, dir], { env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
  return dir;
}

beforeAll(() => {
  repo = scratchDir("launch-ready-rollback-");
  git(repo, ["init", "-q"]);
  writeFileSync(join(repo, "README.md"), "# a product\n");
  writeProject(repo);
  git(repo, ["add", "README.md", "Pulumi.yaml"]);
  git(repo, ["commit", "-q", "-m", "Start"], "2026-01-01T10:00:00Z");
  commits.readme = git(repo, ["rev-parse", "HEAD"]);
  commits.launched = commitFile(repo, launched, "Staging as launched", "2026-01-02T10:00:00Z");
  commits.typo = commitFile(repo, typo, "Rename the environment", "2026-01-03T10:00:00Z");
  commits.flexible = commitFile(repo, flexible, "Flexible TLS for the old origin", "2026-01-04T10:00:00Z");
  commits.withBlog = commitFile(repo, withBlog, "Add the blog, move the status page", "2026-01-05T10:00:00Z");
});

describe("rollback --list", () => {
  test("shows every version of the stack file newest first, each with its bar status", async () => {
    const { code, stdout } = await rollback("--stack", "test", "--repo", repo, "--list");
    expect(code).toBe(0);
    const rows = [commits.withBlog, commits.flexible, commits.typo, commits.launched].map((c) => stdout.indexOf(c.slice(0, 7)));
    expect(rows.every((at) => at > 0)).toBe(true);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
    expect(stdout).not.toContain(commits.readme.slice(0, 7));
    const line = (commit: string) => stdout.split("\n").find((l) => l.includes(commit.slice(0, 7)))!;
    expect(line(commits.withBlog)).toContain("clears the bar");
    expect(line(commits.flexible)).toContain("FAIL TLS-STRICT");
    expect(line(commits.typo)).toContain("invalid: 1 problem");
    expect(stdout).toContain("(launch-ready:environment)");
    expect(line(commits.launched)).toContain("clears the bar");
    expect(stdout).toContain("(= working tree)");
    expect(stdout).toContain(`Last version that clears the bar, differs from the working tree and is under its secrets key: ${commits.launched.slice(0, 7)}`);
    expect(stdout).toContain("pulumi stack history --stack test");
    expect(stdout).toContain("pulumi stack export --stack test --version <N>");
  });

  test("--json prints only the report; --limit keeps the newest versions", async () => {
    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", repo, "--limit", "3", "--json");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as HistoryReport;
    expect(report.total).toBe(4);
    expect(report.file).toBe(STACK_FILE);
    expect(report.entries.map((e) => [e.commit, e.check.status, e.current, e.author, e.subject])).toEqual([
      [commits.withBlog, "clears", true, "Ada Founder", "Add the blog, move the status page"],
      [commits.flexible, "below-bar", false, "Ada Founder", "Flexible TLS for the old origin"],
      [commits.typo, "invalid", false, "Ada Founder", "Rename the environment"],
    ]);
    expect(report.entries[0].date).toMatch(/^2026-01-05T10:00:00/);
    // The only version that clears the bar and differs is older than the limit.
    expect(report.suggested).toBeUndefined();
  });

  test("a version that cannot be read (an alias bomb, not YAML) is listed as unreadable, and every other version still is", async () => {
    const dir = clone();
    const laughs = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let level = 1; level <= 6; level++)
      laughs.push(
        `a${level}: &a${level} [${Array(9)
          .fill(`*a${level - 1}`)
          .join(", ")}]`,
      );
    const bomb = commitFile(
      dir,
      `${laughs.join("\n")}\n${launched.replace("  launch-ready:environment: staging", "  launch-ready:environment: *a6")}`,
      "Laughs",
      "2026-01-06T10:00:00Z",
    );
    const notYaml = commitFile(dir, "config:\n  launch-ready:hosts: [\n", "Half a file", "2026-01-07T10:00:00Z");
    commitFile(dir, withBlog, "Back to the blog", "2026-01-08T10:00:00Z");

    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", dir, "--json");
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as HistoryReport;
    expect(report.entries.map((e) => e.check.status)).toEqual(["clears", "unreadable", "unreadable", "clears", "below-bar", "invalid", "clears"]);
    const check = (commit: string) => report.entries.find((e) => e.commit === commit)!.check as { status: "unreadable"; why: string };
    expect(check(bomb).why).toMatch(/^cannot be read: its aliases \(\*name\) would copy anchored values more than 100 times/);
    expect(check(notYaml).why).toMatch(/^is not valid YAML \(/);
    expect(report.suggested).toBe(commits.launched);

    const text = await rollback("--stack", "test", "--repo", dir);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n").find((line) => line.includes(bomb.slice(0, 7)))).toContain("unreadable: cannot be read: its aliases");
    const refused = await rollback("--stack", "test", "--repo", dir, "--to", bomb);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`The version at ${bomb.slice(0, 7)} cannot be read; nothing was written:\n  the file cannot be read: its aliases`);
  });
});

describe("rollback, text from the repository", () => {
  /** A commit of a new version of the stack file in a clone, by `author`, with `subject`. */
  function commitAs(author: string, subject: string): { dir: string; commit: string } {
    const dir = clone();
    writeFileSync(join(dir, STACK_FILE), `${withBlog}# reviewed\n`);
    git(dir, ["commit", "-q", "-a", "--author", `${author} <someone@example.org>`, "-m", subject], "2026-01-06T10:00:00Z");
    return { dir, commit: git(dir, ["rev-parse", "HEAD"]) };
  }

  test("a subject holding the separators of a log record lists as one entry with its real subject, forging none", async () => {
    const subject = `Tweak a redirect\x1e${commits.launched}\x1f2031-01-01T00:00:00+00:00\x1fRelease Bot\x1fv9.9 audited release (roll back here)`;
    const { dir, commit } = commitAs("Ada Founder", subject);
    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", dir, "--list", "--json");
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as HistoryReport;
    expect(report.total).toBe(5);
    expect(report.entries.map((e) => [e.commit, e.author, e.subject])).toEqual([
      [commit, "Ada Founder", subject],
      [commits.withBlog, "Ada Founder", "Add the blog, move the status page"],
      [commits.flexible, "Ada Founder", "Flexible TLS for the old origin"],
      [commits.typo, "Ada Founder", "Rename the environment"],
      [commits.launched, "Ada Founder", "Staging as launched"],
    ]);
    expect(report.entries[0].date).toMatch(/^2026-01-06T10:00:00/);
  });

  test("escape sequences in a commit's author and subject are shown as text, never sent to the terminal", async () => {
    const { dir, commit } = commitAs("eve\x1b[2J\x1b[H", "fix\x1b]0;owned\x07 \x1b[32m(all checks passed)\x1b[0m");
    const listed = await rollback("--stack", "test", "--repo", dir, "--list");
    const shown = await rollback("--stack", "test", "--repo", dir, "--to", commit);
    for (const { code, stdout } of [listed, shown]) {
      expect(code).toBe(0);
      expect(stdout).not.toContain("\x1b");
      expect(stdout).not.toContain("\x07");
    }
    expect(listed.stdout).toContain("eve\\x1b[2J\\x1b[H");
    expect(listed.stdout).toContain("fix\\x1b]0;owned\\x07");
    expect(shown.stdout).toContain("eve\\x1b[2J\\x1b[H: fix\\x1b]0;owned\\x07 \\x1b[32m(all checks passed)\\x1b[0m)");
  });
});

describe("rollback --to", () => {
  test("shows the DNS diff and the resolver caching window, and writes nothing", async () => {
    const { code, stdout } = await rollback("--stack", "test", "--repo", repo, "--to", commits.launched.slice(0, 10));
    expect(code).toBe(0);
    expect(stdout).toMatch(/│ removed │ CNAME │ blog\.example\.org +│ blog-hosting\.example\.net/);
    expect(stdout).toMatch(/│ changed │ CNAME │ status\.example\.org +│ status\.instatus\.com +│ statuspage\.betteruptime\.com/);
    expect(stdout).toContain("Resources by URN: 0 added, 1 removed, 1 changed.");
    expect(stdout).toContain(
      "Resolvers may keep the old answers for up to 3600 seconds (1 h) after `pulumi up` (the largest TTL among changed DNS-only records: blog.example.org CNAME); proxied records change at once.",
    );
    expect(stdout).toContain("Secrets: the restored file's secure: values are ciphertext under this stack's same key; restoring them is safe.");
    expect(stdout).toContain("Nothing was written (add --apply to restore the file).");
    expect(stdout).toContain("pulumi preview --stack test --policy-pack node_modules/launch-ready/policies");
    expect(stdout).toContain("pulumi up --stack test --policy-pack node_modules/launch-ready/policies");
    expect(stdout).toContain(`git diff -- ${STACK_FILE}`);
    expect(readFileSync(join(repo, STACK_FILE), "utf8")).toBe(withBlog);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });

  test("--json carries the same findings", async () => {
    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", repo, "--to", commits.launched, "--json");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as RollbackReport;
    expect(report.target.commit).toBe(commits.launched);
    expect(report.check.status).toBe("clears");
    expect(report.dns!.map((c) => [c.change, c.name, c.type, c.staleFor])).toEqual([
      ["removed", "blog.example.org", "CNAME", 3600],
      ["changed", "status.example.org", "CNAME", 300],
    ]);
    expect(report.cache).toEqual({ seconds: 3600, slowest: [{ name: "blog.example.org", type: "CNAME" }], added: [] });
    expect(report.resources!.removed).toEqual([expect.stringMatching(/::blog\.example\.org-CNAME$/)]);
    expect(report.resources!.changed).toEqual([expect.stringMatching(/::status\.example\.org-CNAME$/)]);
    expect(report.encryptionChanged).toEqual([]);
    expect(report.applied).toBe(false);
    expect(readFileSync(join(repo, STACK_FILE), "utf8")).toBe(withBlog);
  });

  test("--apply restores the old content in the working tree and commits nothing", async () => {
    const dir = clone();
    const head = git(dir, ["rev-parse", "HEAD"]);
    const { code, stdout } = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--apply");
    expect(code).toBe(0);
    expect(stdout).toContain(`Restored ${STACK_FILE} to its content at ${commits.launched.slice(0, 7)}`);
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(launched);
    expect(git(dir, ["rev-parse", "HEAD"])).toBe(head);
    expect(git(dir, ["status", "--porcelain"])).toBe(`M ${STACK_FILE}`);
  });

  test("--apply whose write fails halfway (a full disk) leaves the stack file byte for byte as it was, and no temporary file", async () => {
    const dir = clone();
    const before = readFileSync(join(dir, STACK_FILE));
    writeFault.failing = (path) => basename(path).includes(basename(STACK_FILE));
    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--apply", "--json");
    writeFault.failing = undefined;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).error).toBe(
      `--apply: ${STACK_FILE} could not be written (ENOSPC: no space left on device, write); nothing was written, the file is as it was.`,
    );
    expect(readFileSync(join(dir, STACK_FILE)).equals(before)).toBe(true);
    expect(readdirSync(join(dir, "stacks"))).toEqual([basename(STACK_FILE)]);
    expect(git(dir, ["status", "--porcelain"])).toBe("");
  });

  test("--apply is refused when the stack file has uncommitted changes", async () => {
    const dir = clone();
    const edited = `${withBlog}# an edit in progress\n`;
    writeFileSync(join(dir, STACK_FILE), edited);
    const { code, stdout, stderr } = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--apply");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("--apply");
    expect(stderr).toContain("uncommitted changes");
    expect(stderr).toContain("git stash");
    expect(stderr).toContain(`git diff -- ${STACK_FILE}`);
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(edited);
  });

  test("a version under another encryption key is never written back: --apply is refused, with the by-hand way that works", async () => {
    const dir = clone();
    const resalted = withBlog.replace(/^encryptionsalt: .*$/m, "encryptionsalt: v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAA");
    expect(resalted).not.toBe(withBlog);
    commitFile(dir, resalted, "New passphrase", "2026-01-06T10:00:00Z");
    const applied = await rollbackWith(
      { PULUMI_CONFIG_PASSPHRASE: "launch-ready-example" },
      "--stack",
      "test",
      "--repo",
      dir,
      "--to",
      commits.launched,
      "--apply",
    );
    const shown = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched);
    const json = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--json");
    const listed = await rollback("--stack", "test", "--repo", dir, "--list", "--json");
    // --list marks every earlier version as under another key and so suggests none of them.
    const history = JSON.parse(listed.stdout) as HistoryReport;
    expect(history.entries.filter((e) => e.check.status !== "absent").map((e) => e.otherKey)).toEqual([
      false,
      ...Array(history.entries.filter((e) => e.check.status !== "absent").length - 1).fill(true),
    ]);
    expect(history.suggested).toBeUndefined();
    const short = commits.launched.slice(0, 7);
    const setAgain = "pulumi config set --secret --path 'launch-ready:secretValues.STRIPE_SECRET_KEY' --stack test";
    // Refused even though the old values would open with this passphrase: Pulumi would check it against the old salt.
    expect(applied.code).toBe(1);
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(resalted);
    expect(git(dir, ["status", "--porcelain"])).toBe("");
    expect(applied.stdout).toContain(`Secrets: the file's encryption (encryptionsalt) changed since ${short}`);
    expect(applied.stdout).toContain("--apply is refused for this version: nothing was written.");
    expect(applied.stdout).toContain(`restore the non-secret config by hand from \`git show ${short}:${STACK_FILE}\``);
    expect(applied.stdout).toContain(`       ${setAgain}`);
    expect(applied.stdout).not.toContain("Restored");
    expect(applied.stdout).not.toMatch(/v1:7mZz/);
    // Next: edit the current file by hand, then set each value under today's key; never --apply.
    const next = applied.stdout.slice(applied.stdout.indexOf("Next ("));
    expect(next.indexOf(`git show ${short}:${STACK_FILE}`)).toBeGreaterThan(0);
    expect(next.indexOf(setAgain)).toBeGreaterThan(next.indexOf(`git show ${short}`));
    expect(next).not.toContain("--apply");

    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("--apply would be refused for this version.");
    expect(shown.stdout).toContain(`       ${setAgain}`);
    expect(shown.stdout).not.toContain("add --apply");
    const report = JSON.parse(json.stdout) as RollbackReport;
    expect(report.encryptionChanged).toEqual(["encryptionsalt"]);
    expect(report.secureKeys).toEqual(["launch-ready:secretValues.STRIPE_SECRET_KEY"]);
    expect(report.applied).toBe(false);
    expect(report.next.map((c) => c.command)).not.toContainEqual(expect.stringContaining("--apply"));
  });

  test("a working-tree file that does not plan still lets a good version be shown", async () => {
    const dir = clone();
    writeFileSync(join(dir, STACK_FILE), typo);
    const { code, stdout } = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as RollbackReport;
    expect(report.check.status).toBe("clears");
    expect(report.currentCheck!.status).toBe("invalid");
    expect(report.dns).toBeUndefined();
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(typo);
  });

  test("the version the working tree already holds: says so and prints no next steps", async () => {
    const text = await rollback("--stack", "test", "--repo", repo, "--to", commits.withBlog, "--apply");
    const json = await rollback("--stack", "test", "--repo", repo, "--to", commits.withBlog, "--json");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Nothing was written: ${STACK_FILE} already is this version, so there is nothing to restore.`);
    expect(text.stdout).not.toContain("Next");
    expect(text.stdout).not.toContain("git commit");
    expect(text.stdout).not.toContain("pulumi up");
    const report = JSON.parse(json.stdout) as RollbackReport;
    expect(report.identical).toBe(true);
    expect(report.next).toEqual([]);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });

  test("--config in another repository: npm commands from the verb's project, git and pulumi from that repository", async () => {
    const { code, stdout } = await rollback("--config", join(repo, STACK_FILE), "--to", commits.launched);
    expect(code).toBe(0);
    const lines = stdout.slice(stdout.indexOf("Next (")).split("\n");
    const under = (command: string) => {
      const at = lines.findIndex((l) => l.trim() === command);
      expect(at).toBeGreaterThan(0);
      return lines
        .slice(0, at)
        .reverse()
        .find((l) => l.startsWith("  from "))!
        .trim();
    };
    const short = commits.launched.slice(0, 7);
    expect(under(`npm run rollback -- --config ${join(repo, STACK_FILE)} --to ${short} --apply`)).toBe(`from ${FIXTURE_PROJECT.dir}:`);
    expect(under(`npm run plan -- --config ${join(repo, STACK_FILE)}`)).toBe(`from ${FIXTURE_PROJECT.dir}:`);
    expect(under(`git diff -- ${STACK_FILE}`)).toBe(`from ${repo}:`);
    expect(under("pulumi up --stack test --policy-pack node_modules/launch-ready/policies")).toBe(`from ${repo}:`);
    expect(under(`git commit -m "Roll back stack test to ${short}" -- ${STACK_FILE}`)).toBe(`from ${repo}:`);
    expect(stdout).not.toContain(`Next, from ${repo}`);
  });

  test("versions from before OPS-HANDOVER, or with a passed renewal date, are checked and restored with the working tree's launch-ready:handover", async () => {
    const before = clone();
    const stale = clone();
    const old = {
      before: commitFile(before, beforeHandover, "Before the handover rule", "2026-01-06T10:00:00Z"),
      stale: commitFile(stale, staleRenewal, "Renewal date not updated", "2026-01-06T10:00:00Z"),
    };
    commitFile(before, withBlog, "Add the blog again", "2026-01-07T10:00:00Z");
    commitFile(stale, withBlog, "Add the blog again", "2026-01-07T10:00:00Z");
    // The history as committed, before --apply changes the working tree.
    const list = await rollback("--stack", "test", "--repo", stale, "--list", "--json");
    const restoredBefore = await rollback("--stack", "test", "--repo", before, "--to", old.before, "--apply");
    const restoredStale = await rollback("--stack", "test", "--repo", stale, "--to", old.stale, "--apply");
    expect(restoredBefore.code).toBe(0);
    expect(restoredBefore.stdout).toContain("parses and clears the bar");
    expect(restoredBefore.stdout).toContain(
      "launch-ready:handover is kept from the working tree (this version had none): it describes people, not what is deployed.",
    );
    // Added at the end of config:; every other byte of the old version as it was.
    expect(readFileSync(join(before, STACK_FILE), "utf8")).toBe(beforeHandover + launched.slice(handoverEntry));
    expect(restoredStale.code).toBe(0);
    expect(restoredStale.stdout).toContain(
      "launch-ready:handover is kept from the working tree (it replaces this version's): it describes people, not what is deployed.",
    );
    expect(restoredStale.stdout).not.toContain("OPS-HANDOVER");
    expect(readFileSync(join(stale, STACK_FILE), "utf8")).toBe(launched);
    const history = JSON.parse(list.stdout) as HistoryReport;
    expect(history.handover).toEqual({ status: "kept" });
    expect(history.entries.find((e) => e.commit === old.stale)!.check.status).toBe("clears");
  });

  test("a working-tree file that is not YAML: the version is restored unchanged, and the output says so; its key is judged by the file at HEAD", async () => {
    const dir = clone();
    commitFile(dir, "config: [\n", "Broken", "2026-01-06T10:00:00Z");
    const resalted = clone();
    commitFile(
      resalted,
      withBlog.replace(/^encryptionsalt: .*$/m, "encryptionsalt: v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAA"),
      "New passphrase",
      "2026-01-06T10:00:00Z",
    );
    writeFileSync(join(resalted, STACK_FILE), "config: [\n");
    const { code, stdout } = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--apply");
    const json = await rollback("--stack", "test", "--repo", resalted, "--to", commits.launched, "--json");
    expect(code).toBe(0);
    expect(stdout).toContain("The working-tree file cannot be read as YAML (");
    expect(stdout).toContain("launch-ready:handover cannot be kept from it: this version is used unchanged, with its own.");
    expect(stdout).toContain("Secrets: neither the working-tree file nor the file at HEAD can be read");
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(launched);
    const report = JSON.parse(json.stdout) as RollbackReport;
    expect(report.handover.status).toBe("working-tree-unreadable");
    expect(report.encryptionComparedWith).toBe("HEAD");
    expect(report.encryptionChanged).toEqual(["encryptionsalt"]);
  });

  test("a version below the bar or that does not parse exits 1, lists the problems and writes nothing, even with --apply", async () => {
    const below = await rollback("--stack", "test", "--repo", repo, "--to", commits.flexible, "--apply");
    const invalid = await rollback("--stack", "test", "--repo", repo, "--to", commits.typo, "--apply");
    expect(below.code).toBe(1);
    expect(below.stdout).toContain(`The version at ${commits.flexible.slice(0, 7)} is below the bar; nothing was written:`);
    expect(below.stdout).toContain("TLS-STRICT (mandatory)");
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain("does not parse; nothing was written:");
    expect(invalid.stdout).toContain("launch-ready:environment:");
    expect(readFileSync(join(repo, STACK_FILE), "utf8")).toBe(withBlog);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });
});

describe("rollback, bad input", () => {
  test("unknown commits, a commit without the file, unknown stacks and a directory outside git exit 2, naming the option", async () => {
    const outside = scratchDir("launch-ready-rollback-nogit-");
    writeProject(outside);
    writeFileSync(join(outside, STACK_FILE), launched);
    const unknown = await rollback("--stack", "test", "--repo", repo, "--to", "0123456789abcdef");
    const unknownJson = await rollback("--stack", "test", "--repo", repo, "--to", "no-such-branch", "--json");
    const noFile = await rollback("--stack", "test", "--repo", repo, "--to", commits.readme);
    const noStack = await rollback("--stack", "nosuch", "--repo", repo);
    const notGit = await rollback("--stack", "test", "--repo", outside);
    const usage = await rollback("--stack", "test", "--repo", repo, "--apply");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--to 0123456789abcdef: no such commit");
    expect(unknownJson.code).toBe(2);
    expect(unknownJson.stdout).toBe("");
    expect(JSON.parse(unknownJson.stderr).error).toContain("--to no-such-branch: no such commit");
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain(`commit ${commits.readme.slice(0, 7)} has no ${STACK_FILE}`);
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toContain("--stack nosuch:");
    expect(noStack.stderr).toMatch(/Stacks in .*: test\./);
    expect(notGit.code).toBe(2);
    expect(notGit.stderr).toContain("--repo");
    expect(notGit.stderr).toContain("is not inside a git repository");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--apply needs --to");
    for (const run of [unknown, noFile, noStack, notGit, usage]) expect(run.stdout).toBe("");
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });
});

describe("rollback as a verb: its working directory, its environment, its entry file", () => {
  test("relative --repo and --config paths start at the verb's working directory, not this process's", async () => {
    const parent = join(repo, "..");
    const fromRepo = await rollbackFrom(repo, {}, "--config", STACK_FILE, "--to", commits.typo, "--json");
    const fromParent = await rollbackFrom(parent, {}, "--stack", "test", "--repo", relative(parent, repo), "--to", commits.typo, "--json");
    for (const [run, rollbackCommand, from] of [
      [fromRepo, `npm run rollback -- --config ${STACK_FILE}`, repo],
      [fromParent, `npm run rollback -- --stack test --repo ${relative(parent, repo)}`, parent],
    ] as const) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as RollbackReport;
      expect([report.repository, report.file, report.target.commit, report.check.status]).toEqual([repo, STACK_FILE, commits.typo, "invalid"]);
      // npm runs from the verb's project (its working directory outside any), so the paths it is given are relative to that.
      expect(report.next).toEqual([{ command: `${rollbackCommand} --list`, from }]);
    }
  });

  test("a git command that fails on the way exits 2 with what git said, as JSON under --json", async () => {
    const dir = clone();
    const blob = git(dir, ["rev-parse", `${commits.launched}:${STACK_FILE}`]);
    rmSync(join(dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    const broken = await rollback("--stack", "test", "--repo", dir, "--to", commits.launched, "--json");
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe("");
    expect(JSON.parse(broken.stderr).error).toMatch(new RegExp(`^git show ${commits.launched}:${STACK_FILE} failed: fatal: `));
    expect(readFileSync(join(dir, STACK_FILE), "utf8")).toBe(withBlog);
  });

  test("git runs with the verb's environment: a ceiling above the stack file hides the repository", async () => {
    const hidden = await rollbackWith({ GIT_CEILING_DIRECTORIES: repo }, "--stack", "test", "--repo", repo, "--list");
    expect(hidden.code).toBe(2);
    expect(hidden.stdout).toBe("");
    expect(hidden.stderr).toContain(`--repo: ${join(repo, "stacks")} is not inside a git repository`);
  });

  test("the entry file runs the verb with this process's arguments and exits with its code", async () => {
    const { code, stdout, stderr } = await runEntryFile("rollback", ["--stack", "test", "--repo", repo, "--to", commits.typo, "--apply"], verbEnv());
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toContain(`The version at ${commits.typo.slice(0, 7)} does not parse; nothing was written:`);
    expect(stdout).toContain("launch-ready:environment:");
    expect(readFileSync(join(repo, STACK_FILE), "utf8")).toBe(withBlog);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });
});

// ---------------------------------------------------------------------------------------------
// The pure parts.

function answer(name: string, overrides: Partial<DnsAnswer> = {}): DnsAnswer {
  return {
    urn: `urn:pulumi:s::launch-ready::x$cloudflare:index/dnsRecord:DnsRecord::${name}-CNAME`,
    name,
    type: "CNAME",
    value: `${name}.origin.example.net`,
    proxied: false,
    ttl: 300,
    ...overrides,
  };
}

describe("staleSeconds", () => {
  test("a DNS-only record whose answer changes or goes away stays cached for its TTL; automatic is 300 s", () => {
    expect(staleSeconds(answer("a", { ttl: 3600 }), undefined)).toBe(3600);
    expect(staleSeconds(answer("a", { ttl: 1800 }), answer("a", { value: "elsewhere.example.net" }))).toBe(1800);
    expect(staleSeconds(answer("a", { ttl: 1 }), undefined)).toBe(300);
    expect(staleSeconds(answer("a", { ttl: 900 }), answer("a", { proxied: true, ttl: 1 }))).toBe(900);
  });

  test("proxied records change at once, unless they become DNS-only; a TTL-only change leaves nothing stale", () => {
    expect(staleSeconds(answer("a", { proxied: true, ttl: 1 }), answer("a", { proxied: true, ttl: 1, value: "new.example.net" }))).toBe(0);
    expect(staleSeconds(answer("a", { proxied: true, ttl: 1 }), undefined)).toBe(0);
    expect(staleSeconds(answer("a", { proxied: true, ttl: 1 }), answer("a", { ttl: 3600 }))).toBe(300);
    expect(staleSeconds(answer("a", { ttl: 3600 }), answer("a", { ttl: 60 }))).toBe(0);
    expect(staleSeconds(undefined, answer("a"))).toBe(0);
  });
});

describe("diffDnsAnswers and cacheWindow", () => {
  const current = [answer("blog", { ttl: 3600 }), answer("status", { ttl: 600 }), answer("www", { proxied: true, ttl: 1 }), answer("same")];
  const target = [
    answer("status", { ttl: 600, value: "statuspage.example.net" }),
    answer("www", { proxied: true, ttl: 1, value: "old.example.net" }),
    answer("same"),
    answer("docs"),
  ];
  const changes = diffDnsAnswers(current, target);

  test("added, removed and changed records by URN, sorted by name; unchanged ones left out", () => {
    expect(changes.map((c) => [c.change, c.name, c.staleFor])).toEqual([
      ["removed", "blog", 3600],
      ["added", "docs", 0],
      ["changed", "status", 600],
      ["changed", "www", 0],
    ]);
    expect(changes[2].before!.value).toBe("status.origin.example.net");
    expect(changes[2].after!.value).toBe("statuspage.example.net");
  });

  test("the window is the largest TTL among changed DNS-only records, naming them; added names get the negative-caching note", () => {
    const window = cacheWindow(changes);
    expect(window).toEqual({ seconds: 3600, slowest: [{ name: "blog", type: "CNAME" }], added: ["docs"] });
    const note = cacheNote(window, "example.org");
    expect(note[0]).toContain("up to 3600 seconds (1 h)");
    expect(note[1]).toContain("dig +short SOA example.org");
    expect(cacheWindow(diffDnsAnswers([answer("www", { proxied: true, ttl: 1 })], [answer("www", { proxied: true, ttl: 1, value: "x" })])).seconds).toBe(0);
    expect(cacheNote(cacheWindow([]), "example.org")).toEqual([
      "No DNS-only answer changes: proxied records change at once, so nothing waits on resolver caches.",
    ]);
  });

  test("humanDuration", () => {
    expect(humanDuration(3600)).toBe("1 h");
    expect(humanDuration(90)).toBe("1 min 30 s");
    expect(humanDuration(86400)).toBe("24 h");
  });
});

function report(resources: Array<{ urn: string; type?: string; inputs: Record<string, unknown>; custom?: boolean }>, bar: PlanReport["bar"] = []): PlanReport {
  return {
    stack: "s",
    environment: "staging",
    resources: resources.map((r) => ({
      urn: r.urn,
      type: r.type ?? "cloudflare:index/dnsRecord:DnsRecord",
      name: r.urn.split("::").pop()!,
      protect: false,
      custom: r.custom ?? true,
      inputs: r.inputs,
    })),
    bar,
    waivers: [],
    summary: {
      zone: "example.org",
      canonicalUrl: "",
      resources: 0,
      components: 0,
      byType: {},
      protected: 0,
      barFailures: bar.filter((b) => b.status === "fail" && b.level === "mandatory").length,
    },
  };
}

describe("plannedDnsAnswers and diffResources", () => {
  test("DNS answers come from the records' inputs: MX with its preference, CAA from data, automatic TTL as 1", () => {
    const plan = report([
      { urn: "urn:a::p::t::example.org-MX-mx", inputs: { name: "example.org", type: "MX", content: "mx.example.net", priority: 10, proxied: false, ttl: 300 } },
      {
        urn: "urn:a::p::t::example.org-CAA",
        inputs: { name: "example.org", type: "CAA", data: { flags: 0, tag: "issue", value: "letsencrypt.org" }, proxied: false, ttl: 3600 },
      },
      { urn: "urn:a::p::t::www", inputs: { name: "www.example.org", type: "CNAME", content: "x.example.net", proxied: true } },
      { urn: "urn:a::p::t::ssl", type: "cloudflare:index/zoneSetting:ZoneSetting", inputs: { settingId: "ssl", value: "strict" } },
    ]);
    expect(plannedDnsAnswers(plan).map((a) => [a.type, a.value, a.proxied, a.ttl])).toEqual([
      ["CAA", '0 issue "letsencrypt.org"', false, 3600],
      ["MX", "10 mx.example.net", false, 300],
      ["CNAME", "x.example.net", true, 1],
    ]);
  });

  test("resources are compared by URN and inputs, key order ignored, components left out", () => {
    const before = report([
      { urn: "u::1", inputs: { a: 1, b: { c: 2, d: 3 } } },
      { urn: "u::2", inputs: { a: 1 } },
      { urn: "u::3", inputs: { a: 1 } },
      { urn: "u::component", inputs: {}, custom: false },
    ]);
    const after = report([
      { urn: "u::1", inputs: { b: { d: 3, c: 2 }, a: 1 } },
      { urn: "u::2", inputs: { a: 2 } },
      { urn: "u::4", inputs: {} },
    ]);
    expect(diffResources(before.resources, after.resources)).toEqual({ added: ["u::4"], removed: ["u::3"], changed: ["u::2"] });
    expect(stableJson({ b: [1, { y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[1,{"x":2,"y":1}]}');
  });

  test("shortUrn names the provider type and logical name", () => {
    expect(
      shortUrn(
        "urn:pulumi:prod::launch-ready::pulumi:pulumi:Stack$launch-ready:index:Site$launch-ready:cloudflare:DnsRecords$cloudflare:index/dnsRecord:DnsRecord::www.example.com-CNAME",
      ),
    ).toBe("cloudflare.DnsRecord www.example.com-CNAME");
    expect(shortUrn("urn:pulumi:prod::launch-ready::x$aws:route53/healthCheck:HealthCheck::home")).toBe("aws.route53.HealthCheck home");
  });
});

describe("judging versions and picking one", () => {
  const fail = { id: "TLS-STRICT", status: "fail", level: "mandatory", message: "ssl is flexible" } as PlanReport["bar"][number];
  const advisory = { id: "DNS-SANE", status: "fail", level: "advisory", message: "x" } as unknown as PlanReport["bar"][number];

  test("a mandatory failure is below the bar, an advisory one is not, problems are invalid", () => {
    expect(judgeVersion({ report: report([], [fail]) })).toEqual({ status: "below-bar", failures: [fail] });
    expect(judgeVersion({ report: report([], [advisory]) })).toEqual({ status: "clears", waived: [] });
    expect(judgeVersion({ problems: [{ path: "launch-ready:environment", message: "bad", example: "" }] }).status).toBe("invalid");
  });

  test("the suggested target is the newest version that clears the bar and is not the working tree's", () => {
    const entry = (commit: string, status: "clears" | "below-bar", current = false, otherKey = false): HistoryEntry => ({
      commit,
      date: "",
      author: "",
      subject: "",
      current,
      otherKey,
      check: status === "clears" ? { status, waived: [] } : { status, failures: [fail] },
    });
    expect(suggestTarget([entry("d", "clears", true), entry("c", "below-bar"), entry("b", "clears"), entry("a", "clears")])).toBe("b");
    expect(suggestTarget([entry("d", "clears", true)])).toBeUndefined();
    // --apply refuses a version under another secrets key, so it is never the suggestion.
    expect(suggestTarget([entry("d", "clears", true), entry("c", "clears", false, true), entry("b", "clears")])).toBe("b");
  });

  const target = { commit: "abcdef0123", date: "", author: "", subject: "" };
  const here = { rollback: "npm run rollback -- --stack prod", plan: "npm run plan -- --stack prod", kit: "/kit", repository: "/kit", policyPack: "policies" };
  const plain = { stack: "prod", file: "stacks/Pulumi.prod.yaml", target, applied: false, identical: false, encryptionChanged: [], secureKeys: [] };

  test("next commands: restore unless done, then look, plan, preview, apply, commit", () => {
    const next = nextCommands(plain, here);
    expect(next.map((c) => c.command)).toEqual([
      "npm run rollback -- --stack prod --to abcdef0 --apply",
      "git diff -- stacks/Pulumi.prod.yaml",
      "npm run plan -- --stack prod",
      "pulumi preview --stack prod --policy-pack policies",
      "pulumi up --stack prod --policy-pack policies",
      'git commit -m "Roll back stack prod to abcdef0" -- stacks/Pulumi.prod.yaml',
    ]);
    expect(nextLines(next)[0]).toBe("Next, from /kit (the kit runs none of these):");
    expect(nextCommands({ ...plain, applied: true }, here)[0].command).toBe("git diff -- stacks/Pulumi.prod.yaml");
  });

  test("next commands: none when the working tree already is the version", () => {
    expect(nextCommands({ ...plain, identical: true }, here)).toEqual([]);
    expect(nextLines([])).toEqual([]);
  });

  test("next commands for a stack file in another repository: npm from the kit, git and pulumi from the repository", () => {
    const next = nextCommands(plain, {
      rollback: "npm run rollback -- --config /app/stacks/Pulumi.prod.yaml",
      plan: "npm run plan -- --config /app/stacks/Pulumi.prod.yaml",
      kit: "/kit",
      repository: "/app",
      policyPack: "node_modules/launch-ready/policies",
    });
    expect(next.map((c) => [c.from, c.command.split(" ").slice(0, 3).join(" ")])).toEqual([
      ["/kit", "npm run rollback"],
      ["/app", "git diff --"],
      ["/kit", "npm run plan"],
      ["/app", "pulumi preview --stack"],
      ["/app", "pulumi up --stack"],
      ["/app", "git commit -m"],
    ]);
    expect(nextLines(next)).toEqual([
      "Next (the kit runs none of these; npm commands from the kit's checkout, git and pulumi from the stack file's repository):",
      "  from /kit:",
      "    npm run rollback -- --config /app/stacks/Pulumi.prod.yaml --to abcdef0 --apply",
      "  from /app:",
      "    git diff -- stacks/Pulumi.prod.yaml",
      "  from /kit:",
      "    npm run plan -- --config /app/stacks/Pulumi.prod.yaml",
      "  from /app:",
      "    pulumi preview --stack prod --policy-pack node_modules/launch-ready/policies",
      "    pulumi up --stack prod --policy-pack node_modules/launch-ready/policies",
      '    git commit -m "Roll back stack prod to abcdef0" -- stacks/Pulumi.prod.yaml',
    ]);
  });

  test("next commands under another encryption key: git show and each secure value set on the current file, never --apply", () => {
    const next = nextCommands(
      { ...plain, encryptionChanged: ["secretsprovider", "encryptedkey"], secureKeys: ["launch-ready:secretValues.A", "launch-ready:secretValues.B"] },
      here,
    ).map((c) => c.command);
    expect(next.slice(0, 3)).toEqual([
      "git show abcdef0:stacks/Pulumi.prod.yaml",
      "pulumi config set --secret --path 'launch-ready:secretValues.A' --stack prod",
      "pulumi config set --secret --path 'launch-ready:secretValues.B' --stack prod",
    ]);
    expect(next.some((c) => c.includes("--apply"))).toBe(false);
  });
});

describe("encryption of the stack file", () => {
  test("a changed encryption salt or secrets provider is named; the same key is not", () => {
    const now = encryptionOfText("encryptionsalt: v1:new\nconfig: {}\n");
    expect(encryptionChanges(now, encryptionOfText("encryptionsalt: v1:old\nconfig: {}\n"))).toEqual(["encryptionsalt"]);
    expect(encryptionChanges(now, encryptionOfText("encryptionsalt: v1:new\nconfig:\n  a: 1\n"))).toEqual([]);
    expect(encryptionChanges(now, encryptionOfText("secretsprovider: awskms://alias/x\nencryptedkey: abc\nconfig: {}\n"))).toEqual([
      "encryptionsalt",
      "secretsprovider",
      "encryptedkey",
    ]);
    expect(encryptionOfText("not: [valid")).toEqual({});
  });
});

describe("a version under another encryption key", () => {
  const report = { stack: "prod", file: "stacks/Pulumi.prod.yaml", target: { commit: "abcdef0123", date: "", author: "", subject: "" } };

  test("going back from a cloud key to a passphrase is named and refused; each secure value is set again under today's key", () => {
    const lines = encryptionLines(
      { ...report, encryptionChanged: ["encryptionsalt", "secretsprovider", "encryptedkey"], secureKeys: ["launch-ready:secretValues.STRIPE_SECRET_KEY"] },
      true,
    ).join("\n");
    expect(lines).toContain("the file's encryption (encryptionsalt, secretsprovider, encryptedkey) changed since abcdef0");
    expect(lines).toContain("another secrets provider");
    expect(lines).toContain("--apply is refused for this version: nothing was written.");
    expect(lines).toContain("git show abcdef0:stacks/Pulumi.prod.yaml");
    expect(lines).toContain("pulumi config set --secret --path 'launch-ready:secretValues.STRIPE_SECRET_KEY' --stack prod");
  });

  test("a version without secure: values needs only the by-hand restore", () => {
    const lines = encryptionLines({ ...report, encryptionChanged: ["encryptionsalt"], secureKeys: [] }, false);
    expect(lines).toContain("--apply would be refused for this version.");
    expect(lines.join("\n")).toContain("that version has no secure: values");
    expect(lines.join("\n")).not.toContain("pulumi config set");
  });
});

describe("carryHandover", () => {
  const working = workingHandover(launched);

  test("replaces the version's handover in place; every other byte stays, comments and layout included", () => {
    const old = `# an old header comment\n${staleRenewal.replace("  launch-ready:canonical:", "  # old comment, odd   spacing\n  launch-ready:canonical:")}`;
    const carried = carryHandover(working, old);
    expect(carried.handover).toEqual({ status: "kept", edit: "replaced" });
    expect(carried.text).toBe(old.replace('renews: "2020-01-01"', 'renews: "2030-09-14"'));
  });

  test("adds it at the end of config: when the version has none, keeping the rest as it was", () => {
    const carried = carryHandover(working, beforeHandover);
    expect(carried.handover).toEqual({ status: "kept", edit: "added" });
    expect(carried.text).toBe(beforeHandover + launched.slice(handoverEntry));
  });

  test("the same value leaves the version untouched", () => {
    expect(carryHandover(working, withBlog)).toEqual({ text: withBlog, handover: { status: "kept", edit: "same" } });
  });

  test("re-indents for a version indented differently, and edits the document when config: is flow style", () => {
    const deeper =
      "config:\n    launch-ready:environment: staging\n    launch-ready:handover:\n        contacts: []\n    launch-ready:canonical: { host: www }   # kept\n";
    const carried = carryHandover(working, deeper);
    expect(carried.handover).toEqual({ status: "kept", edit: "replaced" });
    expect(carried.text.startsWith("config:\n    launch-ready:environment: staging\n    launch-ready:handover:\n      contacts:\n")).toBe(true);
    expect(carried.text.endsWith("\n    launch-ready:canonical: { host: www }   # kept\n")).toBe(true);
    const flow = carryHandover(working, "config: { launch-ready:environment: staging }\n");
    expect(flow.handover).toEqual({ status: "kept", edit: "added" });
    const value = (text: string) => {
      const read = workingHandover(text);
      return read.status === "found" ? stableJson(read.value) : read.status;
    };
    expect(value(carried.text)).toBe(value(launched));
    expect(value(flow.text)).toBe(value(launched));
  });

  test("a working tree that is not YAML, or has no handover, leaves the version as committed, and says so", () => {
    const unreadable = carryHandover(workingHandover("config: [\n"), beforeHandover);
    expect(unreadable.text).toBe(beforeHandover);
    expect(unreadable.handover.status).toBe("working-tree-unreadable");
    expect(handoverNote(unreadable.handover)).toMatch(
      /^The working-tree file cannot be read as YAML \(.+\), so launch-ready:handover cannot be kept from it: this version is used unchanged, with its own\.$/,
    );
    const none = carryHandover(workingHandover(beforeHandover), staleRenewal);
    expect(none).toEqual({ text: staleRenewal, handover: { status: "none-in-working-tree" } });
    const broken = carryHandover(working, typo.replace("config:", "config: ["));
    expect(broken.handover.status).toBe("not-carried");
  });
});
