/**
 * The repository secret scan (SEC-NO-PLAINTEXT, live column): every line any commit ever added,
 * on every branch and tag, and every file of the working tree, through the same detector the
 * policy uses. Findings carry a redacted preview and a fingerprint, never the secret.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import picomatch from "picomatch";
import { parseDocument } from "yaml";
import { z } from "zod";
import { findSecrets, type SecretFinding } from "../../domain/secrets/detect";
import { commitCount, gitRoot, walkHistory, workingTreeFiles, type AddedLines } from "./git";

export const DEFAULT_ALLOWLIST = ".secretscan-allow.yaml";
/** Larger working-tree files are listed as skipped, not read: generated bundles, datasets. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface RepoFinding {
  rule: string;
  message: string;
  file: string;
  /** The commit that added the line; absent for the working tree. */
  commit?: string;
  where: "history" | "working-tree";
  line: number;
  column: number;
  preview: string;
  fingerprint: string;
}

export interface AllowlistEntry {
  fingerprint?: string;
  path?: string;
  rule?: string;
  reason: string;
}

export interface RepoScanReport {
  repository: string;
  commits: number;
  workingTreeFiles: number;
  /** Files of the working tree not read (binary or over MAX_FILE_BYTES), with why. */
  skipped: Array<{ file: string; why: string }>;
  findings: RepoFinding[];
  /** Findings an allowlist entry covers, with its reason: reported, never silent. */
  allowed: Array<RepoFinding & { reason: string }>;
  /** Allowlist entries that matched nothing: stale, and worth removing. */
  unusedAllowlistEntries: Array<AllowlistEntry & { index: number }>;
}

export class AllowlistError extends Error {}

const allowlistSchema = z.strictObject({
  allow: z
    .array(
      z
        .strictObject({
          fingerprint: z
            .string()
            .regex(/^sha256:[0-9a-f]{24}$/, "must be a fingerprint as the scan prints it (sha256: and 24 hex digits)")
            .optional(),
          path: z.string().min(1).optional(),
          rule: z.string().min(1).optional(),
          reason: z.string().trim().min(10, "must say why this is not a secret, or why it is accepted, in at least 10 characters"),
        })
        .refine((entry) => entry.fingerprint || entry.path, { message: "needs a fingerprint (one secret) or a path glob (a file or folder)" }),
    )
    .default([]),
});

/** Reads and checks the allowlist; no file means no entries. Every entry needs a reason. */
export async function readAllowlist(path: string, required: boolean): Promise<AllowlistEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !required) return [];
    throw new AllowlistError(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new AllowlistError(`${path} is not valid YAML: ${document.errors[0].message}`);
  const parsed = allowlistSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) =>
        `  ${
          issue.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .replace(/^\./, "") || "(top level)"
        }: ${issue.message}`,
    );
    throw new AllowlistError(
      `${path} is not a valid allowlist:\n${lines.join("\n")}\n  for example:\n    allow:\n      - { path: "docs/examples/**", reason: Documentation samples, revoked keys only }\n      - { fingerprint: "sha256:…", reason: The test key of the payment sandbox, not a live key }`,
    );
  }
  return parsed.data.allow;
}

function matcherFor(entries: AllowlistEntry[]): (finding: RepoFinding) => number {
  const globs = entries.map((entry) => (entry.path ? picomatch(entry.path, { dot: true }) : undefined));
  return (finding) =>
    entries.findIndex(
      (entry, i) =>
        (!entry.fingerprint || entry.fingerprint === finding.fingerprint) &&
        (!globs[i] || globs[i]!(finding.file)) &&
        (!entry.rule || entry.rule === finding.rule),
    );
}

export interface ScanOptions {
  /** Any directory inside the repository. */
  repo: string;
  /** Defaults to .secretscan-allow.yaml at the repository's root (optional there). */
  allowlist?: string;
  /** Called as commits are read, for a progress line. */
  onProgress?: (done: number, total: number) => void;
  /** The environment git runs with (the verb's); this process's when absent. */
  env?: NodeJS.ProcessEnv;
}

function located(finding: SecretFinding, file: string, where: RepoFinding["where"], line: number, commit?: string): RepoFinding {
  return {
    rule: finding.ruleId,
    message: finding.message,
    file,
    ...(commit ? { commit } : {}),
    where,
    line,
    column: finding.column,
    preview: finding.preview,
    fingerprint: finding.fingerprint,
  };
}

/** One commit's additions to one file, scanned as one text; line numbers mapped back to the file's. */
async function scanAdded(added: AddedLines): Promise<RepoFinding[]> {
  const text = added.lines.map((line) => line.text).join("\n");
  const found = await findSecrets(text, added.path);
  return found.map((finding) => located(finding, added.path, "history", added.lines[finding.line - 1]?.number ?? finding.line, added.commit));
}

async function scanWorkingFile(root: string, file: string, skipped: RepoScanReport["skipped"]): Promise<RepoFinding[]> {
  const path = join(root, file);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return [];
    size = info.size;
  } catch {
    return []; // tracked but deleted in the working tree: nothing there to leak
  }
  if (size > MAX_FILE_BYTES) {
    skipped.push({ file, why: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` });
    return [];
  }
  const content = await readFile(path);
  // git's own test for binary content: a NUL byte in the first 8,000 bytes.
  if (content.subarray(0, 8000).includes(0)) {
    skipped.push({ file, why: "binary" });
    return [];
  }
  return (await findSecrets(content.toString("utf8"), file)).map((finding) => located(finding, file, "working-tree", finding.line));
}

export async function scanRepository(options: ScanOptions): Promise<RepoScanReport> {
  const git = { env: options.env };
  const root = await gitRoot(options.repo, git);
  const allowlistPath = options.allowlist ?? join(root, DEFAULT_ALLOWLIST);
  const entries = await readAllowlist(allowlistPath, options.allowlist !== undefined);
  const total = await commitCount(root, git);

  const found: RepoFinding[] = [];
  let commits = 0;
  await walkHistory(
    root,
    async (added) => void found.push(...(await scanAdded(added))),
    () => {
      commits += 1;
      options.onProgress?.(commits, total);
    },
    git,
  );

  const skipped: RepoScanReport["skipped"] = [];
  const files = await workingTreeFiles(root, git);
  for (const file of files) found.push(...(await scanWorkingFile(root, file, skipped)));

  const allowedBy = matcherFor(entries);
  const used = new Set<number>();
  const report: RepoScanReport = { repository: root, commits, workingTreeFiles: files.length, skipped, findings: [], allowed: [], unusedAllowlistEntries: [] };
  for (const finding of found) {
    const entry = allowedBy(finding);
    if (entry < 0) report.findings.push(finding);
    else {
      used.add(entry);
      report.allowed.push({ ...finding, reason: entries[entry].reason });
    }
  }
  report.unusedAllowlistEntries = entries.map((entry, index) => ({ ...entry, index })).filter((entry) => !used.has(entry.index));
  return report;
}
