/**
 * Every git command the kit runs goes through here: the history reads of the secret scan (the
 * lines each commit added, files later deleted included, and the files of the working tree) and
 * the rollback's reads of one stack file's versions. `git` is the one runner: it runs git in a
 * repository with paths printed as UTF-8, returns what git printed and turns a failure into a
 * GitError that names the command and says what git said. Only the history walk streams (a long
 * history is never held in memory whole), and it starts git the same way, through `invocation`.
 *
 * The repository is untrusted: `scan:secrets --repo DIR` reads whatever DIR holds, and its
 * .git/config (or a file it includes) can name programs git runs on its own. `invocation` makes
 * every such program inert for the few read-only subcommands the kit runs, so reading a hostile
 * repository never runs its code.
 */
import { execFile, spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A git command failed, or a directory is not inside a repository; `detail` is what git said, `exitCode` how git exited. */
export class GitError extends Error {
  constructor(
    message: string,
    public readonly detail = message,
    public readonly exitCode?: number,
  ) {
    super(message);
  }
}

export interface GitOptions {
  /** The environment git runs with (the verb's); this process's when absent. */
  env?: NodeJS.ProcessEnv;
}

/** The most output one git command may print: a whole repository's file list, a large blob. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Settings that stop git running a program the repository names. `-c` is the command scope,
 * which outranks the repository's config and anything it includes, so the repository cannot set
 * these back; git also hands them to the git processes it starts itself.
 */
const INERT_CONFIG = [
  // Runs on every read of the index (status, diff, ls-files).
  "core.fsmonitor=false",
  // No hook runs: status refreshing the index would run post-index-change.
  "core.hooksPath=/dev/null",
  // --no-pager and --no-ext-diff already say so to this git; config also reaches the git processes it starts.
  "core.pager=cat",
  "diff.external=",
  // "diff" or "log" would open each submodule under that submodule's own config, textconv included.
  "diff.submodule=short",
  // log and show would check each signature with the repository's gpg.program.
  "log.showSignature=false",
  // Only a fetch uses these, and GIT_ALLOW_PROTOCOL (below) forbids every fetch; they stay empty in case one ever runs.
  "core.sshCommand=",
  "credential.helper=",
  // Paths printed as UTF-8, not C-quoted: not a safety setting, the parsers here expect it.
  "core.quotepath=false",
];

/** Diff drivers are keyed by name (`diff.<name>.textconv`, `diff.<name>.command`), so they are switched off per command instead. */
const NO_DIFF_DRIVERS = ["--no-ext-diff", "--no-textconv"];

/**
 * The subcommands the kit runs, each with the options that keep it inert; any other is refused,
 * so a new one is checked for what it could run before it is used. `filters`: the command
 * hashes working-tree files, which runs the clean filter their attributes name (see
 * `inertFilters`). `--ignore-submodules=dirty` keeps a submodule's new commit visible but never
 * runs `git status` inside it, under its own config.
 */
const SUBCOMMANDS: Record<string, { options: readonly string[]; filters?: true }> = {
  // Only `inertFilters`' read of the filter names.
  config: { options: [] },
  "rev-parse": { options: [] },
  "rev-list": { options: [] },
  "ls-files": { options: [] },
  "ls-tree": { options: [] },
  // `cat-file blob` prints a blob as stored: filters and textconv run only with --filters or --textconv.
  "cat-file": { options: [] },
  // A blob shown with `show` is printed as stored: no filter, and no textconv unless asked for.
  log: { options: NO_DIFF_DRIVERS },
  show: { options: NO_DIFF_DRIVERS },
  diff: { options: [...NO_DIFF_DRIVERS, "--ignore-submodules=dirty"], filters: true },
  status: { options: ["--ignore-submodules=dirty"], filters: true },
};

/**
 * The directory git reads, as git names it (symlinks resolved): `safe.directory` is compared
 * with that path. When it cannot be resolved git fails on it with its own message.
 */
function realDirectory(root: string): string {
  try {
    return realpathSync.native(root);
  } catch {
    return root;
  }
}

/**
 * git's command line and environment for `git <args>` in `root`, every program the repository
 * could name made inert:
 * - `--no-pager`; `--no-optional-locks`, so a read never writes the index (nor runs what a write runs);
 * - INERT_CONFIG, the subcommand's options, and every filter driver emptied for commands that run them;
 * - `safe.directory` for `root` alone: git refuses a repository another user owns ("dubious
 *   ownership") because its config could run that user's programs as ours. The operator named
 *   this directory, and nothing in its config runs, so it is read; a subdirectory of such a
 *   repository is still refused, since git compares the repository's top with the setting;
 * - GIT_ALLOW_PROTOCOL empty: a partial clone fetches a missing object on demand from its
 *   promisor remote, and a repository can allow `ext::` (a shell command) for itself with
 *   `protocol.ext.allow`, which outranks `protocol.allow=never`; the variable outranks both;
 * - no system config (GIT_CONFIG_NOSYSTEM), so what git may run is what is set here and in the
 *   user's own config; no prompt, no pager, no external diff from the environment. The user's
 *   global config stays (GIT_CONFIG_GLOBAL is not /dev/null): it is theirs, not the
 *   repository's, and holds what the scan should honour (core.excludesFile, their
 *   safe.directory entries); a filter it defines is emptied like the repository's.
 */
async function invocation(root: string, args: readonly string[], options: GitOptions): Promise<{ argv: string[]; env: NodeJS.ProcessEnv }> {
  const [subcommand, ...rest] = args;
  const vetted = SUBCOMMANDS[subcommand];
  if (!vetted) throw new Error(`git ${subcommand} is not one of the read-only commands the kit runs`);
  const config = [...INERT_CONFIG, `safe.directory=${realDirectory(root)}`];
  if (vetted.filters) config.push(...(await inertFilters(root, options)));
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
    GIT_ALLOW_PROTOCOL: "",
  };
  delete env.GIT_EXTERNAL_DIFF;
  delete env.GIT_ASKPASS;
  return { argv: ["--no-pager", "--no-optional-locks", "-C", root, ...config.flatMap((c) => ["-c", c]), subcommand, ...vetted.options, ...rest], env };
}

