/**
 * A stack file built to hurt its reader: an alias bomb (a few lines whose aliases of aliases
 * expand to millions of values), or text that is not YAML at all. Every verb that reads stack
 * files refuses it with exit 2 and, under --json, the `{"error", "problems"}` document, never a
 * stack trace; and the file is only its own stack's problem: the stacks beside it still plan and
 * hand over.
 */
import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { launchReady } from "../scripts/commands/launch-ready";
import type { PlanReport } from "../scripts/plan/plan-report";
import { stackFilePath, type PulumiProject } from "../stacks/project";
import { runEntryFile, runInProcess, scratchProject } from "./helpers";

/** Nine values, nine aliases of those, ... eight levels down: 9^8 (43 million) strings once expanded. */
function aliasBomb(): string {
  const lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let level = 1; level <= 8; level++)
    lines.push(
      `l${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nconfig:\n  launch-ready:environment: production\n  launch-ready:hosts: *l8\n`;
}

/** A stack file with one more key, nested `levels` maps deep in block style. */
function deeplyNested(levels: number): string {
  const nested = Array.from({ length: levels }, (_, i) => `${"  ".repeat(i + 2)}k${i}:\n`).join("");
  return `config:\n  launch-ready:environment: production\n  other:deep:\n${nested}${"  ".repeat(levels + 2)}leaf: 1\n`;
}

const writing = (text: string) => (path: string) => writeFileSync(path, text);
const HOSTILE = {
  "an alias bomb": { make: writing(aliasBomb()), says: /cannot be read: its aliases \(\*name\) would copy anchored values more than 100 times/ },
  "text that is not YAML": { make: writing("config:\n  launch-ready:hosts: [\n"), says: /is not valid YAML/ },
  "maps nested 100 levels deep": { make: writing(deeplyNested(100)), says: /nests its values more than 64 levels deep/ },
  // Read as a file, a FIFO blocks until someone writes to it, and /dev/zero never ends.
  "a FIFO": { make: (path: string) => execFileSync("mkfifo", [path]), says: /is not a regular file \(a pipe, a socket or a device\)/ },
  "a link to /dev/zero": { make: (path: string) => symlinkSync("/dev/zero", path), says: /is not a regular file \(a pipe, a socket or a device\)/ },
  "UTF-16, as PowerShell writes it": {
    make: (path: string) =>
      writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("config:\r\n  launch-ready:environment: production\r\n", "utf16le")])),
    says: /holds NUL characters: is it UTF-16, as Windows PowerShell writes with >\? Save it as UTF-8/,
  },
};

/** The verbs that read a stack file, each as a person runs it with --json. */
const VERBS = [
  ["plan", "--stack", "hostile", "--json"],
  ["handover", "--stack", "hostile", "--json"],
  ["handover", "--stack", "hostile", "--check", "--json"],
  ["check-env", "--stack", "hostile", "--json"],
  ["verify", "--stack", "hostile", "--json"],
  ["loadtest", "--stack", "hostile", "--json"],
  ["adopt", "--stack", "hostile", "--export", "zone-export.json", "--json"],
];

function projectWith(make: (path: string) => void): PulumiProject {
  const project = scratchProject();
  make(stackFilePath(project, "hostile"));
  return project;
}

function run(project: PulumiProject, args: string[]) {
  return runInProcess(launchReady, args, { cwd: project.dir, env: { ...process.env, LAUNCH_READY_STACKS_DIR: project.stacksDir } });
}

describe.each(Object.entries(HOSTILE))("%s as a stack file", (_, hostile) => {
  test.each(VERBS.map((args) => [args.join(" "), args]))("%s exits 2 with the JSON refusal naming the file", async (_shown, args) => {
    const project = projectWith(hostile.make);
    const { code, stdout, stderr } = await run(project, args as string[]);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe("");
    const refusal = JSON.parse(stderr) as { error: string; problems: unknown[] };
    expect(Object.keys(refusal)).toEqual(["error", "problems"]);
    expect(refusal.error).toContain(stackFilePath(project, "hostile"));
    expect(refusal.error).toMatch(hostile.says);
    expect(refusal.problems).toEqual([]);
  });

  test("the stacks beside it still plan, and SEC-ENV-SEPARATION says what it could not compare", async () => {
    const project = projectWith(hostile.make);
    for (const stack of ["prod", "staging", "dev"]) {
      const { code, stdout, stderr } = await run(project, ["plan", "--stack", stack, "--json"]);
      expect(code, stderr).toBe(0);
      const separation = (JSON.parse(stdout) as PlanReport).bar.find((result) => result.id === "SEC-ENV-SEPARATION")!;
      expect(separation.status).toBe("not-applicable");
      expect(separation.message).toContain(`not checked against every stack: ${stackFilePath(project, "hostile")} `);
    }
    const handover = await run(project, ["handover", "--stack", "prod", "--json"]);
    expect(handover.code, handover.stderr).toBe(0);
    expect(JSON.parse(handover.stdout)).toMatchObject({ stack: "prod", status: "added" });
  });
});

test("through the entry file too: the refusal, and no stack trace", async () => {
  const project = projectWith(writing(aliasBomb()));
  const { code, stdout, stderr } = await runEntryFile(
    "handover",
    ["--stack", "hostile"],
    { ...process.env, LAUNCH_READY_STACKS_DIR: project.stacksDir },
    project.dir,
  );
  expect(code).toBe(2);
  expect(stdout).toBe("");
  expect(stderr).toMatch(/Pulumi\.hostile\.yaml cannot be read: its aliases/);
  expect(stderr).not.toMatch(/^\s+at /m);
});
