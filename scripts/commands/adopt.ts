/**
 * `npm run adopt -- --stack NAME --export FILE [--out FILE] [--force] [--json]`
 *
 * A zone with rules made in the dashboard already has an entrypoint ruleset in those phases, and
 * Cloudflare keeps one per zone and phase, so the stack's first `pulumi up` would fail on each. This
 * verb plans the stack offline, matches the rulesets and zone settings it declares with what the
 * zone's export (FILE, saved by the one shell line in the help) holds, and writes the `pulumi import`
 * file that adopts the existing ones under the program's exact names. It lists the rules the kit's
 * rulesets replace and the settings whose value changes. Nothing is written when the export is not
 * the stack's zone's, or is not as the command writes it.
 *
 * This file is the command line and the order of the stages; the stages are in scripts/adopt/.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { policyPackPath } from "../../stacks/project";
import { shownValue } from "../../stacks/shown-value";
import { formatProblems, problemsHeading, type ConfigProblem } from "../../stacks/stack-config";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs } from "../cli/args";
import { fail, terminalSafe, type Io } from "../cli/io";
import { replaceFile } from "../cli/replace-file";
import { OfflineRunFailure, type OfflineRun } from "../plan/offline-run";
import { runStackProgram } from "../plan/plan-stack";
import { planAdoption, unreadablePlannedPhases } from "../adopt/adoption";
import { jsonReport, textReport, type AdoptOutcome } from "../adopt/report";
import { exportCommand, readZoneExport, ZoneExportError, type ZoneExport } from "../adopt/zone-export";

const USAGE = `Usage: npm run adopt -- --stack NAME --export FILE [--out FILE] [--force] [--json]
       npm run adopt -- --config FILE --export FILE [...]

  --stack NAME   the stack to adopt into: stacks/Pulumi.NAME.yaml
  --config FILE  any stack file instead
  --export FILE  what the zone has, saved with (needs curl and jq; ZONE_ID is the stack's zone.zoneId):
                   ${exportCommand()}
  --out FILE     where to write the pulumi import file (default: pulumi-import.NAME.json beside the stack file)
  --force        overwrite --out if it exists
  --json         print only a JSON report on stdout
  --help         show this help

Only rulesets and zone settings the stack declares and the zone already has are adopted. Then:
  pulumi import --file <the file> --stack NAME --generate-code=false --yes
  pulumi preview --stack NAME
Exit: 0 written, or nothing to adopt; 1 the file could not be written; 2 bad input or usage (nothing written).`;

/** How to save the export again, with the stack's own zone ID filled in. */
function exportAgain(zoneId: string, path: string): string {
  return `  export ZONE_ID=${zoneId}\n  ${exportCommand(path)}`;
}

function readExport(path: string, given: string, zoneId: string, json: boolean): ZoneExport {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      2,
      json,
      `--export ${given} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`}. Save the zone's export with:\n${exportAgain(zoneId, given)}`,
    );
  }
  try {
    return readZoneExport(text);
  } catch (error) {
    if (!(error instanceof ZoneExportError)) throw error;
    fail(2, json, `--export ${given} ${terminalSafe(error.message)}. Nothing was written; save the zone's export again with:\n${exportAgain(zoneId, given)}`);
  }
}

/** The program as `pulumi up` runs it; config it refuses ends the verb with 2, each problem named. */
async function runProgram(file: Parameters<typeof runStackProgram>[0], project: string, path: string, json: boolean): Promise<OfflineRun> {
  try {
    return await runStackProgram(file, project);
  } catch (error) {
    const problems = error instanceof OfflineRunFailure ? (error.cause as { problems?: ConfigProblem[] }).problems : undefined;
    if (!problems) throw error;
    fail(2, json, problemsHeading(problems, path), problems, formatProblems(problems, path));
  }
}

