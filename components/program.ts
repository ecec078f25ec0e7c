/**
 * The kit's Pulumi program: read the stack's config, refuse it whole if anything is wrong,
 * otherwise declare the site, its secrets and its monitors. `pulumi up` runs it (this
 * repository's index.ts, and a founder's, are `export = launchReadyProgram`); so does the
 * offline plan, under Pulumi's mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../stacks/config-schema";
import { formatProblems, parseStackConfig, type ConfigProblem, type LaunchReadyConfig } from "../stacks/stack-config";
import { findProject } from "../stacks/project";
import { siblingStackFiles } from "../stacks/stack-file";
import { resolveZoneGroup, type UncheckedSibling, type ZoneGroup } from "../stacks/zone-group";
import { problem } from "../stacks/config-problems";
import { today } from "../domain/bar/weighing";
import { zoneShareProblems } from "./zone-share";
import { AwsUptimeMonitors } from "./monitoring/aws-uptime-monitors";
import { dashboardName } from "./monitoring/uptime-monitors";
import { ChecklyUptimeMonitors } from "./monitoring/checkly-uptime-monitors";
import { CloudflareUptimeMonitors } from "./monitoring/cloudflare-uptime-monitors";
import { AppSecrets } from "./secrets/app-secrets";
import { secretSpecs } from "./secrets/stored-secrets";
import { LaunchReadySite } from "./site";

/**
 * Pulumi hands structured config to the program as JSON text; plain strings stay as written. Keys
 * are defined, never assigned: `decoded["__proto__"] = value` would make the value the map's
 * prototype instead of a key the config reader refuses.
 */
function decodedStackConfig(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pulumi.runtime.allConfig()).map(([key, text]) => [key, jsonOrText(text)]));
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface ProgramOptions {
  /**
   * Where the project's stack files are, to find the stacks sharing this stack's zone. @default
   * LAUNCH_READY_STACKS_DIR, else the stackConfigDir of the Pulumi project above the working
   * directory (where `pulumi up` runs the program)
   */
  stacksDir?: string;
}

/** RunError ends the program with the message alone: no stack trace, no resource registered. The problems ride along so the offline plan can report them as data (`--json`). */
function refused(problems: ConfigProblem[]): pulumi.RunError {
  return Object.assign(new pulumi.RunError(formatProblems(problems, `stack ${pulumi.getStack()}`)), { problems });
}

/**
 * The stacks of this stack's zone, from the project's stack files, refused whole when two would
 * manage one object. Without stack files (a config in code) the stack is alone in its zone.
 */
function zoneGroup(config: LaunchReadyConfig, stacksDir: string | undefined): ZoneGroup {
  const self = { stack: pulumi.getStack(), config };
  const resolved = resolveZoneGroup(self, stacksDir ? siblingStackFiles(stacksDir, self.stack) : []);
  if (!resolved.ok) throw refused(resolved.problems);
  const problems = [...zoneShareProblems(self.stack, resolved.group, today()), ...uncheckedAtUpdate(config, resolved.unchecked)];
  if (problems.length > 0) throw refused(problems);
  return resolved.group;
}

/**
 * A stack file beside this one that cannot be compared with it is reported by the plan, which
 * goes on without it, as does a preview. An update of a zone's owner stops: the file may be a
 * stack living in the zone, whose edge rules the owner's rulesets carry, and the update would
 * delete them.
 */
function uncheckedAtUpdate(config: LaunchReadyConfig, unchecked: readonly UncheckedSibling[]): ConfigProblem[] {
  if (pulumi.runtime.isDryRun() || config.zone.owner !== undefined) return [];
  return unchecked.map(({ path, why }) =>
    problem(
      ["zone"],
      `is this stack's to manage, but ${path} ${why}: it may be a stack living in this zone, whose edge rules this update would delete from the zone's rulesets; fix that file, then run pulumi up again`,
      `# fix ${path}`,
    ),
  );
}

export async function launchReadyProgram(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
  const parsed = parseStackConfig(decodedStackConfig());
  if (!parsed.ok) throw refused(parsed.problems);

  const { config } = parsed;
  const stacksDir = options.stacksDir ?? (process.env.LAUNCH_READY_STACKS_DIR || findProject(process.cwd())?.stacksDir);
  const group = zoneGroup(config, stacksDir);
  const site = new LaunchReadySite("site", { config, zoneMembers: config.zone.owner === undefined ? group.members : [] });
  const secrets = config.secrets.items.length > 0 ? declareSecrets(config) : undefined;
  if (config.monitoring.monitors.length > 0) declareMonitors(config, secrets);
  return {
    environment: config.environment,
    zone: config.zone.domain,
    canonicalUrl: site.canonicalUrl,
    hosts: site.hosts,
    /** Where each secret lives (names and paths, never values). */
    secrets: secrets?.paths ?? {},
    /** The DS record the registrar publishes for the zone (DNS-DNSSEC), once Cloudflare has signed it; the handover reads it. */
    ...(site.dnssec ? { dnssec: site.dnssec.ds } : {}),
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
  } else if (monitoring.provider === "checkly") {
    new ChecklyUptimeMonitors("uptime", shared);
  } else {
    new AwsUptimeMonitors("uptime", {
      ...shared,
      measureLatency: monitoring.measureLatency,
      latency: monitoring.latency,
      dashboardName: dashboardName(config.zone.domain, config.environment),
    });
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
