/** Reading declared Vercel environment variables: shared by SEC-STORE and SEC-ENV-SEPARATION. */
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import type { DeclaredResource } from "../bar";
import { VERCEL_ENV_VARIABLE } from "../../domain/resource-types";

/** The Vercel targets a variable is given to; undefined while a preview does not know them. */
export function vercelTargets(resource: DeclaredResource): string[] | undefined {
  const targets = resource.props.targets;
  return Array.isArray(targets) && targets.every((target) => typeof target === "string") ? targets : undefined;
}

/** Whether a Vercel variable is in the project the stack's secretStore names (one the preview does not know yet counts as in it). */
export function inStackProject(resource: DeclaredResource, config: LaunchReadyConfig): boolean {
  const { projectId } = resource.props;
  return config.secrets.store.kind === "vercel" && (projectId === undefined || projectId === config.secrets.store.projectId);
}

/** The Vercel variables of the stack's project that hold one of its declared secrets. */
export function secretVariables(resources: readonly DeclaredResource[], config: LaunchReadyConfig): DeclaredResource[] {
  return resources.filter((r) => r.type === VERCEL_ENV_VARIABLE && inStackProject(r, config) && config.secrets.items.some((item) => item.name === r.props.key));
}