/** The file, or nothing: a temporary file renamed into place, so an interrupted write leaves no half a file. */
function writeImportFile(path: string, text: string, json: boolean): void {
  try {
    replaceFile(path, text);
  } catch (error) {
    fail(1, json, `${path} could not be written (${(error as Error).message}); nothing was written.`);
  }
}

export async function adopt(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    export: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean", default: false },
  });
  const { json } = args;
  if (!args.export) fail(2, json, `--export is required.\n\n${USAGE}`);
  const { path: stackPath, file, project, projectName, config } = stackConfigFromArgs(args, json, USAGE, io);
  const zoneId = config.zone.zoneId;
  const exported = readExport(resolve(io.cwd, args.export), args.export, zoneId, json);
  // The name is whatever the file says until it is checked against the stack's domain.
  const zoneName = terminalSafe(shownValue(exported.zone.name, { quoted: false }));
  if (exported.zone.id !== zoneId) {
    fail(
      2,
      json,
      `--export ${args.export} is the export of zone ${zoneName} (${exported.zone.id}), but stack ${file.stack}'s zone.zoneId is ${zoneId} (${config.zone.domain}); nothing was written. Save this stack's zone with:\n${exportAgain(zoneId, args.export)}`,
    );
  }
  // A stack in another stack's zone (zone.owner) has a domain below the zone's name.
  const { domain, owner } = config.zone;
  if (domain !== exported.zone.name && !(owner && domain.endsWith(`.${exported.zone.name}`))) {
    fail(
      2,
      json,
      `--export ${args.export} names its zone ${zoneName}, but its ID ${zoneId} is stack ${file.stack}'s zone, ${owner ? `the zone of ${domain}` : domain} (zone.domain): its parts are not one zone's as the export command saves them; nothing was written. Save this stack's zone again with:\n${exportAgain(zoneId, args.export)}`,
    );
  }

  if (!json && io.stderr.isTTY) io.stderr.write(`Planning ${stackPath} offline under Pulumi's mocks...\n`);
  const run = await runProgram(file, projectName, stackPath, json);
  const blind = unreadablePlannedPhases(run.resources, exported);
  if (blind.length > 0) {
    fail(
      2,
      json,
      `--export ${args.export} could not read the ${blind.map((entry) => terminalSafe(`${entry.phase} entrypoint (${entry.error})`)).join(", ")}, where stack ${file.stack} declares a ruleset: its rules would be replaced unseen; nothing was written. Give the token read access to those rules (the kit's own token can), then save the export again:\n${exportAgain(zoneId, args.export)}`,
    );
  }
  const adoption = planAdoption(run.resources, exported, {
    stack: file.stack,
    project: projectName,
    versions: { cloudflare: (require("@pulumi/cloudflare/package.json") as { version: string }).version },
  });

  const importPath = args.out ? resolve(io.cwd, args.out) : join(dirname(stackPath), `pulumi-import.${file.stack}.json`);
  const toWrite = adoption.adopted.length > 0;
  const existing = existsSync(importPath);
  if (toWrite && existing && statSync(importPath).isDirectory()) fail(2, json, `${importPath} is a directory; nothing was written. Give --out FILE.`);
  if (toWrite && existing && !args.force)
    fail(2, json, `${importPath} already exists; nothing was written. Give --force to overwrite it, or --out another file.`);
  if (toWrite) writeImportFile(importPath, `${JSON.stringify(adoption.file, null, 2)}\n`, json);

  const outcome: AdoptOutcome = {
    stack: file.stack,
    zone: exported.zone,
    exportPath: args.export,
    stackPath,
    adoption,
    importPath,
    written: toWrite,
    staleImportFile: !toWrite && existing,
    ...(project ? { project } : {}),
    ...(config.zone.owner ? { zoneOwner: config.zone.owner } : {}),
    policyPack: policyPackPath(project?.dir ?? io.cwd),
  };
  io.stdout.write(json ? `${JSON.stringify(jsonReport(outcome, io.cwd), null, 2)}\n` : `${textReport(outcome, io.cwd)}\n`);
  return 0;
}
