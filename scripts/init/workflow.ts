/**
 * The founder's CI workflow (.github/workflows/launch-ready.yml), modelled on the kit's own: on
 * pull requests a secret scan, the offline plan of every stack file against the bar and the
 * handover check, no credentials; on main `pulumi preview` with the kit's policy pack, then
 * `pulumi up`, stack by stack, production behind a protected environment and before the stacks
 * living in its zone. The stack
 * list is read from stacks/ at run time, so a new stack file is planned and deployed without
 * editing the workflow.
 */
import { Document, isMap, type Node } from "yaml";
import { DAILY_VERIFY_CRON } from "../../policies/rules/ops-drift";
import { KIT_NAME } from "../../stacks/project";

/** GitHub's expression syntax, kept out of template literals' way. */
const expression = (text: string) => `\${{ ${text} }}`;

/**
 * Every stack file's name as a JSON array, production last (`stacks`, the plan matrix), and the
 * order to deploy them in (`deploy`), one at a time: the stacks owning their zone, production
 * last of those, then the stacks living in another stack's zone (`zone.owner`), whose edge rules
 * their owner's `pulumi up` puts in force before their own adds their records.
 */
const LIST_STACKS = [
  'names=""; owners=""; members=""',
  // zone.owner in block or flow style, the key quoted or not; nothing outside launch-ready:zone.
  'lives_in_other_zone() { sed -n \'/^  "\\{0,1\\}launch-ready:zone"\\{0,1\\}:/,/^  [^ ]/p\' "$1" | grep -q -E \'(^ +|[{,] *)"?owner"?: *"?[A-Za-z0-9_.-]+\'; }',
  "for file in stacks/Pulumi.*.yaml; do",
  '  [ -f "$file" ] || continue',
  `  stack=$(basename "$file" .yaml); stack=\${stack#Pulumi.}`,
  '  [ "$stack" = prod ] && continue',
  '  names="$names\\"$stack\\","',
  '  if lives_in_other_zone "$file"; then members="$members\\"$stack\\","; else owners="$owners\\"$stack\\","; fi',
  "done",
  'if [ -f stacks/Pulumi.prod.yaml ]; then names="$names\\"prod\\","; owners="$owners\\"prod\\","; fi',
  'deploy="$owners$members"',
  `echo "stacks=[\${names%,}]" >> "$GITHUB_OUTPUT"`,
  `echo "deploy=[\${deploy%,}]" >> "$GITHUB_OUTPUT"`,
  "",
].join("\n");

const node = { uses: "actions/setup-node@v4", with: { "node-version": 20, cache: "npm" } };

function pulumiStep(command: "preview" | "up"): Record<string, unknown> {
  return {
    uses: "pulumi/actions@v6",
    with: {
      command,
      "stack-name": expression("matrix.stack"),
      "cloud-url": expression("vars.PULUMI_BACKEND_URL"),
      policyPacks: `node_modules/${KIT_NAME}/policies`,
    },
  };
}

