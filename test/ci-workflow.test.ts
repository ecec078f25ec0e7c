import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";

/** The workflow cannot run here; this keeps it well-formed and wired to the commands the suite proves. */
test("the GitHub workflow plans every stack on pull requests and deploys main through the policy pack", () => {
  const workflow = parse(readFileSync(join(__dirname, "..", ".github", "workflows", "launch-ready.yml"), "utf8"));
  const planSteps = workflow.jobs.plan.steps.map((step: { run?: string; uses?: string }) => step.run ?? step.uses).join("\n");
  expect(planSteps).toContain('npm run -s plan -- --stack "$stack" --markdown >> "$GITHUB_STEP_SUMMARY"');
  expect(planSteps).toContain("--sarif");
  expect(planSteps).toContain("github/codeql-action/upload-sarif");
  expect(planSteps).toContain("npm run scan:secrets");
  expect(planSteps).toContain("npm run -s layers");
  expect(planSteps).toContain("npm run -s lint");
  // The handover is checked against every stack file, so it cannot drift from what is deployed.
  expect(planSteps).toContain('npm run -s handover -- --stack "$stack" --check');
  // A shallow clone would hide the history the scan must read.
  expect(workflow.jobs.plan.steps[0].with["fetch-depth"]).toBe(0);
  expect(workflow.jobs.plan.permissions["security-events"]).toBe("write");
  const deploy = workflow.jobs.deploy;
  expect(deploy.needs).toBe("plan");
  // Staging lives in prod's zone, whose rulesets carry its edge rules: prod goes first.
  expect(deploy.strategy.matrix.include).toEqual([
    { stack: "prod", environment: "production" },
    { stack: "staging", environment: "staging" },
  ]);
  const pulumiSteps = deploy.steps.filter((step: { uses?: string }) => step.uses?.startsWith("pulumi/actions"));
  expect(pulumiSteps.map((step: { with: Record<string, string> }) => [step.with.command, step.with.policyPacks])).toEqual([
    ["preview", "policies"],
    ["up", "policies"],
  ]);
});

/** OPS-DRIFT's scheduled verify, in a file of its own so GitHub's 60-day disabling of scheduled workflows never stops the checks above. */
test("the scheduled workflow verifies every stack daily, fails on a mandatory failure and opens an issue with the run's own token", () => {
  const workflow = parse(readFileSync(join(__dirname, "..", ".github", "workflows", "launch-ready-verify.yml"), "utf8"));
  expect(workflow.on.schedule).toEqual([{ cron: "17 6 * * *" }]);
  expect(workflow.permissions).toEqual({ contents: "read", issues: "write" });
  const [verify, report] = workflow.jobs.verify.steps.slice(-2);
  expect(verify.run).toContain("for file in stacks/Pulumi.*.yaml; do");
  expect(verify.run).toContain('npm run -s verify -- --stack "$stack" || { status=1;');
  expect(verify.run).toMatch(/exit \$status\n$/);
  expect(report.if).toContain("failure()");
  // No repository secret: the job's own token, which gh reads from the environment and never prints.
  expect(report.env.GH_TOKEN).toMatch(/^\$\{\{ github\.token \}\}$/);
  expect(JSON.stringify(workflow)).not.toContain("secrets.");
  expect(report.run).toContain("gh issue create");
});
