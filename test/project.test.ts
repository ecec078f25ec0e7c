/**
 * Which project a verb works on: the nearest Pulumi.yaml from its working directory, its
 * stackConfigDir (or its own directory), and what a broken Pulumi.yaml does. The fixtures all use
 * `stackConfigDir: stacks`; these projects do not, so a verb that assumed `stacks/` fails here.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { handover } from "../scripts/commands/handover";
import { plan } from "../scripts/commands/plan";
import { rollback } from "../scripts/commands/rollback";
import { findProject, KIT_DIR, policyPackPath, ProjectError, requireProject } from "../stacks/project";
import { FIXTURE_PROJECT, runInProcess, scratchDir } from "./helpers";

/** A project named `quill` whose prod stack file is the fixture's, in `configDir` (or beside Pulumi.yaml). */
function projectWith(configDir?: string): string {
  const dir = scratchDir("launch-ready-project-");
  writeFileSync(join(dir, "Pulumi.yaml"), `name: quill\nruntime: nodejs\n${configDir ? `stackConfigDir: ${configDir}\n` : ""}`);
  const stacks = join(dir, configDir ?? ".");
  mkdirSync(stacks, { recursive: true });
  copyFileSync(join(FIXTURE_PROJECT.stacksDir, "Pulumi.prod.yaml"), join(stacks, "Pulumi.prod.yaml"));
  mkdirSync(join(dir, "app", "src"), { recursive: true });
  return dir;
}

describe("finding the project", () => {
  test("from a subdirectory, with stackConfigDir elsewhere or absent", () => {
    const nested = projectWith("infra/config");
    expect(findProject(join(nested, "app", "src"))).toEqual({ dir: nested, name: "quill", stacksDir: join(nested, "infra", "config") });
    const flat = projectWith();
    expect(requireProject(join(flat, "app"))).toEqual({ dir: flat, name: "quill", stacksDir: flat });
  });

  test("a Pulumi.yaml that is not YAML, has no name or a stackConfigDir that is not a path is an error naming the file, not a reason to look further up", () => {
    const dir = scratchDir("launch-ready-project-");
    const file = join(dir, "Pulumi.yaml");
    writeFileSync(file, "name: [unclosed\n");
    expect(() => findProject(dir)).toThrow(ProjectError);
    expect(() => findProject(dir)).toThrow(`${file} cannot be read as YAML`);
    writeFileSync(file, "runtime: nodejs\n");
    expect(() => findProject(dir)).toThrow(`${file} has no "name:"`);
    writeFileSync(file, "name: quill\nstackConfigDir: [a, b]\n");
    expect(() => findProject(dir)).toThrow(`${file}: "stackConfigDir:" must be a directory path`);
    // A name Pulumi refuses would go into every URN and secret path the kit plans.
    for (const name of ['"../../other team"', '"a\\nb"', "x".repeat(101)]) {
      writeFileSync(file, `name: ${name}\n`);
      expect(() => findProject(dir), name).toThrow("which Pulumi refuses: use up to 100 letters, digits");
    }
    writeFileSync(file, "name: quill.app_2-x\n");
    expect(findProject(dir)?.name).toBe("quill.app_2-x");
  });

  test("outside any project, requireProject says how to start one", () => {
    const dir = scratchDir("launch-ready-project-");
    expect(findProject(dir)).toBeUndefined();
    expect(() => requireProject(dir)).toThrow(/No Pulumi\.yaml in .* or above it: .*npx launch-ready init/);
  });

  test("the policy pack is named from the project: policies/ in this repository, the installed package elsewhere", () => {
    expect(policyPackPath(KIT_DIR)).toBe("policies");
    expect(policyPackPath(scratchDir("launch-ready-project-"))).toBe("node_modules/launch-ready/policies");
  });
});

describe("verbs in a project laid out its own way", () => {
  test("plan --stack reads the stackConfigDir of the Pulumi.yaml above the working directory, and names the project in its URNs", async () => {
    const dir = projectWith("infra/config");
    const planned = await runInProcess(plan, ["--stack", "prod", "--json"], { cwd: join(dir, "app", "src") });
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout).resources[0].urn).toBe("urn:pulumi:prod::quill::pulumi:pulumi:Stack::quill-prod");
    const missing = await runInProcess(plan, ["--stack", "staging"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Stacks in infra/config/: prod.");
  });

  test("plan --config plans a file as part of the project it sits in, wherever the verb runs", async () => {
    const dir = projectWith("infra/config");
    const elsewhere = scratchDir("launch-ready-project-");
    const planned = await runInProcess(plan, ["--config", join(dir, "infra", "config", "Pulumi.prod.yaml"), "--json"], { cwd: elsewhere });
    expect(JSON.parse(planned.stdout).resources[0].urn).toBe("urn:pulumi:prod::quill::pulumi:pulumi:Stack::quill-prod");
  });

  test("handover writes and checks the project's HANDOVER.md from any directory in it", async () => {
    const dir = projectWith("infra/config");
    const sub = join(dir, "app", "src");
    expect((await runInProcess(handover, ["--stack", "prod"], { cwd: sub })).code).toBe(0);
    expect(readFileSync(join(dir, "HANDOVER.md"), "utf8")).toContain("## Stack `prod`");
    const checked = await runInProcess(handover, ["--stack", "prod", "--check"], { cwd: sub });
    expect(checked.stderr).toBe("");
    expect(checked.stdout).toBe("The prod section of ../../HANDOVER.md is current.\n");
  });

  test("a broken Pulumi.yaml ends plan and rollback with 2 and what is wrong with it, not a crash; another project's file is not judged by it", async () => {
    const dir = scratchDir("launch-ready-project-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: [unclosed\n");
    copyFileSync(join(FIXTURE_PROJECT.stacksDir, "Pulumi.prod.yaml"), join(dir, "Pulumi.prod.yaml"));
    for (const [verb, args] of [
      [plan, ["--stack", "prod"]],
      [rollback, ["--stack", "prod", "--list"]],
      [plan, ["--config", "Pulumi.prod.yaml"]],
    ] as const) {
      const result = await runInProcess(verb, [...args], { cwd: dir });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`${join(dir, "Pulumi.yaml")} cannot be read as YAML`);
    }
    const fixture = await runInProcess(plan, ["--config", join(FIXTURE_PROJECT.stacksDir, "Pulumi.prod.yaml")], { cwd: dir });
    expect(fixture.code).toBe(0);
  });
});
