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
 * Exit 0 done, 1 the chosen version does not parse or is below the bar, --apply of a version
 * under another encryption key, or a file --apply could not write (nothing written), 2 usage,
 * unknown stack or commit, not a git repository, or uncommitted changes in the way of --apply.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { stackNameFromPath } from "../../stacks/stack-file";
import { KIT_NAME, policyPackPath, stackFilePath } from "../../stacks/project";
import { replaceFile } from "../cli/replace-file";
import { COMMON_OPTIONS, findProjectFrom, parseCommandLine, projectFromCwd, requireStackName, STACK_OPTIONS, wholeNumberFlag } from "../cli/args";
import { fail, type Io } from "../cli/io";
import { GitError, gitRoot } from "../history/git";
import {
  judgeVersion,
  nextCommands,
  pulumiHistoryCommands,
  restorable,
  shortCommit,
  suggestTarget,
  type CommandContext,
  type HistoryEntry,
  type HistoryReport,
  type RollbackReport,
  type VersionCheck,
} from "../history/rollback";
import { cacheWindow, diffDnsAnswers, diffResources, encryptionChanges, encryptionOfText, plannedDnsAnswers } from "../history/rollback-diff";
import { historyHandover, workingHandover } from "../history/rollback-handover";
import { renderHistoryText, renderRollbackText } from "../history/rollback-render";
import {
  asRestored,
  commitOf,
  currentKey,
  deployedCodeChangedSince,
  fileAt,
  hasUncommittedChanges,
  planVersion,
  resolveCommit,
  versionCommits,
  versionCount,
  type StackFileInGit,
} from "../history/rollback-versions";

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
Exit: 0 done, 1 the chosen version does not parse or is below the bar, --apply of a version under
another encryption key, or a file --apply could not write (nothing written), 2 usage, unknown stack
or commit, not a git repository, or uncommitted changes in the way of --apply.`;

/** The stack file being rolled back, the repository that holds its history, and how a person runs the kit on it. */
interface Subject extends StackFileInGit {
  commands: CommandContext;
}

async function resolveSubject(args: { stack?: string; config?: string; repo?: string }, json: boolean, io: Io): Promise<Subject> {
  if (Boolean(args.stack) === Boolean(args.config)) fail(2, json, `Give exactly one of --stack or --config.\n\n${USAGE}`);
  if (args.config && args.repo) fail(2, json, "--repo goes with --stack; --config already names a file inside its repository");
  if (args.stack !== undefined) requireStackName(args.stack, json);
  const stack = args.stack ?? stackNameFromPath(args.config!);
  const repo = args.repo === undefined ? undefined : resolve(io.cwd, args.repo);
  if (repo && !existsSync(repo)) fail(2, json, `--repo ${args.repo} does not exist`);
  const path = args.config ? resolve(io.cwd, args.config) : stackFilePath(projectFromCwd(repo ? { ...io, cwd: repo } : io, json), stack);
  if (!existsSync(path)) {
    if (args.config) fail(2, json, `--config ${args.config}: ${path} does not exist`);
    const dir = dirname(path);
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^Pulumi\.(.+)\.ya?ml$/.test(f))
          .map(stackNameFromPath)
          .sort()
      : [];
    fail(2, json, `--stack ${stack}: ${path} does not exist. ${known.length > 0 ? `Stacks in ${dir}: ${known.join(", ")}.` : `${dir} holds no stack files.`}`);
  }
  let root: string;
  try {
    root = await gitRoot(dirname(path), { env: io.env });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    fail(2, json, `${args.config ? "--config" : "--repo"}: ${error.message}`);
  }
  const file = relative(root, realpathSync(path)).split(sep).join("/");
  const shown = (p: string) => (/^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`);
  // npm runs a script from the project's directory (where package.json and Pulumi.yaml are), so a path in an npm command is relative to it.
  const runFrom = findProjectFrom(io.cwd, json)?.dir ?? io.cwd;
  const fromKit = (p: string) => {
    const inside = relative(runFrom, p);
    return shown(inside === "" ? "." : inside.startsWith("..") || isAbsolute(inside) ? p : inside.split(sep).join("/"));
  };
  const where = { kit: runFrom, repository: root, policyPack: policyPackPath(runFrom) };
  const commands: CommandContext = args.config
    ? { rollback: `npm run rollback -- --config ${fromKit(path)}`, plan: `npm run plan -- --config ${fromKit(path)}`, ...where }
    : repo
      ? { rollback: `npm run rollback -- --stack ${stack} --repo ${fromKit(repo)}`, plan: `npm run plan -- --config ${fromKit(path)}`, ...where }
      : { rollback: `npm run rollback -- --stack ${stack}`, plan: `npm run plan -- --stack ${stack}`, ...where };
  return { stack, path, root, file, env: io.env, commands, project: findProjectFrom(dirname(path), json)?.name ?? KIT_NAME };
}

