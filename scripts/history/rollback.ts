/**
 * Rolling a stack back to an earlier version of its stack file, as plain data: what one version
 * is (a commit, and what the offline checks say of it), whether it may be restored, the two
 * reports (`--list`: the file's history; `--to`: one version against the working tree) and the
 * commands a person runs next. No git, no files, no Pulumi here: rollback-versions.ts reads the
 * versions and plans them, rollback-diff.ts compares two plans, rollback-handover.ts carries the
 * handover into a version, rollback-render.ts writes the reports as text, and the verb
 * (scripts/commands/rollback.ts) puts them together.
 */
import type { BarResult } from "../../policies/bar";
import type { ConfigProblem } from "../../stacks/config-problems";
import type { StackEncryption } from "../../stacks/stack-file";
import type { PlanReport } from "../plan/plan-report";
import type { CacheWindow, DnsChange, ResourceDiff } from "./rollback-diff";
import type { HandoverCarry, HistoryHandover } from "./rollback-handover";

/** One commit that changed the stack file, as `git log` tells it. */
export interface Commit {
  commit: string;
  /** Author date, ISO 8601. */
  date: string;
  author: string;
  subject: string;
}

/** What the offline checks say about one version of the stack file. */
export type VersionCheck =
  /** Parses, plans, and no mandatory bar item fails: it may be deployed. */
  | { status: "clears"; waived: string[] }
  /** Parses and plans, but mandatory bar items fail: `pulumi up --policy-pack policies` would refuse it. */
  | { status: "below-bar"; failures: BarResult[] }
  /** The text cannot be read as a stack file at all (not YAML, an alias bomb, a value JSON cannot carry); `why` follows the file's name. */
  | { status: "unreadable"; why: string }
  /** The program refuses the config. */
  | { status: "invalid"; problems: ConfigProblem[] }
  /** The commit deleted the file. */
  | { status: "absent" };

/** How an offline plan of one version ended: its text unreadable, with problems, or with a report. */
export type PlanOutcome = { unreadable: string } | { problems: ConfigProblem[] } | { report: PlanReport };

export function judgeVersion(outcome: PlanOutcome): VersionCheck {
  if ("unreadable" in outcome) return { status: "unreadable", why: outcome.unreadable };
  if ("problems" in outcome) return { status: "invalid", problems: outcome.problems };
  const failures = outcome.report.bar.filter((r) => r.status === "fail" && r.level === "mandatory");
  if (failures.length > 0) return { status: "below-bar", failures };
  return { status: "clears", waived: [...new Set(outcome.report.bar.filter((r) => r.status === "waived").map((r) => r.id))] };
}

/** A version may be restored when it parses and clears the bar. */
export function restorable(check: VersionCheck): boolean {
  return check.status === "clears";
}

/** Short commit IDs as git prints them by default. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

// ---------------------------------------------------------------------------------------------
// Reports.

/** One row of `--list`. */
export interface HistoryEntry extends Commit {
  check: VersionCheck;
  /** Restoring this version (with the working tree's handover) would leave the working tree as it is. */
  current: boolean;
  /** Its `secure:` values are under another secrets key than the working tree's, so `--apply` refuses it. */
  otherKey: boolean;
}

export interface HistoryReport {
  stack: string;
  /** The stack file, relative to the repository root. */
  file: string;
  repository: string;
  /** Commits that changed the file, all told; `entries` holds the newest `limit` of them. */
  total: number;
  entries: HistoryEntry[];
  /** Whether each version was checked with the working tree's `launch-ready:handover`. */
  handover: HistoryHandover;
  /** The newest version that clears the bar, differs from the working tree and is under its secrets key: the usual rollback target. */
  suggested?: string;
  /** Commands for Pulumi's own record of the stack; the kit runs none of them. */
  pulumi: PulumiCommand[];
}

export interface PulumiCommand {
  /** `history` reads Pulumi's record; `state-only` rewrites it and changes no cloud resource. */
  kind: "history" | "state-only";
  command: string;
  why: string;
}

/** The newest entry that `--apply` would restore and that is not what the working tree already holds. */
export function suggestTarget(entries: readonly HistoryEntry[]): string | undefined {
  return entries.find((e) => !e.current && !e.otherKey && e.check.status === "clears")?.commit;
}

/**
 * Pulumi's own record: `pulumi stack history` (each update with its version number), and the
 * state-only path through `pulumi stack export`/`import`, which changes no cloud resource.
 * `stack export --version` is in recent Pulumi 3 CLIs only.
 */
