/**
 * `npm run rollback -- --stack <name> [--list [--limit N] | --to <commit> [--apply]] [--repo DIR] [--json]`
 *
 * Rolls a stack back the way the kit can help: finds earlier versions of its stack file in git,
 * checks each one offline (does it parse, does it clear the bar), shows what going back to one
 * would change in DNS and in every other resource and how long resolvers may keep the old
 * answers, and with --apply restores that version in the working tree. Two parts of the file are
 * not rolled back: `launch-ready:handover` (people, not what is deployed) is kept from the working
 * tree, and a version encrypted under another key is not written back at all. It commits nothing
 * and never runs pulumi: `pulumi preview` and `pulumi up` are the person's to run.
 * Exit 0 done, 1 the chosen version does not parse or is below the bar, or --apply of a version
 * under another encryption key (nothing written), 2 usage, unknown stack or commit, not a git
 * repository, or uncommitted changes in the way of --apply.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseArgs, promisify } from "node:util";
import { parseStackConfig, type ConfigProblem } from "../stacks/stack-config";
import { parseStackFileText, stackFilePath, type StackEncryption, stackNameFromPath, StackFileError, type StackFile } from "../stacks/stack-file";
import { COMMON_OPTIONS, exitWithError, parseCommandLine, requireStackName, STACK_OPTIONS, wholeNumberFlag } from "./cli/args";
import { GitError, gitRoot } from "./history/git";
import { ConfigRefused, planStack } from "./plan/plan-stack";
import {
  cacheWindow,
  carryHandover,
  diffDnsAnswers,
  diffResources,
  encryptionChanges,
  encryptionOfText,
  historyHandover,
  judgeVersion,
  nextCommands,
  plannedDnsAnswers,
  pulumiHistoryCommands,
  readableEncryption,
  renderHistoryText,
  renderRollbackText,
  restorable,
  shortCommit,
  suggestTarget,
  workingHandover,
  type Commit,
  type CommandContext,
  type HandoverCarry,
  type HistoryEntry,
  type HistoryReport,
  type PlanOutcome,
  type RollbackReport,
  type VersionCheck,
  type WorkingHandover,
} from "./history/rollback";

const USAGE = `Usage: npm run rollback -- --stack <name> [--list] [--limit N] [--repo DIR] [--json]
       npm run rollback -- --stack <name> --to <commit> [--apply] [--repo DIR] [--json]
       (--config <path to Pulumi.<stack>.yaml> instead of --stack for a stack file anywhere in a git repository)

  --stack NAME   the stack whose file stacks/Pulumi.NAME.yaml to roll back
  --config FILE  any stack file inside a git repository
  --repo DIR     the repository holding stacks/Pulumi.NAME.yaml (default: this kit's own checkout)
  --list         the file's git history, newest first, each version checked offline: does it parse,
                 does it clear the bar (the default without --to)
  --limit N      check the newest N versions (default 10)
  --to COMMIT    what restoring the file as of COMMIT would change: DNS records, other resources by
                 URN, how long resolvers may keep the old answers; writes nothing
  --apply        with --to: write that version over the working-tree file (refused when the file has
                 uncommitted changes, or when the version is encrypted under another key than the
                 file now: then edit the current file by hand, as the refusal says); commits nothing
  --json         print only JSON on stdout (use \`npm run -s rollback\` so npm adds no banner)
  --help         show this help

launch-ready:handover is never rolled back: each version is checked and restored with the working
tree's (it describes people, not what is deployed); the rest of the version's text is kept as it was.

The kit never runs pulumi. After --apply: git diff, then pulumi preview --stack NAME --policy-pack
policies, then pulumi up. Pulumi's own record of the stack is \`pulumi stack history --stack NAME\`;
--list prints the state-only commands (pulumi stack export/import), which change no DNS record;
\`pulumi stack export --version N\` is in recent Pulumi 3 CLIs only (\`pulumi stack export --help\` says).
Exit: 0 done, 1 the chosen version does not parse or is below the bar, or --apply of a version under
another encryption key (nothing written), 2 usage, unknown stack or commit, not a git repository,
or uncommitted changes in the way of --apply.`;

const run = promisify(execFile);

/** This kit's checkout: where `npm run rollback` and `npm run plan` work. */
const KIT_DIR = resolve(__dirname, "..");

/** The stack file being rolled back and the repository that holds its history. */
interface Subject {
  stack: string;
  /** Absolute path of the working-tree file. */
  path: string;
  root: string;
  /** Path inside the repository, with "/" separators, as git names it. */
  file: string;
  commands: CommandContext;
}

