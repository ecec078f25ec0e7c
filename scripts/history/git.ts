/**
 * Every git command the kit runs goes through here: the history reads of the secret scan (the
 * lines each commit added, files later deleted included, and the files of the working tree) and
 * the rollback's reads of one stack file's versions. `git` is the one runner: it runs git in a
 * repository with paths printed as UTF-8, returns what git printed and turns a failure into a
 * GitError that names the command and says what git said. Only the history walk streams (a long
 * history is never held in memory whole), and it starts git the same way.
 */
import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A git command failed, or a directory is not inside a repository; `detail` is what git said. */
export class GitError extends Error {
  constructor(
    message: string,
    public readonly detail = message,
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

/** git run in `root`, paths printed as UTF-8 (not C-quoted), never reading `args` as its own options. */
function gitArgv(root: string, args: readonly string[]): string[] {
  return ["-C", root, "-c", "core.quotepath=false", ...args];
}

/** Runs `git <args>` in `root` and returns what it printed, byte for byte; a failure is a GitError saying what git said. */
export async function git(root: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  try {
    const { stdout } = await run("git", gitArgv(root, args), { encoding: "buffer", maxBuffer: MAX_OUTPUT, env: options.env });
    return stdout;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new GitError(`git ${args.join(" ")} failed: ${detail}`, detail);
  }
}

/** `git` with its output read as UTF-8 text. */
export async function gitText(root: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return (await git(root, args, options)).toString("utf8");
}

/** The lines one commit added to one file, with their line numbers in that commit's version. */
export interface AddedLines {
  commit: string;
  path: string;
  lines: Array<{ number: number; text: string }>;
}

/**
 * Patch output with only added lines: `-U0` drops context, `--cc` shows what a merge itself
 * changed (a conflict resolution), `--all` walks every branch and tag, and a NUL-marked header
 * line separates commits.
 */
const LOG_ARGS = ["log", "--all", "-p", "-U0", "--cc", "--no-color", "--no-ext-diff", "--no-textconv", "--format=%x00%H"];

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
 * Streams every commit's added lines, file by file, to `onFile`; `onCommit` is called as each
 * commit starts (for progress). git's output is read no faster than `onFile` finishes, so a long
 * history is never held in memory whole. Resolves when git has finished.
 */
export async function walkHistory(
  root: string,
  onFile: (added: AddedLines) => void | Promise<void>,
  onCommit: (commit: string) => void = () => {},
  options: GitOptions = {},
): Promise<void> {
  const child = spawn("git", gitArgv(root, LOG_ARGS), { stdio: ["ignore", "pipe", "pipe"], env: options.env });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  const ready: AddedLines[] = [];
  const parser = new PatchParser((added) => ready.push(added), onCommit);
  const drain = async () => {
    while (ready.length > 0) await onFile(ready.shift()!);
  };
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    parser.line(line);
    await drain();
  }
  parser.end();
  await drain();
  const code = await exited;
  // An empty repository has no history to read; git says so and exits 128.
  if (code !== 0 && !/does not have any commits|bad default revision/.test(stderr)) throw new GitError(`git log failed (exit ${code}): ${stderr.trim()}`);
}

/** Reads `git log -p -U0 --cc` output line by line; exported for tests of odd patches. */
export class PatchParser {
  private commit = "";
  private file?: AddedLines;
  /** Next line number on the new side of the current hunk. */
  private next = 0;
  /** How many leading marker columns a line of this diff has: 1, or one per parent of a merge. */
  private columns = 1;

  constructor(
    private readonly onFile: (added: AddedLines) => void,
    private readonly onCommit: (commit: string) => void,
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
