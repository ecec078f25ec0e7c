/**
 * The deployed stack's outputs (`pulumi stack output --json`) as the handover reads them: only the
 * keys the program exports (canonicalUrl, hosts, secrets, monitors, dnssec), each checked for shape, and
 * compared with what the stack file declares. Anything else in the file is ignored, so a value
 * shown with `--show-secrets` by mistake is never copied anywhere.
 */
import { z } from "zod";
import { secretSpecs } from "../../components/secrets/stored-secrets";
import { canonicalUrl } from "../../components/site-records";
import { shownValue } from "../../stacks/shown-value";
import type { LaunchReadyConfig } from "../../stacks/stack-config";

const stackOutputsSchema = z.object({
  canonicalUrl: z.string().optional(),
  hosts: z.record(z.string(), z.object({ purpose: z.string(), proxied: z.boolean() })).optional(),
  secrets: z.record(z.string(), z.string()).optional(),
  monitors: z.record(z.string(), z.string()).optional(),
  /** The DS record Cloudflare computed for the zone (DNS-DNSSEC); numbers as the provider gives them, some as strings. */
  dnssec: z
    .object({
      keyTag: z.coerce.number().int().min(0).max(65535),
      algorithm: z.coerce.number().int().min(0).max(255),
      digestType: z.coerce.number().int().min(0).max(255),
      digest: z.string().regex(/^[0-9a-fA-F]+$/, "must be the digest in hex"),
    })
    .optional(),
});

export type StackOutputs = z.output<typeof stackOutputsSchema>;

export class StackOutputsError extends Error {}

/**
 * The parser's message with the text it quotes shown as a config problem would show it: the file
 * is meant to be written without --show-secrets, and one that was not may quote a secret here.
 */
function parserMessage(error: Error): string {
  return error.message.replace(/"(.*)"((?:\.\.\.)? is not valid JSON)$/s, (_, quoted: string, rest: string) => `${shownValue(quoted)}${rest}`);
}

/** Parses the text of `pulumi stack output --json`; a wrong shape names the key. */
export function parseStackOutputs(text: string, file: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(
      `${file} is not JSON (${parserMessage(error as Error)}); write it with \`pulumi stack output --json --stack <stack> > ${file}\``,
    );
  }
  const parsed = stackOutputsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StackOutputsError(
      `${file}: ${issue.path.join(".") || "the top level"} ${issue.message}; is it the output of \`pulumi stack output --json\` for a launch-ready stack?`,
    );
  }
  return parsed.data;
}

/** How the deployed stack differs from the stack file, one sentence each; empty when it does not. */
export function outputDifferences(config: LaunchReadyConfig, project: string, outputs: StackOutputs): string[] {
  const differences: string[] = [];
  const expectedUrl = canonicalUrl(config);
  if (outputs.canonicalUrl !== undefined && outputs.canonicalUrl !== expectedUrl)
    differences.push(`the canonical URL is ${outputs.canonicalUrl}, the stack file says ${expectedUrl}`);

  if (outputs.hosts) {
    const declared = new Map(config.hosts.map((host) => [host.fqdn, host]));
    for (const [name, deployed] of Object.entries(outputs.hosts)) {
      const host = declared.get(name);
      if (!host) differences.push(`${name} is deployed but no longer declared`);
      else if (host.proxied !== deployed.proxied)
        differences.push(`${name} is deployed ${deployed.proxied ? "proxied" : "DNS only"}, declared ${host.proxied ? "proxied" : "DNS only"}`);
    }
    for (const name of declared.keys()) if (!(name in outputs.hosts)) differences.push(`${name} is declared but not deployed yet`);
  }

  if (outputs.secrets) {
    const declared = new Map(secretSpecs(config, project).map((secret) => [secret.name, secret.path]));
    for (const [name, path] of Object.entries(outputs.secrets)) {
      const expected = declared.get(name);
      if (expected === undefined) differences.push(`secret ${name} is deployed but no longer declared`);
      else if (expected !== path) differences.push(`secret ${name} is deployed at ${path}, declared at ${expected}`);
    }
    for (const name of declared.keys()) if (!(name in outputs.secrets)) differences.push(`secret ${name} is declared but not deployed yet`);
  }

  if (outputs.monitors) {
    const declared = new Map(config.monitoring.enabled ? config.monitoring.monitors.map((monitor) => [monitor.id, monitor.url]) : []);
    for (const id of Object.keys(outputs.monitors)) if (!declared.has(id)) differences.push(`monitor ${id} is deployed but no longer declared`);
    for (const [id, url] of declared) if (!(id in outputs.monitors)) differences.push(`monitor ${id} (${url}) is declared but not deployed yet`);
  }
  return differences;
}