async function git(root: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await run("git", ["-C", root, "-c", "core.quotepath=false", ...args], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new GitError(`git ${args.join(" ")} failed: ${stderr || (error as Error).message}`);
  }
}

async function gitText(root: string, args: string[]): Promise<string> {
  return (await git(root, args)).toString("utf8");
}

/** `:(literal)` so a path is never read as a glob. */
function literal(file: string): string {
  return `:(literal)${file}`;
}

async function resolveSubject(args: { stack?: string; config?: string; repo?: string }, json: boolean): Promise<Subject> {
  if (Boolean(args.stack) === Boolean(args.config)) exitWithError(2, json, `Give exactly one of --stack or --config.\n\n${USAGE}`);
  if (args.config && args.repo) exitWithError(2, json, "--repo goes with --stack; --config already names a file inside its repository");
  if (args.stack !== undefined) requireStackName(args.stack, json);
  const stack = args.stack ?? stackNameFromPath(args.config!);
  const path = args.config ? resolve(args.config) : args.repo ? join(resolve(args.repo), "stacks", `Pulumi.${stack}.yaml`) : stackFilePath(stack);
  if (args.repo && !existsSync(resolve(args.repo))) exitWithError(2, json, `--repo ${args.repo} does not exist`);
  if (!existsSync(path)) {
    if (args.config) exitWithError(2, json, `--config ${args.config}: ${path} does not exist`);
    const dir = dirname(path);
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => /^Pulumi\.(.+)\.ya?ml$/.test(f)).map(stackNameFromPath).sort() : [];
    exitWithError(2, json, `--stack ${stack}: ${path} does not exist. ${known.length > 0 ? `Stacks in ${dir}: ${known.join(", ")}.` : `${dir} holds no stack files.`}`);
  }
  let root: string;
  try {
    root = await gitRoot(dirname(path));
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    exitWithError(2, json, `${args.config ? "--config" : "--repo"}: ${error.message}`);
  }
  const file = relative(root, realpathSync(path)).split(sep).join("/");
  const shown = (p: string) => (/^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`);
  // npm runs a script from the kit's directory, so a path in an npm command is relative to it.
  const fromKit = (p: string) => {
    const inside = relative(KIT_DIR, resolve(p));
    return shown(inside === "" ? "." : inside.startsWith("..") || isAbsolute(inside) ? resolve(p) : inside.split(sep).join("/"));
  };
  const where = { kit: KIT_DIR, repository: root };
  const commands: CommandContext = args.config
    ? { rollback: `npm run rollback -- --config ${fromKit(path)}`, plan: `npm run plan -- --config ${fromKit(path)}`, ...where }
    : args.repo
      ? { rollback: `npm run rollback -- --stack ${stack} --repo ${fromKit(args.repo)}`, plan: `npm run plan -- --config ${fromKit(path)}`, ...where }
      : { rollback: `npm run rollback -- --stack ${stack}`, plan: `npm run plan -- --stack ${stack}`, ...where };
  return { stack, path, root, file, commands };
}

/** What `pulumi up` runs besides the stack file: the program, its components, the config schema, the policy pack and the dependencies. */
const DEPLOYED_CODE = ["index.ts", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "components", "stacks", "policies", ":(exclude,glob)**/Pulumi.*.yaml", ":(exclude)stacks/schema.json"];

const LOG_FORMAT = "--format=%H%x1f%aI%x1f%an%x1f%s%x1e";

function parseLog(text: string): Commit[] {
  return text
    .split("\x1e")
    .map((record) => record.trim())
    .filter(Boolean)
    .map((record) => {
      const [commit, date, author, subject] = record.split("\x1f");
      return { commit, date, author, subject };
    });
}

/** The file's content as of `commit`, byte for byte; undefined when that commit has no such file. */
async function fileAt(subject: Subject, commit: string): Promise<Buffer | undefined> {
  const listed = await gitText(subject.root, ["ls-tree", "--name-only", commit, "--", literal(subject.file)]);
  if (listed.trim() === "") return undefined;
  return git(subject.root, ["show", `${commit}:${subject.file}`]);
}

/**
 * Reads a version's text as `readStackFile` reads the file, with errors naming `label`
 * (`abc1234:stacks/Pulumi.prod.yaml`); the result carries the working-tree path, so the bar
 * compares it with the stack files beside it now.
 */
function stackFileFromText(text: string, subject: Subject, label: string): StackFile {
  return { ...parseStackFileText(text, subject.path, label), stack: subject.stack };
}

/** A version as it would be restored: with the working tree's `launch-ready:handover`, bytes untouched otherwise. */
function asRestored(content: Buffer, working: WorkingHandover): { content: Buffer; handover: HandoverCarry } {
  const text = content.toString("utf8");
  const carried = carryHandover(working, text);
  return { content: carried.text === text ? content : Buffer.from(carried.text, "utf8"), handover: carried.handover };
}

/**
 * The secrets key the stack is under now: the working-tree file's, or, when that is not YAML, the
 * file's at HEAD (read only then); undefined when neither says.
 */
async function currentKey(subject: Subject, working: Buffer): Promise<{ encryption?: StackEncryption; comparedWith?: RollbackReport["encryptionComparedWith"] }> {
  const own = readableEncryption(working.toString("utf8"));
  if (own) return { encryption: own };
  const head = await fileAt(subject, "HEAD");
  const atHead = head && readableEncryption(head.toString("utf8"));
  return atHead ? { encryption: atHead, comparedWith: "HEAD" } : { comparedWith: "nothing" };
}

interface Planned {
  outcome: PlanOutcome;
  file?: StackFile;
}

/** One version planned offline with the kit's code in this checkout. */
async function planVersion(content: Buffer, subject: Subject, label: string): Promise<Planned> {
  const problem = (message: string): ConfigProblem => ({ path: label, message, example: "" });
  let file: StackFile;
  try {
    file = stackFileFromText(content.toString("utf8"), subject, label);
  } catch (error) {
    if (error instanceof StackFileError) return { outcome: { problems: [problem(error.message)] } };
    throw error;
  }
  const parsed = parseStackConfig(file.config);
  if (!parsed.ok) return { outcome: { problems: parsed.problems }, file };
  try {
    return { outcome: { report: await planStack(file) }, file };
  } catch (error) {
    if (error instanceof ConfigRefused) return { outcome: { problems: error.problems }, file };
    return { outcome: { problems: [problem(`the program failed while planning: ${(error as Error).message}`)] }, file };
  }
}

async function listHistory(subject: Subject, limit: number, json: boolean): Promise<void> {
  const total = Number((await gitText(subject.root, ["rev-list", "--count", "HEAD", "--", literal(subject.file)]).catch(() => "0")).trim()) || 0;
  if (total === 0) exitWithError(2, json, `${subject.file} has no commits in ${subject.root} (it was never committed), so there is no earlier version to roll back to`);
  const commits = parseLog(await gitText(subject.root, ["log", "-n", String(limit), LOG_FORMAT, "--", literal(subject.file)]));
  const working = readFileSync(subject.path);
  const handover = workingHandover(working.toString("utf8"));
  // As --to judges it: a working tree that is not YAML is compared through the file at HEAD.
  const { encryption: currentEncryption } = await currentKey(subject, working);
  const progress = process.stderr.isTTY && !json;
  const checked = new Map<string, VersionCheck>();
  const entries: HistoryEntry[] = [];
  for (const [index, commit] of commits.entries()) {
    if (progress) process.stderr.write(`\rchecking version ${index + 1}/${commits.length} (${shortCommit(commit.commit)}) offline...`);
    const committed = await fileAt(subject, commit.commit);
    if (!committed) {
      entries.push({ ...commit, check: { status: "absent" }, current: false, otherKey: false });
      continue;
    }
    const { content } = asRestored(committed, handover);
    const key = content.toString("base64");
    if (!checked.has(key)) checked.set(key, judgeVersion((await planVersion(content, subject, `${shortCommit(commit.commit)}:${subject.file}`)).outcome));
    const otherKey = currentEncryption !== undefined && encryptionChanges(currentEncryption, encryptionOfText(committed.toString("utf8"))).length > 0;
    entries.push({ ...commit, check: checked.get(key)!, current: content.equals(working), otherKey });
  }
  if (progress) process.stderr.write("\n");
  const suggested = suggestTarget(entries);
  const report: HistoryReport = { stack: subject.stack, file: subject.file, repository: subject.root, total, entries, handover: historyHandover(handover), ...(suggested ? { suggested } : {}), pulumi: pulumiHistoryCommands(subject.stack) };
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderHistoryText(report, subject.commands.rollback)}\n`);
}

