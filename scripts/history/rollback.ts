/**
 * Rolling a stack back to an earlier version of its stack file, as plain data: whether a version
 * may be deployed, what its plan changes against the current one (DNS records by name and type,
 * every other resource by URN), how long resolvers may keep the answers being undone, which parts
 * of the file are not rolled back (the handover, the encryption key), and the reports a person
 * reads. No git, no files, no Pulumi here: `scripts/rollback.ts` gathers the versions and plans
 * them, this module judges and compares them.
 */
import Table from "cli-table3";
import { isMap, isScalar, parse, parseDocument, type Pair, type YAMLMap } from "yaml";
import type { BarResult } from "../../policies/bar";
import { DNS_RECORD } from "../../domain/resource-types";
import type { ConfigProblem } from "../../stacks/config-problems";
import { recordValueText } from "../../stacks/records-config";
import type { PlanReport } from "../plan/plan-report";
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
      return {
        urn: r.urn,
        name: String(inputs.name),
        type: String(inputs.type),
        value: recordValueText(inputs),
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
  return readableEncryption(text) ?? {};
}

/** Read from a version's text; undefined when it is not YAML, so its key is unknown rather than none. */
export function readableEncryption(text: string): StackEncryption | undefined {
  try {
    return stackEncryption(parse(text));
  } catch {
    return undefined;
  }
}

/** Which of the encryption keys differ between the current file and the version to restore. */
export function encryptionChanges(current: StackEncryption, target: StackEncryption): Array<keyof StackEncryption> {
  return (["encryptionsalt", "secretsprovider", "encryptedkey"] as const).filter((key) => current[key] !== target[key]);
}

/**
 * Why a version under another key cannot be written back, and the way that works instead. Its
 * header would put the stack back on the old salt or data key (or from a cloud key back to a
 * passphrase), and Pulumi checks the passphrase against the salt in the file, so no
 * `pulumi config set --secret` could repair the restored file: the current file is edited instead.
 */
export function encryptionLines(report: Pick<RollbackReport, "stack" | "file" | "target" | "encryptionChanged" | "secureKeys">, apply: boolean): string[] {
  const short = shortCommit(report.target.commit);
  const changed = report.encryptionChanged;
  const header = changed.join(", ");
  const provider = changed.includes("secretsprovider") ? " (or move it to another secrets provider than the one it uses now)" : "";
  const lines = [
    `Secrets: the file's encryption (${header}) changed since ${short}. That version carries the old ${header} and its secure: values are encrypted under the key of that time. Written back, it would put the stack on a key it no longer uses${provider}, and Pulumi checks the passphrase against the salt in the file, so its secure: values could not be set again afterwards.`,
    apply ? `--apply is refused for this version: nothing was written.` : `--apply would be refused for this version.`,
    `To roll back, edit the current file, which keeps today's key (leave its encryptionsalt, secretsprovider and encryptedkey lines as they are):`,
    `  1. restore the non-secret config by hand from \`git show ${short}:${report.file}\``,
  ];
  if (report.secureKeys.length === 0) lines.push(`  2. that version has no secure: values, so none needs setting again`);
  else lines.push(`  2. set each secure: value it holds again, under the current key:`, ...report.secureKeys.map((key) => `       ${setSecretCommand(key, report.stack)}`));
  return lines;
}

function setSecretCommand(key: string, stack: string): string {
  return `pulumi config set --secret --path '${key.replace(/'/g, "'\\''")}' --stack ${stack}`;
}

// ---------------------------------------------------------------------------------------------
// The handover: who runs the stack is about people, not what is deployed, so it is never rolled back.

export const HANDOVER_KEY = "launch-ready:handover";

/** The working tree's `launch-ready:handover`, read once and carried into every version. */
export type WorkingHandover =
  | { status: "found"; text: string; pair: Pair; value: unknown }
  /** The working-tree file has none: each version keeps its own. */
  | { status: "none-in-working-tree" }
  /** The working-tree file is not YAML: each version is used as committed. */
  | { status: "working-tree-unreadable"; reason: string };

/** What happened to a version's `launch-ready:handover`. */
export type HandoverCarry =
  /** The working tree's value replaced the version's, was added to it, or was the same already. */
  | { status: "kept"; edit: "replaced" | "added" | "same" }
  | { status: "none-in-working-tree" }
  | { status: "working-tree-unreadable"; reason: string }
  /** The version is not YAML, or its config cannot take the value: it is used as committed. */
  | { status: "not-carried"; reason: string };

