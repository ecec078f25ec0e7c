/**
 * `npm run handover -- --stack <name> [--outputs FILE] [--check] [--file HANDOVER.md] [--json]`
 *
 * Regenerates one stack's section of HANDOVER.md from its stack file (and the deployed stack's
 * outputs when given), leaving the rest of the file as written. `--check` writes nothing and
 * exits 1 when the section is stale or missing: CI runs it so the handover cannot drift.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { policyPackPath } from "../../stacks/project";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs } from "../cli/args";
import { fail, type Io } from "../cli/io";
import { replaceFile } from "../cli/replace-file";
import { renderHandoverSection } from "../handover/handover";
import { firstDifference, handoverSections, HandoverDocumentError, withSection } from "../handover/handover-document";
import { parseStackOutputs, StackOutputsError } from "../handover/stack-outputs";
import { siblingStackFiles, type StackFile } from "../../stacks/stack-file";
import { type ConfigProblem, formatProblems, problemsHeading, type LaunchReadyConfig } from "../../stacks/stack-config";
import { plaintextSecrets, setEncryptedCommand } from "../../stacks/stack-secrets";
import { resolveZoneGroup, type ZoneGroup } from "../../stacks/zone-group";
import { NotARegularFile, readRegularFile } from "../../stacks/regular-file";

const USAGE = `Usage: npm run handover -- --stack <name> | --config FILE [options]

  --stack NAME      the stack whose section to write (stacks/Pulumi.NAME.yaml)
  --config FILE     any stack file instead; its section is named after the file's stack name
  --outputs FILE    the deployed stack's \`pulumi stack output --json\`: the section then says whether
                    the deployed hosts, secrets and monitors match the stack file. The file is
                    remembered in the section, so later runs and --check use it too
  --drop-outputs    regenerate without the outputs file the section remembers
  --file FILE       the handover document, a Markdown file named *.md (default: HANDOVER.md beside
                    the project's Pulumi.yaml)
  --check           write nothing; exit 1 if the section is missing or differs from a fresh one
  --json            print {"stack","file","status","outputs"} on stdout
  --help            show this help

Secret values are never read: secrets appear by name and location only. A stack file with a
secret in plain text (what SEC-NO-PLAINTEXT fails) is refused, and nothing is written.
Exit: 0 written or current, 1 stale or missing under --check, 2 usage, stack file or document error.`;

const posix = (path: string) => path.split(sep).join("/");

export async function handover(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    outputs: { type: "string" },
    "drop-outputs": { type: "boolean", default: false },
    file: { type: "string" },
    check: { type: "boolean", default: false },
  });
  const json = args.json;
  if (args.outputs && args["drop-outputs"]) fail(2, json, `Give --outputs or --drop-outputs, not both.\n\n${USAGE}`);
  const { path, file, config, project, projectName } = stackConfigFromArgs(args, json, USAGE, io);

  // Without --file, the project's own HANDOVER.md, wherever in the project the verb runs.
  const documentPath = args.file === undefined ? resolve(project?.dir ?? io.cwd, "HANDOVER.md") : resolve(io.cwd, args.file);
  const documentName = args.file ?? relative(io.cwd, documentPath);
  const documentDir = dirname(documentPath);
  const documentOption = args.file === undefined ? `${documentName} (the default --file)` : `--file ${documentName}`;
  if (!MARKDOWN_NAME.test(documentPath))
    fail(2, json, `${documentOption} is not named as a Markdown document; the handover writes its sections into one, such as HANDOVER.md, and nothing else`);
  if (!isDirectory(documentDir))
    fail(2, json, `${documentOption}: the directory ${documentDir} does not exist; create it, or give --file a path in one that does`);
  const secrets = await plaintextProblems(file);
  if (secrets.length > 0) {
    const heading = `${documentName} was not written: the stack file holds secrets in plain text (SEC-NO-PLAINTEXT), and the handover would copy them.`;
    fail(2, json, `${heading} ${problemsHeading(secrets, path)}`, secrets, `${heading}\n${formatProblems(secrets, path)}`);
  }
  const documentExists = existsSync(documentPath);
  if (!documentExists && args.check) fail(1, json, `${documentName} does not exist; create it with npm run handover -- --stack ${file.stack}`);
  const document = documentExists ? readGiven(documentPath, documentOption, "the handover's Markdown document", json) : "";
  let existing: ReturnType<typeof handoverSections>[number] | undefined;
  try {
    existing = handoverSections(document).find((section) => section.stack === file.stack);
  } catch (error) {
    if (!(error instanceof HandoverDocumentError)) throw error;
    fail(2, json, `${documentName} ${error.message}; fix the markers by hand, or delete the broken section and regenerate it`);
  }

  // Outputs are remembered relative to the document, so the section regenerates the same on any machine
  // ("." for the document's own directory, which relative() gives as "", read as no outputs at all).
  const outputsRelative = args["drop-outputs"]
    ? undefined
    : args.outputs
      ? posix(relative(documentDir, resolve(io.cwd, args.outputs))) || "."
      : existing?.outputs;
  let outputs: { file: string; values: ReturnType<typeof parseStackOutputs> } | undefined;
  if (outputsRelative) {
    const outputsPath = isAbsolute(outputsRelative) ? outputsRelative : resolve(documentDir, outputsRelative);
    const given = args.outputs ? "--outputs" : `the outputs file the section of ${file.stack} remembers`;
    if (!existsSync(outputsPath))
      fail(
        2,
        json,
        `${given} (${outputsRelative}) does not exist; write it with \`pulumi stack output --json --stack ${file.stack} > ${outputsRelative}\`, or pass --drop-outputs`,
      );
    const text = readGiven(outputsPath, `${given} (${outputsRelative})`, "the file `pulumi stack output --json` wrote", json);
    try {
      outputs = { file: outputsRelative, values: parseStackOutputs(text, outputsRelative) };
    } catch (error) {
      if (!(error instanceof StackOutputsError)) throw error;
      fail(2, json, error.message);
    }
  }

  const stackFile = posix(relative(documentDir, path));
  const command = `npm run handover -- ${args.stack ? `--stack ${args.stack}` : `--config ${stackFile}`}`;
  const body = renderHandoverSection({
    stack: file.stack,
    stackFile,
    command,
    project: projectName,
    policyPack: policyPackPath(project?.dir ?? io.cwd),
    config,
    encryption: file.encryption,
    hasSecureValues: file.secureValues.length > 0,
    ...(outputs ? { outputs } : {}),
    ...zoneOf(file, config),
  });
  const report = (status: string) =>
    json ? io.stdout.write(`${JSON.stringify({ stack: file.stack, file: documentName, status, outputs: outputsRelative ?? null })}\n`) : undefined;

  if (args.check) {
    if (!existing) {
      report("missing");
      if (!json)
        io.stderr.write(`${documentName} has no section for stack ${file.stack}; run npm run handover -- --stack ${file.stack} and commit the file.\n`);
      return 1;
    }
    const difference = firstDifference(existing.body, body);
    if (difference || existing.outputs !== outputsRelative) {
      report("stale");
      if (!json) {
        const where = difference
          ? `\n  line ${difference.line} of the section\n  in the file: ${difference.committed}\n  fresh:       ${difference.fresh}`
          : "";
        io.stderr.write(
          `The ${file.stack} section of ${documentName} is stale: the stack file changed since it was generated.${where}\nRun npm run handover -- --stack ${file.stack} and commit the result.\n`,
        );
      }
      return 1;
    }
    report("current");
    if (!json) io.stdout.write(`The ${file.stack} section of ${documentName} is current.\n`);
    return 0;
  }

  const updated = withSection(document, file.stack, body, outputsRelative);
  if (updated === document) {
    report("unchanged");
    if (!json) io.stdout.write(`The ${file.stack} section of ${documentName} was already current; nothing written.\n`);
    return 0;
  }
  try {
    replaceFile(documentPath, updated);
  } catch (error) {
    fail(1, json, `${documentName} could not be written (${(error as Error).message}); nothing was written, the file is as it was`);
  }
  report(existing ? "written" : "added");
  if (!json) io.stdout.write(`${existing ? "Regenerated" : "Added"} the ${file.stack} section of ${documentName}. Review it with git diff and commit it.\n`);
  return 0;
}

/** The handover document is Markdown: a name such as a stack file's would have a section appended to what Pulumi reads. */
const MARKDOWN_NAME = /\.(md|markdown)$/i;