/** `--list`: the newest `limit` versions, each checked offline. */
async function listHistory(subject: Subject, limit: number, json: boolean, io: Io): Promise<number> {
  const total = await versionCount(subject);
  if (total === 0) fail(2, json, `${subject.file} has no commits in ${subject.root} (it was never committed), so there is no earlier version to roll back to`);
  const commits = await versionCommits(subject, limit);
  const working = readFileSync(subject.path);
  const handover = workingHandover(working.toString("utf8"));
  // As --to judges it: a working tree that is not YAML is compared through the file at HEAD.
  const { encryption: currentEncryption } = await currentKey(subject, working);
  const progress = io.stderr.isTTY && !json;
  const checked = new Map<string, VersionCheck>();
  const entries: HistoryEntry[] = [];
  for (const [index, commit] of commits.entries()) {
    if (progress) io.stderr.write(`\rchecking version ${index + 1}/${commits.length} (${shortCommit(commit.commit)}) offline...`);
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
  if (progress) io.stderr.write("\n");
  const suggested = suggestTarget(entries);
  const report: HistoryReport = {
    stack: subject.stack,
    file: subject.file,
    repository: subject.root,
    total,
    entries,
    handover: historyHandover(handover),
    ...(suggested ? { suggested } : {}),
    pulumi: pulumiHistoryCommands(subject.stack),
  };
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderHistoryText(report, subject.commands.rollback)}\n`);
  return 0;
}

/** `--to`: one version against the working-tree file, restored with `--apply`. Exit 1 when it may not be restored or `--apply` was refused. */
async function rollBack(subject: Subject, to: string, apply: boolean, json: boolean, io: Io): Promise<number> {
  if (to.startsWith("-"))
    fail(2, json, `--to "${to}" is not a commit; give a commit ID, tag or branch (--list shows the commits that changed ${subject.file})`);
  const sha = await resolveCommit(subject, to);
  if (!sha) fail(2, json, `--to ${to}: no such commit in ${subject.root}; --list shows the commits that changed ${subject.file}`);
  const target = await commitOf(subject, sha);
  const committed = await fileAt(subject, sha);
  if (!committed) fail(2, json, `--to ${to}: commit ${shortCommit(sha)} has no ${subject.file}; --list shows the commits that changed it`);
  if (apply && (await hasUncommittedChanges(subject))) {
    fail(
      2,
      json,
      `--apply: ${subject.file} has uncommitted changes, which restoring would overwrite; nothing was changed. See them with \`git diff -- ${subject.file}\`, set them aside with \`git stash\` (or commit them), then run this again.`,
    );
  }

  if (io.stderr.isTTY && !json) io.stderr.write(`Planning ${shortCommit(sha)}:${subject.file} and the working-tree file offline...\n`);
  const working = readFileSync(subject.path);
  const { content, handover } = asRestored(committed, workingHandover(working.toString("utf8")));
  const identical = content.equals(working);
  const planned = await planVersion(content, subject, `${shortCommit(sha)}:${subject.file}`);
  const check = judgeVersion(planned.outcome);
  const secureKeys = planned.file?.secureValues.map((v) => v.path) ?? [];
  const base = {
    stack: subject.stack,
    file: subject.file,
    repository: subject.root,
    ...("report" in planned.outcome ? { zone: planned.outcome.report.summary.zone } : {}),
    target,
    check,
  };
  const print = (report: RollbackReport) => io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderRollbackText(report, apply)}\n`);

  if (!restorable(check)) {
    print({
      ...base,
      identical,
      handover,
      encryptionChanged: [],
      secureKeys,
      codeChanged: [],
      applied: false,
      next: [{ command: `${subject.commands.rollback} --list`, from: subject.commands.kit }],
    });
    return 1;
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
  const codeChanged = await deployedCodeChangedSince(subject, sha);

  const applied = apply && !identical && encryptionChanged.length === 0;
  if (applied) restoreFile(subject, content, json);
  const report: RollbackReport = {
    ...base,
    currentCheck,
    identical,
    handover,
    ...comparison,
    encryptionChanged,
    ...(encryptionComparedWith ? { encryptionComparedWith } : {}),
    secureKeys,
    codeChanged,
    applied,
    next: [],
  };
  report.next = nextCommands(report, subject.commands);
  print(report);
  // --apply that wrote nothing though the file differs: refused under another encryption key.
  return apply && !identical && !applied ? 1 : 0;
}

/** The version written over the stack file whole or not at all (replaceFile), or exit 1 saying the file is as it was. */
function restoreFile(subject: Subject, content: Buffer, json: boolean): void {
  try {
    replaceFile(subject.path, content);
  } catch (error) {
    fail(1, json, `--apply: ${subject.file} could not be written (${(error as Error).message}); nothing was written, the file is as it was.`);
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    repo: { type: "string" },
    list: { type: "boolean", default: false },
    limit: { type: "string" },
    to: { type: "string" },
    apply: { type: "boolean", default: false },
  });
  const json = args.json;
  if (args.list && args.to !== undefined) fail(2, json, `Give --list or --to, not both.\n\n${USAGE}`);
  if (args.apply && args.to === undefined) fail(2, json, `--apply needs --to <commit>: the version to restore (--list shows them).\n\n${USAGE}`);
  if (args.limit !== undefined && args.to !== undefined) fail(2, json, `--limit goes with --list; --to checks one version.\n\n${USAGE}`);
  if (args.to === "") fail(2, json, `--to needs a commit ID, tag or branch.\n\n${USAGE}`);
  const limit = wholeNumberFlag(args.limit, "--limit", 10, json, 1000);
  const subject = await resolveSubject(args, json, io);
  return args.to === undefined ? listHistory(subject, limit, json, io) : rollBack(subject, args.to, args.apply, json, io);
}

/** A git command that fails on the way (a broken repository, an unreadable object) ends the rollback with 2, saying what git said. */
export async function rollback(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof GitError) fail(2, argv.includes("--json"), error.message);
    throw error;
  }
}
