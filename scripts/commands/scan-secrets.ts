/**
 * `npm run scan:secrets -- [--repo DIR] [--allowlist FILE] [--json]`
 *
 * SEC-NO-PLAINTEXT for the repository: every line ever committed, on every branch and tag
 * (files since deleted included), and the working tree. Exit 0 clean, 1 on findings or on a file
 * it could not read, 2 on usage, allowlist or git errors. Secrets are never printed: a finding
 * shows its rule, where it is, a redacted preview and a fingerprint to allowlist it by.
 */
import { resolve } from "node:path";
import Table from "cli-table3";
import { COMMON_OPTIONS, parseCommandLine } from "../cli/args";
import { fail, type Io } from "../cli/io";
import { GitError } from "../history/git";
import { AllowlistError, DEFAULT_ALLOWLIST, scanRepository, type RepoFinding, type RepoScanReport } from "../history/secret-scan";

const USAGE = `Usage: npm run scan:secrets -- [--repo DIR] [--allowlist FILE] [--json]

  --repo DIR        the repository to scan (default: the current directory)
  --allowlist FILE  accepted findings, each with a reason (default: ${DEFAULT_ALLOWLIST} at the repository root, if present)
  --json            print only the JSON report on stdout (use \`npm run -s scan:secrets\` so npm adds no banner)
  --help            show this help

Scans every commit on every branch and tag (lines added, including files deleted since) and the
working tree (tracked files and untracked files git does not ignore, whatever their size; UTF-16
files decoded, binary files read for their printable strings).
Exit: 0 clean, 1 secrets found or a file not scanned, 2 usage, allowlist or git error.`;

function where(finding: RepoFinding): string {
  return finding.commit ? `commit ${finding.commit.slice(0, 12)}` : "working tree";
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function renderText(report: RepoScanReport): string {
  const out: string[] = [];
  out.push(
    `SEC-NO-PLAINTEXT: scanned ${report.commits} commit${report.commits === 1 ? "" : "s"} and ${report.workingTreeFiles} working-tree file${report.workingTreeFiles === 1 ? "" : "s"} of ${report.repository}`,
  );
  if (report.findings.length > 0) {
    const table = new Table({ head: ["Rule", "File:line", "Where", "Preview", "Fingerprint"], style: { head: [], border: [] }, wordWrap: true });
    for (const f of report.findings)
      table.push([f.rule.replace(/^@secretlint\/secretlint-rule-/, "secretlint/"), `${f.file}:${f.line}`, where(f), f.preview, f.fingerprint]);
    out.push(table.toString());
    out.push(
      `FAIL: ${report.findings.length} secret${report.findings.length === 1 ? "" : "s"} found. Revoke and rotate each one first (it is public to anyone with a clone), then remove it from the history (git filter-repo) and store it with pulumi config set --secret. A finding that is not a secret goes in ${DEFAULT_ALLOWLIST} with its fingerprint and a reason.`,
    );
  } else if (report.notScanned.length > 0) {
    out.push(
      `FAIL: no secrets found, but ${count(report.notScanned.length, "file")} could not be read (below), so the scan cannot say the repository is clean. Make them readable and scan again.`,
    );
  } else {
    out.push("PASS: no secrets found.");
  }
  for (const s of report.notScanned) out.push(`not scanned: ${s.file} (${s.why})`);
  for (const f of report.allowed) out.push(`allowed: ${f.rule} in ${f.file}:${f.line} (${where(f)}), ${f.fingerprint}: ${f.reason}`);
  for (const entry of report.unusedAllowlistEntries)
    out.push(`warning: allowlist entry [${entry.index}] (${entry.fingerprint ?? entry.path}) matched nothing; remove it`);
  const utf16 = report.readAs.filter((r) => r.encoding !== "binary").length;
  const binary = report.readAs.length - utf16;
  const readAs = [utf16 ? `UTF-16: ${count(utf16, "file")}` : "", binary ? `binary, their printable strings: ${count(binary, "file")}` : ""].filter(Boolean);
  if (readAs.length > 0) out.push(`read as ${readAs.join("; ")} (--json lists them)`);
  return out.join("\n");
}

export async function scanSecrets(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, { ...COMMON_OPTIONS, repo: { type: "string" }, allowlist: { type: "string" } });
  const json = args.json;
  const progress = io.stderr.isTTY && !json;
  let report: RepoScanReport;
  try {
    report = await scanRepository({
      repo: resolve(io.cwd, args.repo ?? "."),
      allowlist: args.allowlist ? resolve(io.cwd, args.allowlist) : undefined,
      onProgress: progress ? (done, total) => io.stderr.write(`\rscanning history: ${done}/${total} commits`) : undefined,
      env: io.env,
    });
  } catch (error) {
    if (error instanceof GitError || error instanceof AllowlistError) fail(2, json, error.message);
    throw error;
  }
  if (progress) io.stderr.write("\n");
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderText(report)}\n`);
  return report.findings.length > 0 || report.notScanned.length > 0 ? 1 : 0;
}
