/**
 * The rollback's reports as a person reads them: the `--list` table with the suggested version,
 * and what `--to` found (DNS changes, resolver caching, secrets, the handover, the commands to run
 * next). Text only: every fact is already in the report, which `--json` prints as it is.
 * Commit authors, subjects and file names are whatever the repository's committers wrote: they go
 * through `terminalSafe`, so an escape sequence in one is shown, never run by the terminal.
 */
import Table from "cli-table3";
import type { ConfigProblem } from "../../stacks/config-problems";
import { terminalSafe } from "../cli/io";
import {
  restorable,
  setSecretCommand,
  shortCommit,
  type HistoryReport,
  type NextCommand,
  type PulumiCommand,
  type RollbackReport,
  type VersionCheck,
} from "./rollback";
import type { CacheWindow, DnsAnswer } from "./rollback-diff";
import { HANDOVER_KEY, type HandoverCarry, type HistoryHandover } from "./rollback-handover";

const TABLE_STYLE = { head: [], border: [] };

/** One line for a table cell or a log: "clears the bar", "FAIL TLS-STRICT, DNS-CANONICAL", ... */
export function describeCheck(check: VersionCheck): string {
  switch (check.status) {
    case "clears":
      return check.waived.length > 0 ? `clears the bar (waived: ${check.waived.join(", ")})` : "clears the bar";
    case "below-bar":
      return `FAIL ${[...new Set(check.failures.map((f) => f.id))].join(", ")}`;
    case "unreadable":
      return `unreadable: ${check.why}`;
    case "invalid":
      return `invalid: ${check.problems.length} problem${check.problems.length === 1 ? "" : "s"} (${check.problems.map((p) => p.path).join(", ")})`;
    case "absent":
      return "file deleted in this commit";
  }
}

/** 3600 → "1 h", 90 → "1 min 30 s". */
export function humanDuration(seconds: number): string {
  const parts = [
    [Math.floor(seconds / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "min"],
    [seconds % 60, "s"],
  ] as const;
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, unit]) => `${n} ${unit}`)
      .join(" ") || "0 s"
  );
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
    lines.push(
      `Names that get a record back (${window.added.join(", ")}) may be cached as nonexistent by resolvers that asked recently, for up to the zone's negative-caching TTL (the last number of \`dig +short SOA ${zone}\`).`,
    );
  }
  return lines;
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
  else
    lines.push(
      `  2. set each secure: value it holds again, under the current key:`,
      ...report.secureKeys.map((key) => `       ${setSecretCommand(key, report.stack)}`),
    );
  return lines;
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

