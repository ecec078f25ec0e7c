/**
 * The kit's Pulumi program: read the stack's config, refuse it whole if anything is wrong,
 * otherwise declare the site, its secrets and its monitors. `pulumi up` runs it (this
 * repository's index.ts, and a founder's, are `export = launchReadyProgram`); so does the
 * offline plan, under Pulumi's mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../stacks/config-schema";
import { formatProblems, parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { AwsUptimeMonitors } from "./monitoring/aws-uptime-monitors";
import { CloudflareUptimeMonitors } from "./monitoring/cloudflare-uptime-monitors";
import { AppSecrets } from "./secrets/app-secrets";
import { secretSpecs } from "./secrets/stored-secrets";
import { LaunchReadySite } from "./site";

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

export async function launchReadyProgram(): Promise<Record<string, unknown>> {
  const parsed = parseStackConfig(decodedStackConfig());
  // RunError ends the program with the message alone: no stack trace, no resource registered.
  // The problems ride along so the offline plan can report them as data (`--json`).
  if (!parsed.ok) throw Object.assign(new pulumi.RunError(formatProblems(parsed.problems, `stack ${pulumi.getStack()}`)), { problems: parsed.problems });

  const { config } = parsed;
  const site = new LaunchReadySite("site", { config });
  const secrets = config.secrets.items.length > 0 ? declareSecrets(config) : undefined;
  if (config.monitoring.monitors.length > 0) declareMonitors(config, secrets);
  return {
    environment: config.environment,
    zone: config.zone.domain,
    canonicalUrl: site.canonicalUrl,
    hosts: site.hosts,
    /** Where each secret lives (names and paths, never values). */
    secrets: secrets?.paths ?? {},
    /** What is watched, by monitor id, and who is told. */
    monitors: Object.fromEntries(config.monitoring.monitors.map((monitor) => [monitor.id, monitor.url])),
  };
}

function declareMonitors(config: LaunchReadyConfig, secrets: AppSecrets | undefined): void {
  const { monitoring } = config;
  const shared = {
    monitors: monitoring.monitors,
    emails: monitoring.emails,
    chatWebhookUrl: monitoring.chatWebhookSecret ? secrets?.values[monitoring.chatWebhookSecret] : undefined,
    intervalSeconds: monitoring.intervalSeconds,
    failureThreshold: monitoring.failureThreshold,
    regions: monitoring.regions,
    environment: config.environment,
  };
  if (monitoring.provider === "cloudflare") {
    new CloudflareUptimeMonitors("uptime", { ...shared, zoneId: config.zone.zoneId, accountId: config.zone.accountId });
  } else {
    new AwsUptimeMonitors("uptime", { ...shared, measureLatency: monitoring.measureLatency });
  }
}

function declareSecrets(config: LaunchReadyConfig): AppSecrets {
  const hasProvided = config.secrets.items.some((secret) => secret.source === "provided");
  return new AppSecrets("secrets", {
    secrets: secretSpecs(config, pulumi.getProject()),
    store: config.secrets.store,
    environment: config.environment,
    // Read as a secret whatever the stack file says, so the values never travel in plain text.
    providedValues: hasProvided ? new pulumi.Config(CONFIG_NAMESPACE).requireSecretObject<Record<string, string>>("secretValues") : undefined,
    protect: config.protect,
  });
}