/**
 * Filter drivers are keyed by name (`filter.<name>.clean`), so no one setting turns them all
 * off: this reads the names git's config defines and empties each one's commands, so a file
 * whose attributes name it is hashed as it is on disk (`required` off, or git would refuse the
 * file instead). The names are read with the same settings as the command, safe.directory
 * included, so they are those of the config it will read. A name holding "=" cannot be given
 * with -c (git splits at the first "="), so such a repository is refused.
 */
async function inertFilters(root: string, options: GitOptions): Promise<string[]> {
  // Exit 1 is git's "no such key": no filter is defined.
  const listed = await gitText(root, ["config", "-z", "--name-only", "--get-regexp", "^filter\\."], options).catch((error) => {
    if (error instanceof GitError && error.exitCode === 1) return "";
    throw error;
  });
  const names = new Set(
    listed
      .split("\0")
      .filter(Boolean)
      .map((key) => key.slice("filter.".length, key.lastIndexOf("."))),
  );
  return [...names].flatMap((name) => {
    if (name.includes("="))
      throw new GitError(`${root} defines a filter driver named "${name}", which the kit cannot switch off; it does not read this repository`);
    return ["clean", "smudge", "process"].map((command) => `filter.${name}.${command}=`).concat(`filter.${name}.required=false`);
  });
}

/** Runs `git <args>` in `root` and returns what it printed, byte for byte; a failure is a GitError saying what git said. */
export async function git(root: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  const { argv, env } = await invocation(root, args, options);
  try {
    const { stdout } = await run("git", argv, { encoding: "buffer", maxBuffer: MAX_OUTPUT, env });
    return stdout;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    const code = (error as { code?: unknown }).code;
    throw new GitError(`git ${args.join(" ")} failed: ${detail}`, detail, typeof code === "number" ? code : undefined);
  }
}

/** `git` with its output read as UTF-8 text. */
export async function gitText(root: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return (await git(root, args, options)).toString("utf8");
}

/**
 * Starts `git <args>` in `root` with its output streamed, for the reads too long to buffer;
 * `exited` resolves with git's exit code and what it said on stderr, trimmed.
 */