export function pulumiHistoryCommands(stack: string): PulumiCommand[] {
  return [
    {
      kind: "history",
      command: `pulumi stack history --stack ${stack}`,
      why: "every update Pulumi recorded for the stack, newest first, with its version number",
    },
    { kind: "state-only", command: `pulumi stack export --stack ${stack} --file ${stack}-state-now.json`, why: "keep a copy of Pulumi's record as it is now" },
    {
      kind: "state-only",
      command: `pulumi stack export --stack ${stack} --version <N> --file ${stack}-state-<N>.json`,
      why: "the record as of update N (--version is in recent Pulumi 3 CLIs; `pulumi stack export --help` shows whether yours has it)",
    },
    {
      kind: "state-only",
      command: `pulumi stack import --stack ${stack} --file ${stack}-state-<N>.json`,
      why: "make that Pulumi's record again; it changes no DNS record or setting",
    },
    { kind: "state-only", command: `pulumi refresh --stack ${stack}`, why: "read what really exists back into the record" },
  ];
}

/** What `--to` found. */
export interface RollbackReport {
  stack: string;
  file: string;
  repository: string;
  /** The zone the target version manages, when it parsed. */
  zone?: string;
  target: Commit;
  check: VersionCheck;
  /** The working-tree file's own check (absent when the target was refused); the diff is only known when it plans. */
  currentCheck?: VersionCheck;
  /** The target's content (with the working tree's handover) is the working tree's already. */
  identical: boolean;
  /** What happened to the target's `launch-ready:handover`: it is kept from the working tree. */
  handover: HandoverCarry;
  /** Present when both versions planned. */
  dns?: DnsChange[];
  resources?: ResourceDiff;
  cache?: CacheWindow;
  /** Encryption keys of the file that differ between the versions; when any does, the version is not written back (`--apply` is refused). */
  encryptionChanged: Array<keyof StackEncryption>;
  /** What the target's encryption was compared with when the working-tree file is not YAML: the file at HEAD, or nothing readable (then no key change can be seen). */
  encryptionComparedWith?: "HEAD" | "nothing";
  /** Key paths of the target's `secure:` values (never the values). */
  secureKeys: string[];
  /** Files outside the stack files that differ between the target commit and the working tree. */
  codeChanged: string[];
  /** The working-tree file was overwritten with the target's content. */
  applied: boolean;
  /** What a person runs next, in order; empty when the working tree already holds the version. */
  next: NextCommand[];
}

export interface NextCommand {
  command: string;
  /** The directory to run it from. */
  from: string;
}

export interface CommandContext {
  /** How a person runs this script for this stack from `kit`, e.g. `npm run rollback -- --stack prod`. */
  rollback: string;
  /** How a person plans the working-tree file from `kit`, e.g. `npm run plan -- --stack prod`. */
  plan: string;
  /** The project directory (package.json, Pulumi.yaml): where `npm run` commands work. */
  kit: string;
  /** The policy pack as `--policy-pack` takes it from there (policyPackPath). */
  policyPack: string;
  /** The repository holding the stack file: where git and pulumi commands run. */
  repository: string;
}

/**
 * The commands a person runs next, in order; the kit runs none of them. Nothing when the working
 * tree already holds the version. Under another encryption key the version is not written back:
 * the current file is edited by hand from `git show` and each secure value set again.
 */
export function nextCommands(
  report: Pick<RollbackReport, "stack" | "file" | "target" | "applied" | "identical" | "encryptionChanged" | "secureKeys">,
  commands: CommandContext,
): NextCommand[] {
  if (report.identical) return [];
  const short = shortCommit(report.target.commit);
  const kit = (command: string): NextCommand => ({ command, from: commands.kit });
  const repo = (command: string): NextCommand => ({ command, from: commands.repository });
  const restore =
    report.encryptionChanged.length > 0
      ? [repo(`git show ${short}:${report.file}`), ...report.secureKeys.map((key) => repo(setSecretCommand(key, report.stack)))]
      : report.applied
        ? []
        : [kit(`${commands.rollback} --to ${short} --apply`)];
  return [
    ...restore,
    repo(`git diff -- ${report.file}`),
    kit(commands.plan),
    repo(`pulumi preview --stack ${report.stack} --policy-pack ${commands.policyPack}`),
    repo(`pulumi up --stack ${report.stack} --policy-pack ${commands.policyPack}`),
    repo(`git commit -m "Roll back stack ${report.stack} to ${short}" -- ${report.file}`),
  ];
}

/** How a person sets one secure value again under the stack's current key. */
export function setSecretCommand(key: string, stack: string): string {
  return `pulumi config set --secret --path '${key.replace(/'/g, "'\\''")}' --stack ${stack}`;
}