/** Far past any handover document or `pulumi stack output --json`; a file this large was named by mistake. */
const MAX_READ_BYTES = 16 * 2 ** 20;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The text of a file the verb was pointed at, `shown` naming how (the option, or the marker that
 * remembers it): a directory, a FIFO or a device (a marker's `outputs=/dev/zero` would hang
 * --check in CI), a file past MAX_READ_BYTES or one that cannot be read ends the verb with 2.
 */
function readGiven(path: string, shown: string, expected: string, json: boolean): string {
  try {
    return readRegularFile(path, MAX_READ_BYTES);
  } catch (error) {
    if (error instanceof NotARegularFile) fail(2, json, `${shown} ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") fail(2, json, `${shown} is a directory; give ${expected}`);
    if (code) fail(2, json, `${shown} cannot be read (${code}); give ${expected}`);
    throw error;
  }
}

/** Each plain-text secret of the stack file as a problem at its key: the section quotes config values, so it is not written while one is there. */
async function plaintextProblems(file: StackFile): Promise<ConfigProblem[]> {
  return (await plaintextSecrets(file)).map(({ configPath, kind, finding }) => ({
    path: configPath,
    message: `${
      finding
        ? `holds a secret in plain text (${finding.message.replace(/^found /, "")})`
        : `is ${kind === "credential" ? "a provider credential" : "a provided secret's value"} written in plain text`
    }; rotate it (the stack file may be in git), then delete it from the file or set it encrypted, as a secure: value`,
    example: setEncryptedCommand(configPath, file.stack),
  }));
}

/** The stacks sharing the stack's zone, read from the stack files beside it; the plan refuses a group that cannot be, so the handover leaves it out. */
function zoneOf(file: StackFile, config: LaunchReadyConfig): { zone?: ZoneGroup } {
  const resolved = resolveZoneGroup({ stack: file.stack, path: file.path, config }, siblingStackFiles(dirname(file.path), file.stack));
  return resolved.ok ? { zone: resolved.group } : {};
}