export function workingHandover(text: string): WorkingHandover {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return { status: "working-tree-unreadable", reason: firstLine(doc.errors[0].message) };
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    return { status: "working-tree-unreadable", reason: firstLine((error as Error).message) };
  }
  const pair = handoverPair(doc.get("config", true));
  if (!pair) return { status: "none-in-working-tree" };
  return { status: "found", text, pair, value: configOf(root)?.[HANDOVER_KEY] ?? null };
}

/**
 * The version's text with the working tree's `launch-ready:handover` in it, replacing its own or
 * added at the end of `config:`. Only that entry's lines change: the rest of the version's text
 * (comments, order, layout) stays byte for byte. Where the layout does not allow a line edit (a
 * flow-style `config:`), the YAML document is edited and printed instead. Every result is parsed
 * back and compared with what was meant; a version that cannot take the value is left unchanged.
 */
export function carryHandover(working: WorkingHandover, targetText: string): { text: string; handover: HandoverCarry } {
  if (working.status !== "found") return { text: targetText, handover: working };
  const unchanged = (reason: string) => ({ text: targetText, handover: { status: "not-carried" as const, reason } });
  const doc = parseDocument(targetText, { uniqueKeys: true });
  if (doc.errors.length > 0) return unchanged(`it is not valid YAML (${firstLine(doc.errors[0].message)})`);
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    return unchanged(firstLine((error as Error).message));
  }
  if (!isRecord(root) || (root.config !== undefined && root.config !== null && !isRecord(root.config))) return unchanged('its "config:" is not a map');
  const config = doc.get("config", true);
  const own = handoverPair(config);
  if (own && stableJson(configOf(root)?.[HANDOVER_KEY] ?? null) === stableJson(working.value)) return { text: targetText, handover: { status: "kept", edit: "same" } };

  const edit = own ? "replaced" : "added";
  const expected = stableJson({ ...root, config: { ...(configOf(root) ?? {}), [HANDOVER_KEY]: working.value } });
  const means = (text: string | undefined): text is string => {
    if (text === undefined) return false;
    const back = parseDocument(text, { uniqueKeys: true });
    if (back.errors.length > 0) return false;
    try {
      return stableJson(back.toJS()) === expected;
    } catch {
      return false;
    }
  };
  const spliced = isMap(config) ? spliceHandover(working, targetText, config, own) : undefined;
  if (means(spliced)) return { text: spliced, handover: { status: "kept", edit } };
  try {
    const node = working.pair.value;
    doc.setIn(["config", HANDOVER_KEY], node !== null && typeof node === "object" && "clone" in node ? (node as { clone(): unknown }).clone() : node);
    const printed = String(doc);
    if (means(printed)) return { text: printed, handover: { status: "kept", edit } };
  } catch {
    // Falls through: the version is used as committed.
  }
  return unchanged("its config could not take the working tree's value");
}

/** What `--list` did with the handover: the same for every version. */
export type HistoryHandover = { status: "kept" } | Exclude<WorkingHandover, { status: "found" }>;

export function historyHandover(working: WorkingHandover): HistoryHandover {
  return working.status === "found" ? { status: "kept" } : working;
}

function historyHandoverNote(handover: HistoryHandover): string {
  switch (handover.status) {
    case "kept":
      return `${HANDOVER_KEY} is kept from the working tree: it describes people, not what is deployed, so each version is checked (and would be restored) with it.`;
    case "none-in-working-tree":
      return `The working-tree file has no ${HANDOVER_KEY}, so each version is checked with its own.`;
    case "working-tree-unreadable":
      return `The working-tree file cannot be read as YAML (${handover.reason}), so ${HANDOVER_KEY} cannot be kept from it: each version is checked as committed, with its own.`;
  }
}

