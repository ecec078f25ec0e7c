/**
 * The versions of one stack file, read from git and checked offline: the commits that changed
 * it, its bytes as of each, each version as it would be restored (with the working tree's
 * handover) and its offline plan with the kit's code in this checkout. The only rollback module
 * that runs git or Pulumi; every git command goes through the one runner in ./git, with the
 * verb's environment.
 */
import type { ConfigProblem } from "../../stacks/config-problems";
import { parseStackConfig } from "../../stacks/stack-config";
import { parseStackFileText, readableEncryption, StackFileError, type StackEncryption, type StackFile } from "../../stacks/stack-file";
import { ConfigRefused, planStack } from "../plan/plan-stack";
import { git, GitError, gitText } from "./git";
import type { Commit, PlanOutcome, RollbackReport } from "./rollback";
import { carryHandover, type HandoverCarry, type WorkingHandover } from "./rollback-handover";

/** The stack file being rolled back and the repository that holds its history. */
export interface StackFileInGit {
  stack: string;
  /** Absolute path of the working-tree file. */
  path: string;
  root: string;
  /** Path inside the repository, with "/" separators, as git names it. */
  file: string;
  /** The environment git runs with; this process's when absent. */
  env?: NodeJS.ProcessEnv;
  /** The Pulumi project's name, as in URNs and secret paths. */
  project: string;
}

/** What `pulumi up` runs besides the stack file: the program, its components, the config schema, the policy pack and the dependencies. */
const DEPLOYED_CODE = [
  "index.ts",
  "Pulumi.yaml",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "components",
  "stacks",
  "policies",
  ":(exclude,glob)**/Pulumi.*.yaml",
  ":(exclude)stacks/schema.json",
];

/**
 * Fields separated by NUL and a NUL after each commit (`-z`): git stops a name or subject at a
 * NUL, so none holds one, while any other separator (\x1e, \x1f) can be written into a subject,
 * where it would split one commit into a forged entry.
 */
const LOG_FORMAT = ["-z", "--format=%H%x00%aI%x00%an%x00%s"];
const LOG_FIELDS = 4;

function parseLog(text: string): Commit[] {
  const fields = text.split("\0");
  // The NUL after the last commit leaves one empty field (the only one when there is no commit).
  fields.pop();
  if (fields.length % LOG_FIELDS !== 0) throw new GitError(`git log printed ${fields.length} fields, not ${LOG_FIELDS} per commit`);
  const commits: Commit[] = [];
  for (let at = 0; at < fields.length; at += LOG_FIELDS) {
    const [commit, date, author, subject] = fields.slice(at, at + LOG_FIELDS);
    commits.push({ commit, date, author, subject });
  }
  return commits;
}

/** `:(literal)` so a path is never read as a glob. */
function literal(file: string): string {
  return `:(literal)${file}`;
}

function inRepository(subject: StackFileInGit, args: string[]): Promise<string> {
  return gitText(subject.root, args, { env: subject.env });
}

/** How many commits changed the file; 0 when it was never committed. */
export async function versionCount(subject: StackFileInGit): Promise<number> {
  return Number((await inRepository(subject, ["rev-list", "--count", "HEAD", "--", literal(subject.file)]).catch(() => "0")).trim()) || 0;
}

/** The newest `limit` commits that changed the file, newest first. */
export async function versionCommits(subject: StackFileInGit, limit: number): Promise<Commit[]> {
  return parseLog(await inRepository(subject, ["log", "-n", String(limit), ...LOG_FORMAT, "--", literal(subject.file)]));
}

/** The full ID of the commit `to` names (an ID, tag or branch); "" when it names none. */
export async function resolveCommit(subject: StackFileInGit, to: string): Promise<string> {
  return (await inRepository(subject, ["rev-parse", "--verify", "--quiet", `${to}^{commit}`]).catch(() => "")).trim();
}

/** One commit as `git log` tells it. */
export async function commitOf(subject: StackFileInGit, sha: string): Promise<Commit> {
  const [commit] = parseLog(await inRepository(subject, ["show", "-s", ...LOG_FORMAT, sha]));
  return commit;
}

/** The working-tree file differs from what is committed (or staged), so restoring would overwrite an edit. */
export async function hasUncommittedChanges(subject: StackFileInGit): Promise<boolean> {
  return (await inRepository(subject, ["status", "--porcelain", "--", literal(subject.file)])).trim() !== "";
}

/** Files of the deployed code (outside the stack files) that differ between `sha` and the working tree. */
export async function deployedCodeChangedSince(subject: StackFileInGit, sha: string): Promise<string[]> {
  return (await inRepository(subject, ["diff", "--name-only", sha, "--", ...DEPLOYED_CODE])).split("\n").filter(Boolean);
}

/** The file's content as of `commit`, byte for byte; undefined when that commit has no such file. */
export async function fileAt(subject: StackFileInGit, commit: string): Promise<Buffer | undefined> {
  const listed = await inRepository(subject, ["ls-tree", "--name-only", commit, "--", literal(subject.file)]);
  if (listed.trim() === "") return undefined;
  return git(subject.root, ["show", `${commit}:${subject.file}`], { env: subject.env });
}

/** A version as it would be restored: with the working tree's `launch-ready:handover`, bytes untouched otherwise. */
export function asRestored(content: Buffer, working: WorkingHandover): { content: Buffer; handover: HandoverCarry } {
  const text = content.toString("utf8");
  const carried = carryHandover(working, text);
  return { content: carried.text === text ? content : Buffer.from(carried.text, "utf8"), handover: carried.handover };
}

/**
 * The secrets key the stack is under now: the working-tree file's, or, when that is not YAML, the
 * file's at HEAD (read only then); undefined when neither says.
 */
export async function currentKey(
  subject: StackFileInGit,
  working: Buffer,
): Promise<{ encryption?: StackEncryption; comparedWith?: RollbackReport["encryptionComparedWith"] }> {
  const own = readableEncryption(working.toString("utf8"));
  if (own) return { encryption: own };
  const head = await fileAt(subject, "HEAD");
  const atHead = head && readableEncryption(head.toString("utf8"));
  return atHead ? { encryption: atHead, comparedWith: "HEAD" } : { comparedWith: "nothing" };
}

/**
 * Reads a version's text as `readStackFile` reads the file, with errors naming `label`
 * (`abc1234:stacks/Pulumi.prod.yaml`); the result carries the working-tree path, so the bar
 * compares it with the stack files beside it now.
 */
function stackFileFromText(text: string, subject: StackFileInGit, label: string): StackFile {
  return { ...parseStackFileText(text, subject.path, label), stack: subject.stack };
}

export interface Planned {
  outcome: PlanOutcome;
  file?: StackFile;
}

/** One version planned offline with the kit's code in this checkout. */
export async function planVersion(content: Buffer, subject: StackFileInGit, label: string): Promise<Planned> {
  const problem = (message: string): ConfigProblem => ({ path: label, message, example: "" });
  let file: StackFile;
  try {
    file = stackFileFromText(content.toString("utf8"), subject, label);
  } catch (error) {
    if (error instanceof StackFileError) return { outcome: { unreadable: error.reason } };
    throw error;
  }
  const parsed = parseStackConfig(file.config);
  if (!parsed.ok) return { outcome: { problems: parsed.problems }, file };
  try {
    return { outcome: { report: await planStack(file, { project: subject.project, env: subject.env }) }, file };
  } catch (error) {
    if (error instanceof ConfigRefused) return { outcome: { problems: error.problems }, file };
    return { outcome: { problems: [problem(`the program failed while planning: ${(error as Error).message}`)] }, file };
  }
}