async function spawnGit(root: string, args: readonly string[], options: GitOptions) {
  const { argv, env } = await invocation(root, args, options);
  const child = spawn("git", argv, { stdio: ["ignore", "pipe", "pipe"], env });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr: stderr.trim() }));
  });
  return { child, exited };
}

/** The lines one commit added to one file, with their line numbers in that commit's version. */
export interface AddedLines {
  commit: string;
  path: string;
  lines: Array<{ number: number; text: string }>;
}

/** A binary version of a file a commit wrote: its patch has no lines, so the blob is read whole (`blobBytes`). */
export interface AddedBlob {
  commit: string;
  path: string;
  /** The blob's object name, 40 or 64 hex digits. */
  blob: string;
}

/** What the history walk reports, as it goes. */
export interface HistoryHandlers {
  onFile: (added: AddedLines) => void | Promise<void>;
  onBlob: (added: AddedBlob) => void | Promise<void>;
  /** As each commit starts, for progress. */
  onCommit?: (commit: string) => void;
}

/**
 * Patch output with only added lines: `-U0` drops context, `--cc` shows what a merge itself
 * changed (a conflict resolution), `--all` walks every branch and tag, and a NUL-marked header
 * line separates commits. A binary file (git's test: a NUL in its first 8,000 bytes, which
 * UTF-16 text has too) shows no lines, only "Binary files differ": `--full-index` gives the
 * blob's whole name on its `index` line, so the blob itself can be read.
 */
const LOG_ARGS = ["log", "--all", "-p", "-U0", "--cc", "--full-index", "--no-color", "--format=%x00%H"];

/** The top of the repository holding `directory`; a GitError when there is none. */
export async function gitRoot(directory: string, options: GitOptions = {}): Promise<string> {
  try {
    return (await gitText(directory, ["rev-parse", "--show-toplevel"], options)).trim();
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new GitError(`${directory} is not inside a git repository (${error.detail}); give --repo the repository's directory`, error.detail);
  }
}

export async function commitCount(root: string, options: GitOptions = {}): Promise<number> {
  return Number((await gitText(root, ["rev-list", "--all", "--count"], options)).trim()) || 0;
}

/**
 * Streams every commit's added lines, file by file, to `onFile`, and each binary version a commit
 * wrote to `onBlob`; `onCommit` is called as each commit starts. git's output is read no faster
 * than the handlers finish, so a long history is never held in memory whole. Resolves when git
 * has finished.
 */
export async function walkHistory(root: string, handlers: HistoryHandlers, options: GitOptions = {}): Promise<void> {
  const { child, exited } = await spawnGit(root, LOG_ARGS, options);
  const ready: Array<() => void | Promise<void>> = [];
  const parser = new PatchParser(
    (added) => ready.push(() => handlers.onFile(added)),
    handlers.onCommit ?? (() => {}),
    (added) => ready.push(() => handlers.onBlob(added)),
  );
  const drain = async () => {
    while (ready.length > 0) await ready.shift()!();
  };
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    parser.line(line);
    await drain();
  }
  parser.end();
  await drain();
  const { code, stderr } = await exited;
  // An empty repository has no history to read; git says so and exits 128.
  if (code !== 0 && !/does not have any commits|bad default revision/.test(stderr)) throw new GitError(`git log failed (exit ${code}): ${stderr}`);
}

/** A blob's bytes as git streams them, never held whole; a GitError if git cannot print it. */
export async function* blobBytes(root: string, blob: string, options: GitOptions = {}): AsyncGenerator<Buffer> {
  const { child, exited } = await spawnGit(root, ["cat-file", "blob", blob], options);
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
  } finally {
    // A reader that stops early (an error downstream) leaves no git behind.
    if (child.exitCode === null) child.kill();
  }
  const { code, stderr } = await exited;
  if (code !== 0) throw new GitError(`git cat-file blob ${blob} failed (exit ${code}): ${stderr}`, stderr, code);
}