export function renderHistoryText(report: HistoryReport, rollbackCommand: string): string {
  const out: string[] = [];
  const shown =
    report.entries.length < report.total
      ? `the newest ${report.entries.length} of ${report.total} commits; --limit N for more`
      : `${report.total} commit${report.total === 1 ? "" : "s"}`;
  out.push(`History of ${report.file} in ${report.repository}, newest first (${shown}).`);
  out.push("Each version is checked offline with the kit's code in this checkout: does it parse, and does it clear the bar?");
  out.push(historyHandoverNote(report.handover));
  const table = new Table({
    head: ["Commit", "Date", "Author", "Subject", "This version"],
    style: TABLE_STYLE,
    wordWrap: true,
    colWidths: [null, null, null, 40, 44],
  });
  for (const entry of report.entries) {
    table.push([
      shortCommit(entry.commit),
      entry.date.slice(0, 10),
      terminalSafe(entry.author),
      terminalSafe(entry.subject),
      `${describeCheck(entry.check)}${entry.current ? "\n(= working tree)" : ""}${entry.otherKey ? "\n(another secrets key: --apply refuses it)" : ""}`,
    ]);
  }
  out.push(table.toString());
  const suggested = report.entries.find((e) => e.commit === report.suggested);
  if (suggested) {
    out.push(
      "",
      `Last version that clears the bar, differs from the working tree and is under its secrets key: ${shortCommit(suggested.commit)} (${suggested.date.slice(0, 10)}, ${terminalSafe(suggested.subject)}).`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)}           what would change`,
      `  ${rollbackCommand} --to ${shortCommit(suggested.commit)} --apply   restore it in the working tree (commits nothing)`,
    );
  } else {
    out.push("", "No version listed clears the bar, differs from the working tree and is under its secrets key.");
  }
  const commands = (kind: PulumiCommand["kind"]) => report.pulumi.filter((c) => c.kind === kind).flatMap((c) => [`  ${c.command}`, `      ${c.why}`]);
  out.push("", "Pulumi's own record (needs the Pulumi CLI and the stack's backend; the kit runs none of these):", ...commands("history"));
  out.push(
    "",
    "State only, when Pulumi's record itself is damaged; this rolls back no DNS record or setting (that is --to, then pulumi up):",
    ...commands("state-only"),
  );
  return out.join("\n");
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
    case "unreadable":
      return [`  the file ${check.why}`];
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
  out.push(`Rollback of stack ${report.stack} to ${shortCommit(t.commit)} (${t.date.slice(0, 10)}, ${terminalSafe(t.author)}: ${terminalSafe(t.subject)})`);
  out.push(`File: ${report.file} in ${report.repository}. Planned offline with the kit's code in this checkout; nothing was deployed.`);
  if (!restorable(report.check)) {
    const status = report.check.status;
    const what = status === "unreadable" ? "cannot be read" : status === "invalid" ? "does not parse" : "is below the bar";
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
      const table = new Table({
        head: ["Change", "Type", "Name", "Now", "After rollback"],
        style: TABLE_STYLE,
        wordWrap: true,
        colWidths: [null, null, null, 34, 34],
      });
      for (const c of report.dns) table.push([c.change, c.type, c.name, answerText(c.before), answerText(c.after)]);
      out.push(table.toString());
    }
    const r = report.resources;
    out.push("", `Resources by URN: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed.`);
    for (const [label, urns] of [
      ["added", r.added],
      ["removed", r.removed],
      ["changed", r.changed],
    ] as const) {
      for (const urn of urns) out.push(`  ${label}: ${shortUrn(urn)}`);
    }
    out.push("", ...cacheNote(report.cache, report.zone ?? "<zone>"));
    out.push("This compares two stack files. If the last `pulumi up` used another version, `pulumi preview` (below) shows the real difference.");
  } else {
    out.push(
      "",
      "The working-tree file does not plan, so what changes cannot be computed offline; `pulumi preview` (below) compares the rollback with what is deployed:",
      ...(report.currentCheck ? checkLines(report.currentCheck) : []),
    );
  }

  if (report.identical) {
    // The same file: the same key.
  } else if (report.encryptionChanged.length > 0) {
    out.push("", ...encryptionLines(report, apply));
  } else if (report.encryptionComparedWith === "nothing") {
    out.push(
      "",
      `Secrets: neither the working-tree file nor the file at HEAD can be read, so whether the stack's key changed since ${shortCommit(t.commit)} cannot be told; \`git log -p -- ${report.file}\` shows every change to encryptionsalt, secretsprovider and encryptedkey.`,
    );
  } else if (report.secureKeys.length > 0) {
    out.push(
      "",
      `Secrets: the restored file's secure: values are ciphertext under this stack's same key${report.encryptionComparedWith === "HEAD" ? " (as in the file at HEAD: the working-tree file cannot be read)" : ""}; restoring them is safe.`,
    );
  }
  if (report.codeChanged.length > 0) {
    out.push(
      "",
      `The kit's code changed in ${report.codeChanged.length} file${report.codeChanged.length === 1 ? "" : "s"} since ${shortCommit(t.commit)} (${terminalSafe(report.codeChanged.slice(0, 5).join(", "))}${report.codeChanged.length > 5 ? ", ..." : ""}). Restoring the stack file keeps today's code; to redeploy the old code as well, run pulumi from a checkout of that commit (\`git worktree add ../rollback-${shortCommit(t.commit)} ${shortCommit(t.commit)}\`, then \`npm ci\` there).`,
    );
  }
  if (report.identical) out.push("", `Nothing was written: ${report.file} already is this version, so there is nothing to restore.`);
  else if (report.applied)
    out.push(
      "",
      `Restored ${report.file} to its content at ${shortCommit(t.commit)} in the working tree. Nothing was committed and no pulumi command was run.`,
    );
  else if (report.encryptionChanged.length === 0) out.push("", "Nothing was written (add --apply to restore the file).");
  const next = nextLines(report.next);
  if (next.length > 0) out.push("", ...next);
  return out.join("\n");
}