function workflow(): Record<string, unknown> {
  const matrix = { stack: expression("fromJSON(needs.stacks.outputs.stacks)") };
  const deployed = { stack: expression("fromJSON(needs.stacks.outputs.deploy)") };
  return {
    name: KIT_NAME,
    on: { pull_request: null, push: { branches: ["main"] } },
    permissions: { contents: "read" },
    jobs: {
      stacks: {
        name: "List the stacks",
        "runs-on": "ubuntu-latest",
        outputs: { stacks: expression("steps.list.outputs.stacks"), deploy: expression("steps.list.outputs.deploy") },
        steps: [{ uses: "actions/checkout@v4" }, { id: "list", name: "Every stacks/Pulumi.<stack>.yaml, production last", run: LIST_STACKS }],
      },
      // Once per change, not per stack: the history is the repository's, whichever stack changed.
      scan: {
        name: "Scan the whole git history for secrets (SEC-NO-PLAINTEXT)",
        "runs-on": "ubuntu-latest",
        steps: [{ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } }, node, { run: "npm ci" }, { run: `npx ${KIT_NAME} scan-secrets` }],
      },
      plan: {
        name: `Plan ${expression("matrix.stack")} against the minimum bar`,
        needs: "stacks",
        "runs-on": "ubuntu-latest",
        strategy: { "fail-fast": false, matrix },
        steps: [
          { uses: "actions/checkout@v4" },
          node,
          { run: "npm ci" },
          {
            name: "Offline plan against the bar (no credentials)",
            run: `npx ${KIT_NAME} plan --stack ${expression("matrix.stack")} --markdown >> "$GITHUB_STEP_SUMMARY"`,
          },
          { name: "HANDOVER.md matches the stack file (OPS-HANDOVER)", run: `npx ${KIT_NAME} handover --stack ${expression("matrix.stack")} --check` },
        ],
      },
      deploy: {
        name: `Deploy ${expression("matrix.stack")}`,
        needs: ["stacks", "scan", "plan"],
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        "runs-on": "ubuntu-latest",
        strategy: { "max-parallel": 1, matrix: deployed },
        environment: expression("matrix.stack == 'prod' && 'production' || matrix.stack"),
        concurrency: `deploy-${expression("matrix.stack")}`,
        env: {
          CLOUDFLARE_API_TOKEN: expression("secrets.CLOUDFLARE_API_TOKEN"),
          AWS_ACCESS_KEY_ID: expression("secrets.AWS_ACCESS_KEY_ID"),
          AWS_SECRET_ACCESS_KEY: expression("secrets.AWS_SECRET_ACCESS_KEY"),
          // Read only by stacks that monitor on Checkly or keep secrets on Vercel; unset secrets expand to nothing.
          CHECKLY_API_KEY: expression("secrets.CHECKLY_API_KEY"),
          CHECKLY_ACCOUNT_ID: expression("secrets.CHECKLY_ACCOUNT_ID"),
          VERCEL_API_TOKEN: expression("secrets.VERCEL_API_TOKEN"),
          PULUMI_CONFIG_PASSPHRASE: expression("secrets.PULUMI_CONFIG_PASSPHRASE"),
          PULUMI_ACCESS_TOKEN: expression("secrets.PULUMI_ACCESS_TOKEN"),
        },
        steps: [{ uses: "actions/checkout@v4" }, node, { run: "npm ci" }, pulumiStep("preview"), pulumiStep("up")],
      },
    },
  };
}

const HEADER = [
  " The minimum bar in CI, written by `launch-ready init`:",
  " - pull requests and main: a secret scan of the whole history (once), and the offline plan of every stack",
  "   file (the bar goes to the job summary; a mandatory failure fails the check) and the handover check.",
  " - main: `pulumi preview` with the kit's policy pack, then `pulumi up`, one stack at a time, prod last,",
  "   behind the protected `production` environment (Settings > Environments: required reviewers) last of",
  "   the stacks that own their zone; a stack living in another's zone (zone.owner, staging as init writes",
  "   it) deploys after its owner, whose rulesets carry its edge rules.",
  " Repository secrets: CLOUDFLARE_API_TOKEN (scoped as HANDOVER.md says), AWS_ACCESS_KEY_ID and",
  " AWS_SECRET_ACCESS_KEY, and PULUMI_CONFIG_PASSPHRASE (self-managed backend) or PULUMI_ACCESS_TOKEN",
  " (Pulumi Cloud); CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID with monitoring.provider: checkly,",
  " VERCEL_API_TOKEN with secretStore.kind: vercel; the repository variable PULUMI_BACKEND_URL names",
  " the backend.",
].join("\n");

/** Comments a reader of the YAML needs where the value alone does not say why, by the key they sit above. */
const KEY_COMMENTS: Array<{ path: Array<string | number>; comment: string }> = [
  { path: ["jobs", "scan", "steps", 0, "with", "fetch-depth"], comment: " The secret scan reads every commit on every branch, not just the tip." },
  { path: ["jobs", "deploy", "environment"], comment: " Production waits for the protected environment's required reviewers." },
  ...[3, 4].map((step) => ({
    path: ["jobs", "deploy", "steps", step, "with", "cloud-url"],
    comment: " s3://your-state-bucket, file://~, or empty for Pulumi Cloud.",
  })),
];

