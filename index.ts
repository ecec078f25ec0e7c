/**
 * The Pulumi program: read the stack's config, refuse it whole if anything is wrong, otherwise
 * declare the site. `pulumi up` runs this; so does the offline plan, under Pulumi's mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { LaunchReadySite } from "./components/site";
import { formatProblems, parseStackConfig } from "./stacks/stack-config";

/** Pulumi hands structured config to the program as JSON text; plain strings stay as written. */
function decodedStackConfig(): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    try {
      decoded[key] = JSON.parse(text);
    } catch {
      decoded[key] = text;
    }
  }
  return decoded;
}

export = async function launchReady() {
  const parsed = parseStackConfig(decodedStackConfig());
  // RunError ends the program with the message alone: no stack trace, no resource registered.
  // The problems ride along so the offline plan can report them as data (`--json`).
  if (!parsed.ok) throw Object.assign(new pulumi.RunError(formatProblems(parsed.problems, `stack ${pulumi.getStack()}`)), { problems: parsed.problems });

  const site = new LaunchReadySite("site", { config: parsed.config });
  return {
    environment: parsed.config.environment,
    zone: parsed.config.zone.domain,
    canonicalUrl: site.canonicalUrl,
    hosts: site.hosts,
  };
};
