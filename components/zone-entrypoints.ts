import * as pulumi from "@pulumi/pulumi";

/** Claims per stack run: a new run (a new stack resource) starts with none. */
const claimsByRun = new WeakMap<object, Map<string, string>>();
const outsideAnyStack = {};

/**
 * Cloudflare keeps one entrypoint ruleset per zone and phase; a second one for the same phase
 * would replace the first at `pulumi up` without an error. Every component that creates a zone
 * ruleset claims its phase here first, so two in one program fail at once, naming both owners.
 */
export function claimZoneEntrypoint(zoneName: string, phase: string, owner: string): void {
  const run = pulumi.runtime.getStackResource() ?? outsideAnyStack;
  const claims = claimsByRun.get(run) ?? new Map<string, string>();
  claimsByRun.set(run, claims);
  const key = `${zoneName} ${phase}`;
  const existing = claims.get(key);
  if (existing) {
    throw new Error(
      `${owner} would create a second ${phase} ruleset for ${zoneName}, which ${existing} already owns. ` +
        "Cloudflare keeps one entrypoint ruleset per zone and phase, so the second would silently replace the first: put all of that phase's rules in one component.",
    );
  }
  claims.set(key, owner);
}
