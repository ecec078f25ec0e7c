/**
 * Where things are: the Pulumi project a verb works on (the Pulumi.yaml it finds from its
 * working directory, as the Pulumi CLI finds it) and the kit's own files (its JSON Schema,
 * its policy pack). The kit runs from this repository, from its compiled copy in dist/, and
 * installed under a founder's node_modules; each question is answered the same way from all three.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parse } from "yaml";
import { stackNameFromPath } from "./stack-file";

/** The kit's package name; also the project name given to a stack file that belongs to no Pulumi project. */
export const KIT_NAME = "launch-ready";

export interface PulumiProject {
  /** The directory holding Pulumi.yaml. */
  dir: string;
  /** `name:` in Pulumi.yaml: the project part of URNs and of secret paths. */
  name: string;
  /** Where its stack files are: `stackConfigDir`, relative to `dir`, or `dir` itself. */
  stacksDir: string;
}

export class ProjectError extends Error {}

/**
 * The project whose Pulumi.yaml is in `from` or the nearest directory above it, or undefined when
 * there is none. An unreadable or nameless Pulumi.yaml is an error, not a reason to look further up.
 */
export function findProject(from: string): PulumiProject | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, "Pulumi.yaml");
    if (existsSync(file)) return readProjectFile(dir, file);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The project a verb started in `cwd` works on; none is an error that says how to get one. */
export function requireProject(cwd: string): PulumiProject {
  const project = findProject(cwd);
  if (!project) {
    throw new ProjectError(`No Pulumi.yaml in ${cwd} or above it: run this in a Pulumi project, or start one with npx launch-ready init --domain example.com`);
  }
  return project;
}

/** What Pulumi accepts as a project name (sdk/go/common/tokens ValidateProjectName). */
const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function readProjectFile(dir: string, file: string): PulumiProject {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ProjectError(`${file} cannot be read as YAML: ${(error as Error).message}`);
  }
  const { name, stackConfigDir } = (document ?? {}) as { name?: unknown; stackConfigDir?: unknown };
  if (typeof name !== "string" || name === "") throw new ProjectError(`${file} has no "name:"; Pulumi needs one (e.g. name: ${KIT_NAME})`);
  // Pulumi's own rule for a project name; the name goes into every URN and secret path the kit plans.
  if (!PROJECT_NAME.test(name))
    throw new ProjectError(`${file} has name "${name}", which Pulumi refuses: use up to 100 letters, digits, "-", "_" or "." (e.g. name: ${KIT_NAME})`);
  if (stackConfigDir !== undefined && typeof stackConfigDir !== "string") throw new ProjectError(`${file}: "stackConfigDir:" must be a directory path`);
  return { dir, name, stacksDir: resolve(dir, stackConfigDir ?? ".") };
}

export function stackFilePath(project: PulumiProject, stack: string): string {
  return join(project.stacksDir, `Pulumi.${stack}.yaml`);
}

/** Stack names with a file in the project's stack directory, e.g. ["dev", "prod", "staging"]. */
export function availableStacks(project: PulumiProject): string[] {
  if (!existsSync(project.stacksDir)) return [];
  return readdirSync(project.stacksDir)
    .filter((file) => /^Pulumi\.(.+)\.ya?ml$/.test(file))
    .map(stackNameFromPath)
    .sort();
}

/**
 * The kit's package directory: the nearest directory above this file with the kit's package.json.
 * It is the repository root both for the sources and for their compiled copy in dist/.
 */
export const KIT_DIR = kitDir(__dirname);

function kitDir(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === KIT_NAME) return dir;
  }
  throw new Error(`the kit's package.json (name ${KIT_NAME}) is not above ${from}`);
}

/** The kit's own package.json: its version, the npm scripts that run its verbs, the versions it pins. */
export interface KitManifest {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function kitManifest(): KitManifest {
  return JSON.parse(readFileSync(join(KIT_DIR, "package.json"), "utf8")) as KitManifest;
}

/**
 * The policy pack as `pulumi preview --policy-pack` takes it, from the project directory `dir`:
 * `policies` in this repository, `node_modules/launch-ready/policies` in one that installs the kit
 * (also when the kit runs from elsewhere, as `npx launch-ready init` does, before the install).
 */
export function policyPackPath(dir: string): string {
  const inside = relative(dir, join(KIT_DIR, "policies"));
  return inside.startsWith("..") || isAbsolute(inside) ? `node_modules/${KIT_NAME}/policies` : inside.split(sep).join("/");
}

/** The JSON Schema of a stack file as the kit ships it. */
export const KIT_SCHEMA_PATH = join(KIT_DIR, "stacks", "schema.json");

/** A project's copy of the schema, beside its stack files so editors find it; in this repository, the kit's own. */
export function schemaPath(project: PulumiProject): string {
  return join(project.stacksDir, "schema.json");
}

/** A CI workflow file of the project, read as YAML: its document, or why it could not be read. */
export interface WorkflowFile {
  path: string;
  document?: unknown;
  error?: string;
}

/** The project's GitHub Actions workflows, where `launch-ready init` writes them: `.github/workflows/` beside Pulumi.yaml. */
export interface ProjectWorkflows {
  /** The directory holding Pulumi.yaml, which the workflows' paths (`stacks/Pulumi.*.yaml`) are relative to. */
  dir: string;
  files: WorkflowFile[];
}

/**
 * The workflows of the project a stack file belongs to (the Pulumi.yaml whose stack directory
 * holds it), or undefined when it belongs to none or the project has no `.github/workflows/`.
 * Only the project's own directory is read: a repository holding the project in a subdirectory
 * keeps its workflows where this cannot tell which stack files they mean.
 */
export function projectWorkflows(stackFile: string): ProjectWorkflows | undefined {
  let project: PulumiProject | undefined;
  try {
    project = findProject(dirname(stackFile));
  } catch (error) {
    if (error instanceof ProjectError) return undefined;
    throw error;
  }
  if (!project || resolve(project.stacksDir) !== resolve(dirname(stackFile))) return undefined;
  const dir = join(project.dir, ".github", "workflows");
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name): WorkflowFile => {
      const path = join(dir, name);
      try {
        return { path, document: parse(readFileSync(path, "utf8")) };
      } catch (error) {
        return { path, error: (error as Error).message.split("\n")[0] };
      }
    });
  return { dir: project.dir, files };
}
