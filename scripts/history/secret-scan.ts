/**
 * The repository secret scan (SEC-NO-PLAINTEXT, live column): every line any commit ever added,
 * on every branch and tag, and every file of the working tree, through the same detector the
 * policy uses. Files are streamed whatever their size, UTF-16 decoded, binaries read for their
 * printable strings, in the working tree and in the history alike (a binary version's blob is
 * read whole, since its patch shows no lines); a file that cannot be read fails the scan. Findings carry a
 * redacted preview and a fingerprint, never the secret.
 */
import { lstat, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import picomatch from "picomatch";
import { parseDocument } from "yaml";
import { z } from "zod";
import { findSecrets, findSecretsInChunks, type SecretFinding } from "../../domain/secrets/detect";
import { MAX_ALIAS_COUNT } from "../../stacks/stack-file";
import { type FileEncoding, fileTextDecoder, SNIFF_BYTES, sniffEncoding } from "../../domain/secrets/file-text";
import { type AddedBlob, type AddedLines, blobBytes, commitCount, gitRoot, walkHistory, workingTreeFiles } from "./git";

export const DEFAULT_ALLOWLIST = ".secretscan-allow.yaml";
/** How much of a file is read at a time: a file of any size streams through the detector. */
const READ_BYTES = 1 << 20;

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
  /** Files of the working tree that could not be read, with why: the scan fails, since it cannot say they are clean. */
  notScanned: Array<{ file: string; why: string }>;
  /** Files of the working tree read other than as UTF-8: UTF-16 decoded, or a binary's printable strings. */
  readAs: Array<{ file: string; encoding: Exclude<FileEncoding, "utf-8"> }>;
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
          // picomatch refuses a glob past 65,536 characters with an error of its own; no path glob needs a thousandth of that.
          path: z.string().min(1).max(1024).optional(),
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
  // A tag yaml does not know (!!js/regexp) is read as plain text: the entry would not say what it seems to.
  if (document.warnings.length > 0) throw new AllowlistError(`${path} uses YAML that is not read as written: ${document.warnings[0].message}`);
  let read: unknown;
  try {
    read = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // An alias bomb: a few lines that copy anchored values millions of times.
    throw new AllowlistError(`${path} cannot be read (${(error as Error).message.split("\n", 1)[0]}); write the entries out instead of aliasing them`);
  }
  const parsed = allowlistSchema.safeParse(read);
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

/**
 * The findings in bytes as they arrive (a file read in chunks, a blob git streams), and how they
 * were read as text: the encoding is told from the first SNIFF_BYTES however the chunks fall.
 */
async function bytesSecrets(bytes: AsyncIterable<Uint8Array>, file: string): Promise<{ encoding: FileEncoding; findings: SecretFinding[] }> {
  const chunks = bytes[Symbol.asyncIterator]();
  // Copied: a reader may reuse its buffer for the next chunk.
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES && !ended) {
    const next = await chunks.next();
    if (next.done) ended = true;
    else {
      head.push(Buffer.from(next.value));
      headBytes += next.value.length;
    }
  }
  const first = Buffer.concat(head);
  const encoding = sniffEncoding(first.subarray(0, SNIFF_BYTES));
  const decoder = fileTextDecoder(encoding);
  async function* text() {
    yield decoder.write(first);
    if (!ended) for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield decoder.write(next.value);
    yield decoder.end();
  }
  return { encoding, findings: await findSecretsInChunks(text(), file) };
}

/** A file's findings, read in chunks whatever its size, and how its bytes were read as text. */
export async function fileSecrets(path: string, file: string): Promise<{ encoding: FileEncoding; findings: SecretFinding[] }> {
  const handle = await open(path, "r");
  try {
    // One buffer per file, reused: each chunk is decoded into a string before the next is read.
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_BYTES, (await handle.stat()).size)));
    async function* chunks() {
      for (let position = 0; ; ) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
        position += bytesRead;
      }
    }
    return await bytesSecrets(chunks(), file);
  } finally {
    await handle.close();
  }
}

/** A binary version a commit wrote, read from its blob as a working-tree binary is read. */
async function scanBlob(root: string, added: AddedBlob, git: { env?: NodeJS.ProcessEnv }): Promise<RepoFinding[]> {
  const { findings } = await bytesSecrets(blobBytes(root, added.blob, git), added.path);
  return findings.map((finding) => located(finding, added.path, "history", finding.line, added.commit));
}

async function scanWorkingFile(root: string, file: string, report: Pick<RepoScanReport, "notScanned" | "readAs">): Promise<RepoFinding[]> {
  const path = join(root, file);
  try {
    // A symlink is committed as the path it names, a submodule as a commit: neither holds the bytes behind it.
    if (!(await lstat(path)).isFile()) return [];
    const { encoding, findings } = await fileSecrets(path, file);
    if (encoding !== "utf-8") report.readAs.push({ file, encoding });
    return findings.map((finding) => located(finding, file, "working-tree", finding.line));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return []; // tracked but deleted in the working tree: nothing there to leak
    report.notScanned.push({ file, why: `cannot be read (${code ?? String(error)})` });
    return [];
  }
}

export async function scanRepository(options: ScanOptions): Promise<RepoScanReport> {
  const git = { env: options.env };
  const root = await gitRoot(options.repo, git);
  const allowlistPath = options.allowlist ?? join(root, DEFAULT_ALLOWLIST);
  const entries = await readAllowlist(allowlistPath, options.allowlist !== undefined);
  const total = await commitCount(root, git);

  const found: RepoFinding[] = [];
  let commits = 0;
  // A blob is read once however many commits wrote it (a revert, a merge): the same bytes hold the same secrets.
  const blobsRead = new Set<string>();
  await walkHistory(
    root,
    {
      onFile: async (added) => void found.push(...(await scanAdded(added))),
      onBlob: async (added) => {
        if (blobsRead.has(added.blob)) return;
        blobsRead.add(added.blob);
        found.push(...(await scanBlob(root, added, git)));
      },
      onCommit: () => {
        commits += 1;
        options.onProgress?.(commits, total);
      },
    },
    git,
  );

  const reading: Pick<RepoScanReport, "notScanned" | "readAs"> = { notScanned: [], readAs: [] };
  const files = await workingTreeFiles(root, git);
  for (const file of files) found.push(...(await scanWorkingFile(root, file, reading)));

  const allowedBy = matcherFor(entries);
  const used = new Set<number>();
  const report: RepoScanReport = {
    repository: root,
    commits,
    workingTreeFiles: files.length,
    ...reading,
    findings: [],
    allowed: [],
    unusedAllowlistEntries: [],
  };
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