/** Reads `git log -p -U0 --cc` output line by line; exported for tests of odd patches. */
export class PatchParser {
  private commit = "";
  private file?: AddedLines;
  /** Next line number on the new side of the current hunk. */
  private next = 0;
  /** How many leading marker columns a line of this diff has: 1, or one per parent of a merge. */
  private columns = 1;
  /** The current diff's path as its header names it, when the header says it unambiguously. */
  private headerPath?: string;
  /** The blob the current diff's `index` line says the file now is; undefined once deleted. */
  private blob?: string;

  constructor(
    private readonly onFile: (added: AddedLines) => void,
    private readonly onCommit: (commit: string) => void,
    private readonly onBlob: (added: AddedBlob) => void = () => {},
  ) {}

  line(line: string): void {
    if (line.startsWith("\0")) {
      this.flush();
      this.commit = line.slice(1);
      this.onCommit(this.commit);
      return;
    }
    if (line.startsWith("diff --git ") || line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
      this.flush();
      this.columns = line.startsWith("diff --git ") ? 1 : 2;
      this.headerPath = headerPath(line);
      this.blob = undefined;
      return;
    }
    const index = /^index [0-9a-f,]+\.\.([0-9a-f]+)/.exec(line);
    if (index && this.next === 0) {
      this.blob = /^0+$/.test(index[1]) ? undefined : index[1];
      return;
    }
    const binary = /^Binary files (?:.+ and (.+) differ|differ)$/.exec(line);
    if (binary && this.next === 0) {
      const written = binary[1] === undefined ? undefined : unquotePath(binary[1]);
      // "and /dev/null": deleted, and its versions were read at the commits that wrote them.
      const path = written === "/dev/null" ? undefined : (this.headerPath ?? written?.replace(/^b\//, ""));
      if (this.blob && path) this.onBlob({ commit: this.commit, path, blob: this.blob });
      return;
    }
    if (line.startsWith("+++ ")) {
      const target = line.slice(4);
      // A deleted file adds nothing; its earlier additions were read at the commits that made them.
      this.file = target === "/dev/null" ? undefined : { commit: this.commit, path: unquotePath(target).replace(/^b\//, ""), lines: [] };
      return;
    }
    const hunk = /^@@(@*) .*\+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      this.columns = hunk[1].length + 1;
      this.next = Number(hunk[2]);
      return;
    }
    if (!this.file || this.next === 0) return;
    const markers = line.slice(0, this.columns);
    if (markers.length < this.columns || /[^ +-]/.test(markers)) return;
    if (markers.includes("-")) return;
    if (markers.includes("+")) this.file.lines.push({ number: this.next, text: line.slice(this.columns) });
    this.next += 1;
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.file && this.file.lines.length > 0) this.onFile(this.file);
    this.file = undefined;
    this.next = 0;
  }
}

/**
 * The path a diff header names: `diff --cc PATH` (a merge: one path), or `diff --git a/P b/P`
 * when both sides are the same path (not a rename). Undefined when the header alone cannot say,
 * as when a renamed path holds " b/".
 */
function headerPath(line: string): string | undefined {
  if (!line.startsWith("diff --git ")) return unquotePath(line.replace(/^diff --(?:cc|combined) /, ""));
  const sides = line.slice("diff --git ".length);
  if (sides.startsWith('"')) {
    const quoted = /^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")$/.exec(sides);
    const [a, b] = quoted ? [unquotePath(quoted[1]), unquotePath(quoted[2])] : [];
    return a?.startsWith("a/") && b === `b/${a.slice(2)}` ? a.slice(2) : undefined;
  }
  const half = (sides.length - 1) / 2;
  const [a, b] = [sides.slice(0, half), sides.slice(half + 1)];
  return a.startsWith("a/") && b === `b/${a.slice(2)}` ? a.slice(2) : undefined;
}

/** git quotes paths with unusual bytes C-style ("a\tb", "caf\303\251"); core.quotepath=false keeps UTF-8 as is. */
export function unquotePath(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const inner = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i];
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(inner.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(escapes[inner[i + 1]] ?? inner.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Tracked files plus untracked ones git does not ignore: what a commit could pick up next. */
export async function workingTreeFiles(root: string, options: GitOptions = {}): Promise<string[]> {
  const listed = await gitText(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], options);
  return [...new Set(listed.split("\0").filter(Boolean))].sort();
}
