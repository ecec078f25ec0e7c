/**
 * The suite proves the kit, not this repository's example product: a team replaces stacks/,
 * HANDOVER.md and .env.example with its own, and the suite must prove the same things after
 * that. Tests read the fixtures under test/ instead; `.ci/run` checks the repository's own files
 * and runs the suite once more with another product's stacks in place of the examples.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planStack } from "../scripts/plan/plan-stack";
import { readStackFile } from "../stacks/stack-file";
import { exampleConfig } from "./helpers";

const Q = "[\"'`]";
/** A path segment list that, from the repository root, ends at an example stack file, HANDOVER.md or .env.example. */
const TARGET = `(?:stacks${Q}\\s*,\\s*${Q}Pulumi\\.|stacks/Pulumi\\.|stacks/?${Q}\\s*\\)|HANDOVER\\.md|\\.env\\.example)`;
/** The first arguments of a join/resolve that start at the repository root. */
const FROM_ROOT = `(?:(?:ROOT|KIT_DIR)\\s*,\\s*${Q}|__dirname\\s*,\\s*${Q}\\.\\.${Q}\\s*,\\s*${Q}|__dirname\\s*,\\s*${Q}\\.\\./)`;

const PATTERNS: Array<{ why: string; pattern: RegExp }> = [
  { why: "a path joined onto the repository root", pattern: new RegExp(`\\b(?:join|resolve)\\(\\s*${FROM_ROOT}${TARGET}`) },
  { why: "a path under the repository root in a template", pattern: /\$\{(?:ROOT|KIT_DIR)\}\/(?:stacks\/Pulumi\.|HANDOVER\.md|\.env\.example)/ },
  {
    why: "a file read relative to the test process's working directory, the repository root",
    pattern: new RegExp(
      `\\b(?:readFileSync|existsSync|copyFileSync|statSync|readStackFile|readdirSync)\\(\\s*${Q}(?:\\./)?(?:stacks/Pulumi\\.|stacks/?${Q}|HANDOVER\\.md|\\.env\\.example)`,
    ),
  },
];

/** A statement that runs a verb on a --stack from the repository root reads the example stack file of that name. */
function stackVerbFromRoot(statement: string): boolean {
  return /["'`]--stack["'`]/.test(statement) && /\b(?:ROOT|KIT_DIR)\b/.test(statement);
}

function findings(source: string): string[] {
  const found = PATTERNS.filter(({ pattern }) => pattern.test(source)).map(({ why }) => why);
  if (source.split(/;\s*\n/).some(stackVerbFromRoot)) found.push("a verb run on --stack from the repository root");
  return found;
}

describe("tests use fixtures under test/, never the repository's example product", () => {
  test("the guard flags each way a test reaches the repository's stack files, HANDOVER.md or .env.example", () => {
    for (const source of [
      'readFileSync(join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8")',
      'readdirSync(join(ROOT, "stacks"))',
      'copyFileSync(join(ROOT, "HANDOVER.md"), document)',
      'readFileSync(join(__dirname, "..", ".env.example"), "utf8")',
      'readStackFile(join(__dirname, "../stacks/Pulumi.dev.yaml"))',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, which the guard must flag
      "readFileSync(`${ROOT}/HANDOVER.md`)",
      'readFileSync("stacks/Pulumi.staging.yaml", "utf8")',
      'existsSync("HANDOVER.md")',
      'await runEntryFile("plan", ["--stack", "prod"], process.env, ROOT);\n',
      'await runInProcess(plan, ["--stack", "prod"], { cwd: ROOT });\n',
    ]) {
      expect(findings(source), source).not.toEqual([]);
    }
  });

  test("the guard leaves fixture paths, scratch copies and the kit's own schema alone", () => {
    for (const source of [
      'readFileSync(stackFilePath(FIXTURE_PROJECT, "prod"), "utf8")',
      'join(__dirname, "fixtures", "project", "stacks", "Pulumi.prod.yaml")',
      'writeFileSync(join(repo, "stacks/Pulumi.test.yaml"), text)',
      'readFileSync(join(dir, "HANDOVER.md"), "utf8")',
      'await handover("--stack", "prod", "--file", "HANDOVER.md");\n',
      'await checkEnv(["--stack", "prod", "--write-example", join(dir, ".env.example")]);\n',
      'readFileSync(join(ROOT, "stacks", "schema.json"), "utf8")',
      'await runEntryFile("schema", ["--check"], process.env, ROOT);\n',
      'const file = "stacks/Pulumi.prod.yaml";',
    ]) {
      expect(findings(source), source).toEqual([]);
    }
  });

  test("no test file reaches them", () => {
    // This file is left out: its examples above are exactly what the guard flags.
    const files = readdirSync(__dirname, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && join(__dirname, file) !== __filename);
    expect(files).toContain("helpers.ts");
    const offending = files.flatMap((file) => findings(readFileSync(join(__dirname, file), "utf8")).map((why) => `${file}: ${why}`));
    expect(offending).toEqual([]);
  });
});

test("test/fixtures/other-product, which .ci/run puts in place of stacks/, is a product of its own that clears the bar", async () => {
  const report = await planStack(readStackFile(join(__dirname, "fixtures", "other-product", "stacks", "Pulumi.prod.yaml")));
  expect(report.summary.zone).toBe("quill-example.com");
  expect(exampleConfig("prod")["launch-ready:zone"].domain).not.toBe("quill-example.com");
  expect(report.bar.filter((result) => result.status === "fail")).toEqual([]);
});
