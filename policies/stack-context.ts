/**
 * What the bar knows of the stack under judgement. The engine sends resources, not the stack's
 * config; the pack reads the same stack file the Pulumi CLI read (stackConfigDir: stacks), found
 * by the stack name in the resources' URNs, so the rules see the environment, the declared hosts
 * and the waivers exactly as the program did. The offline plan builds the same context from the
 * file it plans.
 */
import { dirname, join } from "node:path";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { findProject, KIT_NAME, projectWorkflows, type ProjectWorkflows } from "../stacks/project";
import { readStackFile, siblingStackFiles, type StackFile } from "../stacks/stack-file";
import { PassphraseError, passphraseFromEnvironment, secureValueDigests, type SecureValueDigests } from "../stacks/stack-secrets";
import type { BarContext, ZoneContext } from "./bar";
import { zoneWideResources } from "./declared/zone-wide";
import { zoneShareProblems } from "../components/zone-share";
import { today } from "../domain/bar/weighing";
import { resolveZoneGroup, type ZoneStack } from "../stacks/zone-group";

const contexts = new Map<string, BarContext>();

/**
 * Where stack files are read from: LAUNCH_READY_STACKS_DIR, or the stackConfigDir of the project
 * the pack sits in. That is this repository for its own pack, and the founder's repository for the
 * pack installed at node_modules/launch-ready/policies (the package ships no Pulumi.yaml of its own).
 */
export function stacksDir(): string | undefined {
  return process.env.LAUNCH_READY_STACKS_DIR || findProject(__dirname)?.stacksDir;
}

/** `urn:pulumi:prod::launch-ready::...` → `prod`. */
export function stackNameFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** `urn:pulumi:prod::launch-ready::...` → `launch-ready`. */
export function projectFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:[^:]+::([^:]+)::/.exec(urn)?.[1];
}

/**
 * The context of one stack file: its config (parsed here unless the caller has it), and, read
 * only when a rule asks, its sibling stack files and the digests of every secure value (opened
 * with the passphrase in `env`, the process environment unless a verb passes its own).
 */
export function contextForStackFile(
  file: StackFile,
  options: { project?: string; directory?: string; config?: LaunchReadyConfig; env?: NodeJS.ProcessEnv } = {},
): BarContext {
  const parsed = options.config ? undefined : parseStackConfig(file.config);
  const config = options.config ?? (parsed?.ok ? parsed.config : undefined);
  let siblings: StackFile[] | undefined;
  const siblingFiles = () => (siblings ??= siblingStackFiles(options.directory ?? dirname(file.path), file.stack));
  let digests: SecureValueDigests | undefined | null = null;
  const project = options.project ?? KIT_NAME;
  let workflows: ProjectWorkflows | undefined | null = null;
  return {
    ...(config ? { config, zone: zoneContext({ stack: file.stack, path: file.path, config }, siblingFiles(), project) } : {}),
    project,
    stackFile: file,
    siblings: siblingFiles,
    workflows: () => {
      if (workflows === null) workflows = projectWorkflows(file.path);
      return workflows;
    },
    // Deriving a passphrase key takes half a second per stack file: only when a rule asks.
    secureDigests: () => {
      if (digests !== null) return digests;
      try {
        const passphrase = passphraseFromEnvironment(options.env);
        digests = passphrase === undefined ? undefined : secureValueDigests([file, ...siblingFiles()], passphrase);
      } catch (error) {
        if (!(error instanceof PassphraseError)) throw error;
        digests = { byStack: new Map(), unreadable: [{ stack: file.stack, why: error.message }] };
      }
      return digests;
    },
  };
}

/** The zone `self` shares with its sibling stacks, as the program resolves it, and what the bar reads of the owner's. */
function zoneContext(self: ZoneStack, siblings: readonly StackFile[], project: string): ZoneContext {
  const resolved = resolveZoneGroup(self, siblings);
  if (!resolved.ok) return { problems: resolved.problems, unchecked: [], ownersResources: [] };
  const { group } = resolved;
  return {
    group,
    problems: zoneShareProblems(self.stack, group, today()),
    unchecked: resolved.unchecked,
    ownersResources: self.config.zone.owner === undefined ? [] : zoneWideResources(group, project),
  };
}

export function stackContext(urn: string | undefined, directory = stacksDir()): BarContext {
  const stack = urn ? stackNameFromUrn(urn) : undefined;
  if (!stack || !directory) return {};
  const cached = contexts.get(stack);
  if (cached) return cached;
  let context: BarContext = {};
  try {
    context = contextForStackFile(readStackFile(join(directory, `Pulumi.${stack}.yaml`)), { project: projectFromUrn(urn!), directory });
  } catch {
    // No stack file for this stack: rules that need its config say they could not judge.
  }
  contexts.set(stack, context);
  return context;
}
