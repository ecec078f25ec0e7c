/**
 * Rolling a stack back to an earlier version of its stack file, as plain data: whether a version
 * may be deployed, what its plan changes against the current one (DNS records by name and type,
 * every other resource by URN), how long resolvers may keep the answers being undone, and the
 * reports a person reads. No git, no files, no Pulumi here: `scripts/rollback.ts` gathers the
 * versions and plans them, this module judges and compares them.
 */
import Table from "cli-table3";
import { parse } from "yaml";
import type { BarResult } from "../../policies/bar";
import { DNS_RECORD } from "../../policies/resource-types";
import type { ConfigProblem } from "../../stacks/config-problems";
import { recordDataText } from "../../stacks/records-config";
import type { PlanReport } from "./plan-report";
import { stackEncryption, type StackEncryption } from "../../stacks/stack-file";

/** Cloudflare's automatic TTL, and the TTL it answers proxied names with. */
export const AUTO_TTL_SECONDS = 300;

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
  /** Not valid YAML, or the program refuses the config. */
  | { status: "invalid"; problems: ConfigProblem[] }
  /** The commit deleted the file. */
  | { status: "absent" };

/** How an offline plan of one version ended: with problems, or with a report. */
export type PlanOutcome = { problems: ConfigProblem[] } | { report: PlanReport };

export function judgeVersion(outcome: PlanOutcome): VersionCheck {
  if ("problems" in outcome) return { status: "invalid", problems: outcome.problems };
  const failures = outcome.report.bar.filter((r) => r.status === "fail" && r.level === "mandatory");
  if (failures.length > 0) return { status: "below-bar", failures };
  return { status: "clears", waived: [...new Set(outcome.report.bar.filter((r) => r.status === "waived").map((r) => r.id))] };
}

/** A version may be restored when it parses and clears the bar. */
export function restorable(check: VersionCheck): boolean {
  return check.status === "clears";
}

/** One line for a table cell or a log: "clears the bar", "FAIL TLS-STRICT, DNS-CANONICAL", ... */
export function describeCheck(check: VersionCheck): string {
  switch (check.status) {
    case "clears":
      return check.waived.length > 0 ? `clears the bar (waived: ${check.waived.join(", ")})` : "clears the bar";
    case "below-bar":
      return `FAIL ${[...new Set(check.failures.map((f) => f.id))].join(", ")}`;
    case "invalid":
      return `invalid: ${check.problems.length} problem${check.problems.length === 1 ? "" : "s"} (${check.problems.map((p) => p.path).join(", ")})`;
    case "absent":
      return "file deleted in this commit";
  }
}

// ---------------------------------------------------------------------------------------------
// DNS: what resolvers answer before and after, and how long the old answers may live on.

/** A planned DNS record as a resolver would answer it. */
export interface DnsAnswer {
  urn: string;
  /** Fully qualified name. */
  name: string;
  type: string;
  /** The answer in zone-file form; MX with its preference first. */
  value: string;
  proxied: boolean;
  /** Seconds; 1 is Cloudflare's "automatic". */
  ttl: number;
}

export interface DnsChange {
  change: "added" | "removed" | "changed";
  name: string;
  type: string;
  urn: string;
  /** The record in the current plan (what resolvers may have cached); absent when added. */
  before?: DnsAnswer;
  /** The record after the rollback; absent when removed. */
  after?: DnsAnswer;
  /** Longest a resolver may keep answering with `before` after the change is applied, in seconds. */
  staleFor: number;
}

/** The DNS records of a plan, by URN order. */
export function plannedDnsAnswers(report: Pick<PlanReport, "resources">): DnsAnswer[] {
  return report.resources
    .filter((r) => r.custom && r.type === DNS_RECORD)
    .map((r) => {
      const inputs = r.inputs;
      const data = inputs.data as Record<string, unknown> | undefined;
      const value = data ? recordDataText(data) : String(inputs.content ?? "");
      return {
        urn: r.urn,
        name: String(inputs.name),
        type: String(inputs.type),
        value: inputs.priority === undefined ? value : `${String(inputs.priority)} ${value}`,
        proxied: inputs.proxied === true,
        ttl: typeof inputs.ttl === "number" ? inputs.ttl : 1,
      };
    })
    .sort((a, b) => compare(a.urn, b.urn));
}

