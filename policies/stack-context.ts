/**
 * What the pack knows of the stack under analysis. The engine sends resources, not the stack's
 * config; the pack reads the same stack file the Pulumi CLI read (stackConfigDir: stacks), found
 * by the stack name in the resources' URNs, so the rules see the environment, the declared hosts
 * and the waivers exactly as the program did.
 */
import { join } from "node:path";
import { parseStackConfig } from "../stacks/stack-config";
import { readStackFile, STACKS_DIR } from "../stacks/stack-file";
import type { BarContext } from "./bar";

const contexts = new Map<string, BarContext>();

/** Where stack files are read from: stacks/ beside this pack, or LAUNCH_READY_STACKS_DIR. */
export function stacksDir(): string {
  return process.env.LAUNCH_READY_STACKS_DIR || STACKS_DIR;
}

/** `urn:pulumi:prod::launch-ready::...` → `prod`. */
export function stackNameFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

export function stackContext(urn: string | undefined, directory = stacksDir()): BarContext {
  const stack = urn ? stackNameFromUrn(urn) : undefined;
  if (!stack) return {};
  const cached = contexts.get(stack);
  if (cached) return cached;
  let context: BarContext = {};
  try {
    const parsed = parseStackConfig(readStackFile(join(directory, `Pulumi.${stack}.yaml`)).config);
    if (parsed.ok) context = { config: parsed.config };
  } catch {
    // No stack file for this stack: rules that need its config say they could not judge.
  }
  contexts.set(stack, context);
  return context;
}