/** One line for the reports. */
export function handoverNote(carry: HandoverCarry): string {
  switch (carry.status) {
    case "kept": {
      const edit = carry.edit === "replaced" ? " (it replaces this version's)" : carry.edit === "added" ? " (this version had none)" : "";
      return `${HANDOVER_KEY} is kept from the working tree${edit}: it describes people, not what is deployed.`;
    }
    case "none-in-working-tree":
      return `The working-tree file has no ${HANDOVER_KEY}, so this version's own is used.`;
    case "working-tree-unreadable":
      return `The working-tree file cannot be read as YAML (${carry.reason}), so ${HANDOVER_KEY} cannot be kept from it: this version is used unchanged, with its own.`;
    case "not-carried":
      return `${HANDOVER_KEY} could not be carried from the working tree into this version (${carry.reason}): it is used unchanged.`;
  }
}

function handoverPair(config: unknown): Pair | undefined {
  if (!isMap(config)) return undefined;
  return (config as YAMLMap).items.find((pair) => isScalar(pair.key) && pair.key.value === HANDOVER_KEY);
}

/** Where a block-style entry's lines are: from its key to the end of its value, trailing comment included. */
function entryLines(text: string, pair: Pair): { start: number; end: number; column: number } | undefined {
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  if (!keyRange) return undefined;
  const start = keyRange[0];
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (!/^ *$/.test(text.slice(lineStart, start))) return undefined;
  const valueRange = (pair.value as { range?: [number, number, number] | null } | null)?.range;
  let end = valueRange ? valueRange[2] : keyRange[2];
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end, column: start - lineStart };
}

function spliceHandover(working: Extract<WorkingHandover, { status: "found" }>, targetText: string, config: YAMLMap, own: Pair | undefined): string | undefined {
  const source = entryLines(working.text, working.pair);
  if (!source) return undefined;
  const newline = targetText.includes("\r\n") ? "\r\n" : "\n";
  const moved = (column: number) =>
    working.text
      .slice(source.start, source.end)
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((line, index) => (index === 0 || line === "" ? line : shift(line, column - source.column)))
      .join(newline);
  if (own) {
    const place = entryLines(targetText, own);
    return place && targetText.slice(0, place.start) + moved(place.column) + targetText.slice(place.end);
  }
  const first = config.items[0] && entryLines(targetText, config.items[0]);
  const last = config.items.length > 0 ? entryLines(targetText, config.items[config.items.length - 1]) : undefined;
  if (!first || !last) return undefined;
  return targetText.slice(0, last.end) + newline + " ".repeat(first.column) + moved(first.column) + targetText.slice(last.end);
}

function shift(line: string, by: number): string {
  if (by >= 0) return " ".repeat(by) + line;
  const spaces = /^ */.exec(line)![0].length;
  return line.slice(Math.min(spaces, -by));
}

function configOf(root: unknown): Record<string, unknown> | undefined {
  return isRecord(root) && isRecord(root.config) ? root.config : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/:$/, "");
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

/** Short commit IDs as git prints them by default. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
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
  out.push(historyHandoverNote(report.handover));
  const table = new Table({ head: ["Commit", "Date", "Author", "Subject", "This version"], style: TABLE_STYLE, wordWrap: true, colWidths: [null, null, null, 40, 44] });
  for (const entry of report.entries) {
    table.push([shortCommit(entry.commit), entry.date.slice(0, 10), entry.author, entry.subject, `${describeCheck(entry.check)}${entry.current ? "\n(= working tree)" : ""}${entry.otherKey ? "\n(another secrets key: --apply refuses it)" : ""}`]);
  }
  out.push(table.toString());
  const suggested = report.entries.find((e) => e.commit === report.suggested);
  if (suggested) {
    out.push(
      "",
      `Last version that clears the bar, differs from the working tree and is under its secrets key: ${shortCommit(suggested.commit)} (${suggested.date.slice(0, 10)}, ${suggested.subject}).`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)}           what would change`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)} --apply   restore it in the working tree (commits nothing)`,
    );
  } else {
    out.push("", "No version listed clears the bar, differs from the working tree and is under its secrets key.");
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
  /** The kit's checkout: where `npm run` commands work. */
  kit: string;
  /** The repository holding the stack file: where git and pulumi commands run. */
  repository: string;
}

/**
 * The commands a person runs next, in order; the kit runs none of them. Nothing when the working
 * tree already holds the version. Under another encryption key the version is not written back:
 * the current file is edited by hand from `git show` and each secure value set again.
 */