/**
 * How long a resolver may keep answering with `before` once `after` is in place. A DNS-only record
 * was cached for its TTL (automatic is 300 s). A proxied record was answered with Cloudflare's
 * addresses, which stay right while it stays proxied: a changed or removed proxied record takes
 * effect at Cloudflare's edge at once. A proxied record turned DNS-only was cached as Cloudflare's
 * addresses for 300 s. A TTL-only change gives the same answer, so nothing stale remains.
 */
export function staleSeconds(before: DnsAnswer | undefined, after: DnsAnswer | undefined): number {
  if (!before) return 0;
  if (before.proxied) return after && !after.proxied ? AUTO_TTL_SECONDS : 0;
  if (after && after.value === before.value && !after.proxied) return 0;
  return before.ttl === 1 ? AUTO_TTL_SECONDS : before.ttl;
}

/** Records added, removed or changed going from `current` to `target`, matched by URN (name and type). */
export function diffDnsAnswers(current: readonly DnsAnswer[], target: readonly DnsAnswer[]): DnsChange[] {
  const now = new Map(current.map((r) => [r.urn, r]));
  const then = new Map(target.map((r) => [r.urn, r]));
  const changes: DnsChange[] = [];
  for (const urn of [...new Set([...now.keys(), ...then.keys()])].sort(compare)) {
    const before = now.get(urn);
    const after = then.get(urn);
    if (before && after && before.value === after.value && before.proxied === after.proxied && before.ttl === after.ttl) continue;
    const { name, type } = (after ?? before)!;
    changes.push({ change: !before ? "added" : !after ? "removed" : "changed", name, type, urn, ...(before ? { before } : {}), ...(after ? { after } : {}), staleFor: staleSeconds(before, after) });
  }
  return changes.sort((a, b) => compare(`${a.name} ${a.type} ${a.urn}`, `${b.name} ${b.type} ${b.urn}`));
}

export interface CacheWindow {
  /** The largest TTL among DNS-only records whose answer changes; 0 when every change is immediate. */
  seconds: number;
  /** The records that take that long. */
  slowest: Array<{ name: string; type: string }>;
  /** Names that get a record back: resolvers that asked recently may have cached "no such record". */
  added: string[];
}

export function cacheWindow(changes: readonly DnsChange[]): CacheWindow {
  const seconds = Math.max(0, ...changes.map((c) => c.staleFor));
  return {
    seconds,
    slowest: seconds === 0 ? [] : changes.filter((c) => c.staleFor === seconds).map(({ name, type }) => ({ name, type })),
    added: [...new Set(changes.filter((c) => c.change === "added").map((c) => c.name))],
  };
}