async function rollBack(subject: Subject, to: string, apply: boolean, json: boolean): Promise<void> {
  if (to.startsWith("-")) exitWithError(2, json, `--to "${to}" is not a commit; give a commit ID, tag or branch (--list shows the commits that changed ${subject.file})`);
  const sha = (await gitText(subject.root, ["rev-parse", "--verify", "--quiet", `${to}^{commit}`]).catch(() => "")).trim();
  if (!sha) exitWithError(2, json, `--to ${to}: no such commit in ${subject.root}; --list shows the commits that changed ${subject.file}`);
  const [target] = parseLog(await gitText(subject.root, ["show", "-s", LOG_FORMAT, sha]));
  const committed = await fileAt(subject, sha);
  if (!committed) exitWithError(2, json, `--to ${to}: commit ${shortCommit(sha)} has no ${subject.file}; --list shows the commits that changed it`);
  if (apply) {
    const status = (await gitText(subject.root, ["status", "--porcelain", "--", literal(subject.file)])).trim();
    if (status) {
      exitWithError(2, json, `--apply: ${subject.file} has uncommitted changes, which restoring would overwrite; nothing was changed. See them with \`git diff -- ${subject.file}\`, set them aside with \`git stash\` (or commit them), then run this again.`);
    }
  }

  if (process.stderr.isTTY && !json) process.stderr.write(`Planning ${shortCommit(sha)}:${subject.file} and the working-tree file offline...\n`);
  const working = readFileSync(subject.path);
  const { content, handover } = asRestored(committed, workingHandover(working.toString("utf8")));
  const identical = content.equals(working);
  const planned = await planVersion(content, subject, `${shortCommit(sha)}:${subject.file}`);
  const check = judgeVersion(planned.outcome);
  const secureKeys = planned.file?.secureValues.map((v) => v.path) ?? [];
  const base = { stack: subject.stack, file: subject.file, repository: subject.root, ...("report" in planned.outcome ? { zone: planned.outcome.report.summary.zone } : {}), target, check };

  if (!restorable(check)) {
    const report: RollbackReport = { ...base, identical, handover, encryptionChanged: [], secureKeys, codeChanged: [], applied: false, next: [{ command: `${subject.commands.rollback} --list`, from: subject.commands.kit }] };
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderRollbackText(report, apply)}\n`);
    process.exitCode = 1;
    return;
  }

  const current = await planVersion(working, subject, subject.file);
  const currentCheck = judgeVersion(current.outcome);
  const comparison =
    "report" in current.outcome && "report" in planned.outcome
      ? (() => {
          const dns = diffDnsAnswers(plannedDnsAnswers(current.outcome.report), plannedDnsAnswers(planned.outcome.report));
          return { dns, resources: diffResources(current.outcome.report.resources, planned.outcome.report.resources), cache: cacheWindow(dns) };
        })()
      : {};
  // Old ciphertext is only good under the key it was made with: a version under another key is never written back.
  const targetEncryption = encryptionOfText(content.toString("utf8"));
  const { encryption: currentEncryption, comparedWith: encryptionComparedWith } = await currentKey(subject, working);
  const encryptionChanged = encryptionChanges(currentEncryption ?? targetEncryption, targetEncryption);
  const codeChanged = (await gitText(subject.root, ["diff", "--name-only", sha, "--", ...DEPLOYED_CODE])).split("\n").filter(Boolean);

  const applied = apply && !identical && encryptionChanged.length === 0;
  if (applied) writeFileSync(subject.path, content);
  const report: RollbackReport = { ...base, currentCheck, identical, handover, ...comparison, encryptionChanged, ...(encryptionComparedWith ? { encryptionComparedWith } : {}), secureKeys, codeChanged, applied, next: [] };
  report.next = nextCommands(report, subject.commands);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderRollbackText(report, apply)}\n`);
  if (apply && !identical && !applied) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, () =>
    parseArgs({
      args: argv,
      options: { ...STACK_OPTIONS, ...COMMON_OPTIONS, repo: { type: "string" }, list: { type: "boolean", default: false }, limit: { type: "string" }, to: { type: "string" }, apply: { type: "boolean", default: false } },
      strict: true,
      allowPositionals: false,
    }).values,
  );
  const json = args.json;
  if (args.list && args.to !== undefined) exitWithError(2, json, `Give --list or --to, not both.\n\n${USAGE}`);
  if (args.apply && args.to === undefined) exitWithError(2, json, `--apply needs --to <commit>: the version to restore (--list shows them).\n\n${USAGE}`);
  if (args.limit !== undefined && args.to !== undefined) exitWithError(2, json, `--limit goes with --list; --to checks one version.\n\n${USAGE}`);
  if (args.to === "") exitWithError(2, json, `--to needs a commit ID, tag or branch.\n\n${USAGE}`);
  const limit = wholeNumberFlag(args.limit, "--limit", 10, json, 1000);
  const subject = await resolveSubject(args, json);
  if (args.to === undefined) await listHistory(subject, limit, json);
  else await rollBack(subject, args.to, args.apply, json);
}

main(process.argv.slice(2)).catch((error: Error) => {
  if (error instanceof GitError) exitWithError(2, process.argv.includes("--json"), error.message);
  process.stderr.write(`The rollback failed: ${error.message}\n`);
  process.exit(1);
});
