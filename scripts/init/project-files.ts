/**
 * The files that make a directory a founder's Pulumi project on the kit: the npm package, the
 * Pulumi project, the TypeScript setup, the program and what git leaves out. Versions and npm
 * script names are read from the kit's own package.json, so a scaffold never lags the kit: every
 * `npm run <script>` a verb's output suggests exists in the new repository too.
 */
import { stringify } from "yaml";
import { KIT_NAME, kitManifest, type KitManifest } from "../../stacks/project";

/** The kit's version of a package it depends on (or builds with), pinned the same in the founder's repository. */
function kitVersionOf(manifest: KitManifest, name: string): string {
  const version = manifest.dependencies[name] ?? manifest.devDependencies?.[name];
  if (!version) throw new Error(`the kit's package.json names no version of ${name}`);
  return version;
}

/**
 * The kit's npm scripts that run one of its verbs (`"plan": "tsx scripts/launch-ready.ts plan"`),
 * as the installed command runs them (`"plan": "launch-ready plan"`). init itself has run by then.
 */
function verbScripts(manifest: KitManifest): Record<string, string> {
  const scripts: Record<string, string> = {};
  for (const [name, command] of Object.entries(manifest.scripts)) {
    const verb = /^tsx scripts\/launch-ready\.ts ([a-z-]+)$/.exec(command)?.[1];
    if (verb && verb !== "init") scripts[name] = `${KIT_NAME} ${verb}`;
  }
  return scripts;
}

/** The package.json of a new repository. */
function scaffoldManifest(project: string, domain: string) {
  const kit = kitManifest();
  return {
    name: project,
    version: "0.0.0",
    private: true,
    description: `Domain, edge, email, secrets and monitoring of ${domain}, held to the launch-ready minimum bar.`,
    scripts: verbScripts(kit),
    dependencies: { [KIT_NAME]: `^${kit.version}`, "@pulumi/pulumi": kitVersionOf(kit, "@pulumi/pulumi") } as Record<string, string>,
    devDependencies: { "@types/node": kitVersionOf(kit, "@types/node"), typescript: kitVersionOf(kit, "typescript") } as Record<string, string>,
  };
}

export function packageJson(project: string, domain: string): string {
  return `${JSON.stringify(scaffoldManifest(project, domain), null, 2)}\n`;
}

/** A package.json init can add to: a JSON object, and the scripts of it that init's would replace. */
export interface ExistingManifest {
  manifest: Record<string, unknown>;
  /** `plan: "vite build" (init's: "launch-ready plan")`: kept unless --force. */
  clashes: string[];
  /** Why init cannot add to it (`"scripts" is text, ...`): it is refused, even with --force, rather than mangled. */
  problem?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The keys init adds its own entries to, as npm reads them: objects of names to a command or a version. */
const MERGED_KEYS = { scripts: "script names to commands", dependencies: "package names to versions", devDependencies: "package names to versions" };

const kindOf = (value: unknown) => (Array.isArray(value) ? "a list" : value === null ? "null" : typeof value === "string" ? "text" : `a ${typeof value}`);

/** The package.json already in the directory (after `npm init`, or `npm install launch-ready` first), or undefined if it is not a JSON object. */
export function existingManifest(text: string): ExistingManifest | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(manifest)) return undefined;
  const wrong = Object.entries(MERGED_KEYS).find(([key]) => key in manifest && !isObject(manifest[key]));
  if (wrong) {
    const [key, names] = wrong;
    return { manifest, clashes: [], problem: `"${key}" is ${kindOf(manifest[key])}, where npm reads an object of ${names}` };
  }
  const theirs = (manifest.scripts ?? {}) as Record<string, string>;
  const ours = verbScripts(kitManifest());
  const clashes = Object.entries(ours)
    .filter(([name, command]) => theirs[name] !== undefined && theirs[name] !== command)
    .map(([name, command]) => `scripts.${name}: "${theirs[name]}" (init's: "${command}")`);
  return { manifest, clashes };
}

/**
 * An existing package.json with what the kit needs added: its scripts, and its dependencies
 * where the file names none (a version it already pins, such as the tarball `npm install` wrote,
 * is kept). Scripts that clash are replaced only when `replaceScripts` (--force) says so.
 */
export function mergedPackageJson(existing: ExistingManifest, project: string, domain: string, replaceScripts: boolean): string {
  const ours = scaffoldManifest(project, domain);
  const theirs = existing.manifest as {
    name?: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const merged = {
    ...theirs,
    name: theirs.name ?? ours.name,
    scripts: replaceScripts ? { ...theirs.scripts, ...ours.scripts } : { ...ours.scripts, ...theirs.scripts },
    dependencies: { ...ours.dependencies, ...theirs.dependencies },
    devDependencies: { ...ours.devDependencies, ...theirs.devDependencies },
  };
  return `${JSON.stringify(merged, null, 2)}\n`;
}

export function pulumiYaml(project: string, domain: string): string {
  return stringify(
    {
      name: project,
      description: `${domain}: domain, edge, email, secrets and monitoring, held to the launch-ready minimum bar.`,
      runtime: { name: "nodejs", options: { typescript: true } },
      main: "index.ts",
      stackConfigDir: "stacks",
    },
    { lineWidth: 0 },
  );
}

/** What Pulumi's TypeScript loader compiles index.ts with: `export =` needs CommonJS. */
export function tsconfigJson(): string {
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node",
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ["node"],
    },
    include: ["index.ts"],
  };
  return `${JSON.stringify(tsconfig, null, 2)}\n`;
}

export function indexTs(): string {
  return `/**
 * The Pulumi program (Pulumi.yaml \`main\`): the kit's standard program reads stacks/Pulumi.<stack>.yaml
 * and declares everything it asks for, held to the minimum bar.
 *
 * To customise, compose the library's components yourself instead, e.g. a LaunchReadySite from
 * parseStackConfig's result beside resources of your own, or ZoneTls and DnsRecords alone:
 *   import { LaunchReadySite, parseStackConfig, ZoneTls } from "${KIT_NAME}";
 */
import { launchReadyProgram } from "${KIT_NAME}";

export = launchReadyProgram;
`;
}

export function gitignore(): string {
  return ["node_modules/", ".env", ".env.*", "!.env.example", "*.tgz", ""].join("\n");
}