/** 3600 → "1 h", 90 → "1 min 30 s". */
export function humanDuration(seconds: number): string {
  const parts = [
    [Math.floor(seconds / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "min"],
    [seconds % 60, "s"],
  ] as const;
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`).join(" ") || "0 s";
}

/** The caching note a person reads before `pulumi up`. */
export function cacheNote(window: CacheWindow, zone: string): string[] {
  const lines =
    window.seconds > 0
      ? [
          `Resolvers may keep the old answers for up to ${window.seconds} seconds${window.seconds >= 60 ? ` (${humanDuration(window.seconds)})` : ""} after \`pulumi up\` (the largest TTL among changed DNS-only records: ${window.slowest.map((r) => `${r.name} ${r.type}`).join(", ")}); proxied records change at once.`,
        ]
      : ["No DNS-only answer changes: proxied records change at once, so nothing waits on resolver caches."];
  if (window.added.length > 0) {
    lines.push(`Names that get a record back (${window.added.join(", ")}) may be cached as nonexistent by resolvers that asked recently, for up to the zone's negative-caching TTL (the last number of \`dig +short SOA ${zone}\`).`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Every resource, by URN.

export interface ResourceDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Provider resources (not components) added, removed or with different inputs, by URN. Secret inputs read "[secret]" on both sides, so a changed secret value is not seen here. */
export function diffResources(current: PlanReport["resources"], target: PlanReport["resources"]): ResourceDiff {
  const now = new Map(current.filter((r) => r.custom).map((r) => [r.urn, stableJson(r.inputs)]));
  const then = new Map(target.filter((r) => r.custom).map((r) => [r.urn, stableJson(r.inputs)]));
  return {
    added: [...then.keys()].filter((urn) => !now.has(urn)).sort(compare),
    removed: [...now.keys()].filter((urn) => !then.has(urn)).sort(compare),
    changed: [...then.keys()].filter((urn) => now.has(urn) && now.get(urn) !== then.get(urn)).sort(compare),
  };
}

/** JSON with object keys sorted, so key order never reads as a change. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `urn:pulumi:prod::launch-ready::...$cloudflare:index/dnsRecord:DnsRecord::www.example.com-CNAME` → `cloudflare.DnsRecord www.example.com-CNAME`. */
export function shortUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return urn;
  const [pkg, module = "", kind] = (parts[2].split("$").pop() ?? "").split(":");
  const folder = module.split("/")[0];
  const type = kind ? (folder === "index" ? `${pkg}.${kind}` : `${pkg}.${folder}.${kind}`) : parts[2];
  return `${type} ${parts.slice(3).join("::")}`;
}

// ---------------------------------------------------------------------------------------------
// Secrets: restoring old ciphertext is safe only under the same key.

/** Read from a version's text; one that is not YAML has none. */
export function encryptionOfText(text: string): StackEncryption {
  try {
    return stackEncryption(parse(text));
  } catch {
    return {};
  }
}

/** Which of the encryption keys differ between the current file and the version to restore. */
export function encryptionChanges(current: StackEncryption, target: StackEncryption): Array<keyof StackEncryption> {
  return (["encryptionsalt", "secretsprovider", "encryptedkey"] as const).filter((key) => current[key] !== target[key]);
}

// ---------------------------------------------------------------------------------------------
// Reports.

/** One row of `--list`. */
export interface HistoryEntry extends Commit {
  check: VersionCheck | { status: "not-checked" };
  /** This version's content is the working tree's. */
  current: boolean;
}

export interface HistoryReport {
  stack: string;
  /** The stack file, relative to the repository root. */
  file: string;
  repository: string;
  /** Commits that changed the file, all told; `entries` holds the newest `limit` of them. */
  total: number;
  entries: HistoryEntry[];
  /** The newest version that clears the bar and differs from the working tree: the usual rollback target. */
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

/** Short commit IDs as git prints them by default. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** The newest entry that can be restored and is not what the working tree already holds. */
export function suggestTarget(entries: readonly HistoryEntry[]): string | undefined {
  return entries.find((e) => !e.current && e.check.status === "clears")?.commit;
}

/**
 * Pulumi's own record: `pulumi stack history` (each update with its version number), and the
 * state-only path through `pulumi stack export`/`import`, which changes no cloud resource.
 * `stack export --version` is in recent Pulumi 3 CLIs only.
 */
export function pulumiHistoryCommands(stack: string): PulumiCommand[] {
  return [
    { kind: "history", command: `pulumi stack history --stack ${stack}`, why: "every update Pulumi recorded for the stack, newest first, with its version number" },
    { kind: "state-only", command: `pulumi stack export --stack ${stack} --file ${stack}-state-now.json`, why: "keep a copy of Pulumi's record as it is now" },
    { kind: "state-only", command: `pulumi stack export --stack ${stack} --version <N> --file ${stack}-state-<N>.json`, why: "the record as of update N (--version is in recent Pulumi 3 CLIs; `pulumi stack export --help` shows whether yours has it)" },
    { kind: "state-only", command: `pulumi stack import --stack ${stack} --file ${stack}-state-<N>.json`, why: "make that Pulumi's record again; it changes no DNS record or setting" },
    { kind: "state-only", command: `pulumi refresh --stack ${stack}`, why: "read what really exists back into the record" },
  ];
}

const TABLE_STYLE = { head: [], border: [] };

export function renderHistoryText(report: HistoryReport, rollbackCommand: string): string {
  const out: string[] = [];
  const shown = report.entries.length < report.total ? `the newest ${report.entries.length} of ${report.total} commits; --limit N for more` : `${report.total} commit${report.total === 1 ? "" : "s"}`;
  out.push(`History of ${report.file} in ${report.repository}, newest first (${shown}).`);
  out.push("Each version is checked offline with the kit's code in this checkout: does it parse, and does it clear the bar?");
  const table = new Table({ head: ["Commit", "Date", "Author", "Subject", "This version"], style: TABLE_STYLE, wordWrap: true, colWidths: [null, null, null, 40, 44] });
  for (const entry of report.entries) {
    const check = entry.check.status === "not-checked" ? "not checked" : describeCheck(entry.check);
    table.push([shortCommit(entry.commit), entry.date.slice(0, 10), entry.author, entry.subject, `${check}${entry.current ? "\n(= working tree)" : ""}`]);
  }
  out.push(table.toString());
  const suggested = report.entries.find((e) => e.commit === report.suggested);
  if (suggested) {
    out.push(
      "",
      `Last version that clears the bar and differs from the working tree: ${shortCommit(suggested.commit)} (${suggested.date.slice(0, 10)}, ${suggested.subject}).`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)}           what would change`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)} --apply   restore it in the working tree (commits nothing)`,
    );
  } else {
    out.push("", "No version listed both clears the bar and differs from the working tree.");
  }
  const commands = (kind: PulumiCommand["kind"]) => report.pulumi.filter((c) => c.kind === kind).flatMap((c) => [`  ${c.command}`, `      ${c.why}`]);
  out.push("", "Pulumi's own record (needs the Pulumi CLI and the stack's backend; the kit runs none of these):", ...commands("history"));
  out.push("", "State only, when Pulumi's record itself is damaged; this rolls back no DNS record or setting (that is --to, then pulumi up):", ...commands("state-only"));
  return out.join("\n");
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
  /** The target's content is the working tree's already. */
  identical: boolean;
  /** Present when both versions planned. */
  dns?: DnsChange[];
  resources?: ResourceDiff;
  cache?: CacheWindow;
  /** Encryption keys of the file that differ between the versions. */
  encryptionChanged: Array<keyof StackEncryption>;
  /** Key paths of the restored file's `secure:` values (never the values). */
  secureKeys: string[];
  /** Whether the target's `secure:` values opened with PULUMI_CONFIG_PASSPHRASE; absent when not tried. */
  secretsOpen?: boolean;
  /** Files outside the stack files that differ between the target commit and the working tree. */
  codeChanged: string[];
  /** The working-tree file was overwritten with the target's content. */
  applied: boolean;
  next: string[];
}

export interface CommandContext {
  /** How a person runs this script for this stack, e.g. `npm run rollback -- --stack prod`. */
  rollback: string;
  /** How a person plans the working-tree file, e.g. `npm run plan -- --stack prod`. */
  plan: string;
}

/** The commands a person runs next, in order; the kit runs none of them. */
export function nextCommands(report: Pick<RollbackReport, "stack" | "file" | "target" | "applied" | "identical">, commands: CommandContext): string[] {
  const short = shortCommit(report.target.commit);
  return [
    ...(report.applied || report.identical ? [] : [`${commands.rollback} --to ${short} --apply`]),
    `git diff -- ${report.file}`,
    commands.plan,
    `pulumi preview --stack ${report.stack} --policy-pack policies`,
    `pulumi up --stack ${report.stack} --policy-pack policies`,
    `git commit -m "Roll back stack ${report.stack} to ${short}" -- ${report.file}`,
  ];
}

function answerText(answer: DnsAnswer | undefined): string {
  if (!answer) return "-";
  return `${answer.value}\n${answer.proxied ? "proxied" : `DNS only, ttl ${answer.ttl === 1 ? "auto" : answer.ttl}`}`;
}

function problemLines(problems: readonly ConfigProblem[]): string[] {
  return problems.flatMap((p) => [`  ${p.path}: ${p.message}`, ...(p.example ? [`    for example: ${p.example.replace(/\n/g, "\n      ")}`] : [])]);
}

function checkLines(check: VersionCheck): string[] {
  switch (check.status) {
    case "below-bar":
      return check.failures.map((f) => `  ${f.id} (${f.level}): ${f.message}${f.configPath ? ` [${f.configPath}]` : ""}`);
    case "invalid":
      return problemLines(check.problems);
    default:
      return [];
  }
}

export function renderRollbackText(report: RollbackReport): string {
  const out: string[] = [];
  const t = report.target;
  out.push(`Rollback of stack ${report.stack} to ${shortCommit(t.commit)} (${t.date.slice(0, 10)}, ${t.author}: ${t.subject})`);
  out.push(`File: ${report.file} in ${report.repository}. Planned offline with the kit's code in this checkout; nothing was deployed.`);
  if (!restorable(report.check)) {
    const what = report.check.status === "invalid" ? "does not parse" : "is below the bar";
    out.push("", `The version at ${shortCommit(t.commit)} ${what}; nothing was written:`, ...checkLines(report.check));
    out.push("", `Pick another version: ${report.next[0] ?? "--list"}`);
    return out.join("\n");
  }
  out.push("", `The version at ${shortCommit(t.commit)} parses and ${describeCheck(report.check)}.`);
  if (report.identical) out.push("The working tree already holds this version: there is nothing to restore.");

  if (report.dns && report.resources && report.cache) {
    out.push("", "DNS records that change (the working-tree file's plan → the rollback's):");
    if (report.dns.length === 0) out.push("  none");
    else {
      const table = new Table({ head: ["Change", "Type", "Name", "Now", "After rollback"], style: TABLE_STYLE, wordWrap: true, colWidths: [null, null, null, 34, 34] });
      for (const c of report.dns) table.push([c.change, c.type, c.name, answerText(c.before), answerText(c.after)]);
      out.push(table.toString());
    }
    const r = report.resources;
    out.push("", `Resources by URN: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed.`);
    for (const [label, urns] of [["added", r.added], ["removed", r.removed], ["changed", r.changed]] as const) {
      for (const urn of urns) out.push(`  ${label}: ${shortUrn(urn)}`);
    }
    out.push("", ...cacheNote(report.cache, report.zone ?? "<zone>"));
    out.push("This compares two stack files. If the last `pulumi up` used another version, `pulumi preview` (below) shows the real difference.");
  } else {
    out.push("", "The working-tree file does not plan, so what changes cannot be computed offline; `pulumi preview` (below) compares the rollback with what is deployed:", ...(report.currentCheck ? checkLines(report.currentCheck) : []));
  }

  if (report.encryptionChanged.length > 0 && report.secureKeys.length > 0) {
    const since = `Secrets: ${report.encryptionChanged.join(", ")} changed since ${shortCommit(t.commit)}; the restored file's secure: values are encrypted under the key of that time.`;
    const setAgain = report.secureKeys.map((key) => `  pulumi config set --secret --path '${key}' --stack ${report.stack}`);
    if (report.secretsOpen === true) out.push("", `${since} They open with PULUMI_CONFIG_PASSPHRASE, so restoring them is safe.`);
    else if (report.secretsOpen === false) out.push("", `${since} They do NOT open with PULUMI_CONFIG_PASSPHRASE: after restoring, set each again:`, ...setAgain);
    else out.push("", `${since} They open only with the passphrase or key used then; if it changed since, set each again after restoring:`, ...setAgain);
  } else if (report.secureKeys.length > 0) {
    out.push("", "Secrets: the restored file's secure: values are ciphertext under this stack's same key; restoring them is safe.");
  }
  if (report.codeChanged.length > 0) {
    out.push(
      "",
      `The kit's code changed in ${report.codeChanged.length} file${report.codeChanged.length === 1 ? "" : "s"} since ${shortCommit(t.commit)} (${report.codeChanged.slice(0, 5).join(", ")}${report.codeChanged.length > 5 ? ", ..." : ""}). Restoring the stack file keeps today's code; to redeploy the old code as well, run pulumi from a checkout of that commit (\`git worktree add ../rollback-${shortCommit(t.commit)} ${shortCommit(t.commit)}\`, then \`npm ci\` there).`,
    );
  }
  out.push("", report.applied ? `Restored ${report.file} to its content at ${shortCommit(t.commit)} in the working tree. Nothing was committed and no pulumi command was run.` : report.identical ? "Nothing was written." : "Nothing was written (add --apply to restore the file).");
  out.push("", `Next, from ${report.repository} (the kit runs none of these):`, ...report.next.map((c) => `  ${c}`));
  return out.join("\n");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