const VERIFY_HEADER = [
  " The live bar every day, written by `launch-ready init` (OPS-DRIFT): `verify` of every stack file",
  " against what the internet sees. verify reads public DNS and HTTPS only: no credentials here. A",
  " mandatory failure fails the stack's job, and the job opens an issue (or comments on the one still",
  " open), which reaches the repository's watchers; GitHub mails a failed scheduled run only to whoever",
  " last changed its cron. A file of its own: GitHub disables a scheduled workflow after 60 days",
  " without activity in a public repository, and that must not stop launch-ready.yml's checks.",
].join("\n");

/**
 * The issue a failing stack's scheduled verify opens, or comments on while it is open; the body
 * links the run, whose log has each failing check. The run's own token, which gh never prints.
 */
const REPORT_FAILURE = [
  `title="Scheduled verify fails for stack $STACK"`,
  `open=$(gh issue list --repo "$GITHUB_REPOSITORY" --state open --search "in:title \\"$title\\"" --json number,title --jq ".[] | select(.title == \\"$title\\") | .number" | head -n 1)`,
  'if [ -n "$open" ]; then',
  '  gh issue comment "$open" --repo "$GITHUB_REPOSITORY" --body "Still failing: $RUN_URL"',
  "else",
  `  gh issue create --repo "$GITHUB_REPOSITORY" --title "$title" --body "The scheduled npx ${KIT_NAME} verify --stack $STACK failed: $RUN_URL. Run it locally to see each failing check; close this issue once it passes."`,
  "fi",
  "",
].join("\n");

/*
 * GitHub's facts relied on (read 2026-12-03): notifications of a scheduled run go to the user who
 * last changed its cron (https://docs.github.com/en/actions/concepts/workflows-and-actions/notifications-for-workflow-runs);
 * a public repository's scheduled workflows are disabled after 60 days without activity, and run
 * only from the default branch (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#schedule).
 */
function verifyWorkflow(): Record<string, unknown> {
  return {
    name: `${KIT_NAME} verify`,
    on: { schedule: [{ cron: DAILY_VERIFY_CRON }], workflow_dispatch: null },
    permissions: { contents: "read", issues: "write" },
    jobs: {
      stacks: (workflow().jobs as Record<string, unknown>).stacks,
      verify: {
        name: `Live verification of ${expression("matrix.stack")}`,
        needs: "stacks",
        "runs-on": "ubuntu-latest",
        strategy: { "fail-fast": false, matrix: { stack: expression("fromJSON(needs.stacks.outputs.stacks)") } },
        steps: [
          { uses: "actions/checkout@v4" },
          node,
          { run: "npm ci" },
          { name: "The live bar (exit 1 on a mandatory failure)", run: `npx ${KIT_NAME} verify --stack ${expression("matrix.stack")}` },
          {
            name: "Open or update an issue for the failing stack",
            if: "failure()",
            env: {
              GH_TOKEN: expression("github.token"),
              STACK: expression("matrix.stack"),
              RUN_URL: `${expression("github.server_url")}/${expression("github.repository")}/actions/runs/${expression("github.run_id")}`,
            },
            run: REPORT_FAILURE,
          },
        ],
      },
    },
  };
}

/** The scheduled verify workflow (.github/workflows/launch-ready-verify.yml). */
export function verifyWorkflowYaml(): string {
  const document = new Document(verifyWorkflow(), { aliasDuplicateObjects: false });
  document.commentBefore = VERIFY_HEADER;
  return document.toString({ lineWidth: 0, nullStr: "" });
}

export function workflowYaml(): string {
  // The shared step and matrix objects are written out in full: anchors are not for workflow readers.
  const document = new Document(workflow(), { aliasDuplicateObjects: false });
  document.commentBefore = HEADER;
  for (const { path, comment } of KEY_COMMENTS) {
    const parent = document.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((item) => (item.key as { value?: unknown }).value === path[path.length - 1]) : undefined;
    if (!pair) throw new Error(`the workflow has no ${path.join(".")} to comment`);
    (pair.key as Node).commentBefore = comment;
  }
  return document.toString({ lineWidth: 0, nullStr: "" });
}
