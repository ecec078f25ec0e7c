/**
 * `launch-ready <verb> [flags]`: the kit's one command (the package's bin, scripts/launch-ready.ts),
 * which this repository's npm scripts call too. Each verb's module is loaded only when it runs, so `plan` never
 * pays for the load generator or the git history code.
 */
import { kitManifest } from "../../stacks/project";
import { fail, runVerb, type Io, type Verb } from "../cli/io";

interface VerbEntry {
  /** One line for the command's own help. */
  summary: string;
  /** How a crash of the verb itself is reported, and its exit code. */
  failedAs: string;
  failureCode: number;
  load(): Promise<Verb>;
}

const VERBS: Record<string, VerbEntry> = {
  init: {
    summary: "scaffold a product's repository: package, Pulumi project, prod and staging stacks, CI, handover",
    failedAs: "init failed",
    failureCode: 1,
    load: async () => (await import("./init")).init,
  },
  plan: {
    summary: "plan a stack offline under Pulumi's mocks and judge it against the minimum bar",
    failedAs: "The program failed while planning",
    failureCode: 1,
    load: async () => (await import("./plan")).plan,
  },
  verify: {
    summary: "check the live site, DNS, TLS and mail records against the bar",
    failedAs: "verify failed",
    failureCode: 2,
    load: async () => (await import("./verify")).verify,
  },
  loadtest: {
    summary: "load the declared hosts within the stack's budget and judge latency and errors",
    failedAs: "loadtest failed",
    failureCode: 2,
    load: async () => (await import("./loadtest")).loadtest,
  },
  handover: {
    summary: "write or check the stack's section of HANDOVER.md",
    failedAs: "handover failed",
    failureCode: 1,
    load: async () => (await import("./handover")).handover,
  },
  "import-zone": {
    summary: "turn a BIND zone export into a stack file that plans",
    failedAs: "import-zone failed",
    failureCode: 1,
    load: async () => (await import("./import-zone")).importZone,
  },
  adopt: {
    summary: "write the pulumi import file that adopts the rulesets and zone settings a zone already has",
    failedAs: "adopt failed",
    failureCode: 1,
    load: async () => (await import("./adopt")).adopt,
  },
  drift: {
    summary: "compare a saved export of the zone's DNS records with what every stack of the zone declares",
    failedAs: "drift failed",
    failureCode: 2,
    load: async () => (await import("./drift")).drift,
  },
  rollback: {
    summary: "list a stack file's earlier versions, checked offline, and restore one",
    failedAs: "The rollback failed",
    failureCode: 1,
    load: async () => (await import("./rollback")).rollback,
  },
  "scan-secrets": {
    summary: "scan the repository and its git history for committed secrets",
    failedAs: "The scan failed",
    failureCode: 2,
    load: async () => (await import("./scan-secrets")).scanSecrets,
  },
  "check-env": {
    summary: "check an environment (or .env file) against the stack's env manifest; write .env.example",
    failedAs: "check-env failed",
    failureCode: 2,
    load: async () => (await import("./check-env")).checkEnv,
  },
  schema: {
    summary: "write or check the JSON Schema of stack files beside them",
    failedAs: "schema failed",
    failureCode: 1,
    load: async () => (await import("./schema")).schema,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(VERBS).map((name) => name.length));
  return [
    "Usage: launch-ready <command> [flags]   (launch-ready <command> --help for its flags)",
    "",
    ...Object.entries(VERBS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    "",
    "Commands that read stack files find them through the Pulumi.yaml of the working directory (its stackConfigDir).",
  ].join("\n");
}

/** Runs the named verb on the rest of the command line; `--help` / `--version` answer for the command itself. */
export async function launchReady(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) fail(2, false, usage());
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === "--version") {
    io.stdout.write(`${kitManifest().version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(VERBS, name) ? VERBS[name] : undefined;
  if (!entry) fail(2, rest.includes("--json"), `"${name}" is not a launch-ready command.\n\n${usage()}`);
  return runVerb(await entry.load(), rest, io, entry.failedAs, entry.failureCode);
}