export function nextCommands(report: Pick<RollbackReport, "stack" | "file" | "target" | "applied" | "identical" | "encryptionChanged" | "secureKeys">, commands: CommandContext): NextCommand[] {
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
    repo(`pulumi preview --stack ${report.stack} --policy-pack policies`),
    repo(`pulumi up --stack ${report.stack} --policy-pack policies`),
    repo(`git commit -m "Roll back stack ${report.stack} to ${short}" -- ${report.file}`),
  ];
}

/** "Next, from DIR:" with the commands; grouped by directory when they run in more than one. */
export function nextLines(next: readonly NextCommand[]): string[] {
  if (next.length === 0) return [];
  const places = [...new Set(next.map((c) => c.from))];
  if (places.length === 1) return [`Next, from ${places[0]} (the kit runs none of these):`, ...next.map((c) => `  ${c.command}`)];
  const out = ["Next (the kit runs none of these; npm commands from the kit's checkout, git and pulumi from the stack file's repository):"];
  next.forEach((c, index) => {
    if (index === 0 || next[index - 1].from !== c.from) out.push(`  from ${c.from}:`);
    out.push(`    ${c.command}`);
  });
  return out;
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

/** `apply`: whether --apply was asked for (a refusal reads differently from a report). */
export function renderRollbackText(report: RollbackReport, apply = report.applied): string {
  const out: string[] = [];
  const t = report.target;
  out.push(`Rollback of stack ${report.stack} to ${shortCommit(t.commit)} (${t.date.slice(0, 10)}, ${t.author}: ${t.subject})`);
  out.push(`File: ${report.file} in ${report.repository}. Planned offline with the kit's code in this checkout; nothing was deployed.`);
  if (!restorable(report.check)) {
    const what = report.check.status === "invalid" ? "does not parse" : "is below the bar";
    out.push("", `The version at ${shortCommit(t.commit)} ${what}; nothing was written:`, ...checkLines(report.check));
    const list = report.next[0];
    out.push("", `Pick another version: ${list ? `${list.command}${list.from === report.repository ? "" : ` (from ${list.from})`}` : "--list"}`);
    out.push(handoverNote(report.handover));
    return out.join("\n");
  }
  out.push("", `The version at ${shortCommit(t.commit)} parses and ${describeCheck(report.check)}.`);
  out.push(handoverNote(report.handover));

  if (report.identical) {
    // Nothing to compare, restore or deploy from here.
  } else if (report.dns && report.resources && report.cache) {
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

  if (report.identical) {
    // The same file: the same key.
  } else if (report.encryptionChanged.length > 0) {
    out.push("", ...encryptionLines(report, apply));
  } else if (report.encryptionComparedWith === "nothing") {
    out.push("", `Secrets: neither the working-tree file nor the file at HEAD can be read, so whether the stack's key changed since ${shortCommit(t.commit)} cannot be told; \`git log -p -- ${report.file}\` shows every change to encryptionsalt, secretsprovider and encryptedkey.`);
  } else if (report.secureKeys.length > 0) {
    out.push("", `Secrets: the restored file's secure: values are ciphertext under this stack's same key${report.encryptionComparedWith === "HEAD" ? " (as in the file at HEAD: the working-tree file cannot be read)" : ""}; restoring them is safe.`);
  }
  if (report.codeChanged.length > 0) {
    out.push(
      "",
      `The kit's code changed in ${report.codeChanged.length} file${report.codeChanged.length === 1 ? "" : "s"} since ${shortCommit(t.commit)} (${report.codeChanged.slice(0, 5).join(", ")}${report.codeChanged.length > 5 ? ", ..." : ""}). Restoring the stack file keeps today's code; to redeploy the old code as well, run pulumi from a checkout of that commit (\`git worktree add ../rollback-${shortCommit(t.commit)} ${shortCommit(t.commit)}\`, then \`npm ci\` there).`,
    );
  }
  if (report.identical) out.push("", `Nothing was written: ${report.file} already is this version, so there is nothing to restore.`);
  else if (report.applied) out.push("", `Restored ${report.file} to its content at ${shortCommit(t.commit)} in the working tree. Nothing was committed and no pulumi command was run.`);
  else if (report.encryptionChanged.length === 0) out.push("", "Nothing was written (add --apply to restore the file).");
  const next = nextLines(report.next);
  if (next.length > 0) out.push("", ...next);
  return out.join("\n");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
