/**
 * The stack's `launch-ready:monitoring` resolved against its hosts and endpoints: the default
 * uptime checks (homepage, login, API health, webhooks, status page), replaced kind by kind by
 * the checks the stack file lists, and refused here when the chosen provider cannot run them.
 */
import { problem, type ConfigProblem } from "./config-problems";
import { ZONE_PLAN_LIMITS, type ZonePlan } from "../domain/cloudflare/zone-plans";
import type { MonitorKind, MonitoringFields } from "./schema/operations";
import type { DeclaredEndpoint } from "./edge-config";
import type { SecretsConfig } from "./secrets-config";
import type { DeclaredHost } from "./declared-host";
import { shownValue } from "./shown-value";
import type { PerformanceConfig } from "./performance-config";

export interface DeclaredMonitor {
  /** Stable identity from what it watches (`api-health-api.example.com-health`); names its resources. */
  id: string;
  kind: MonitorKind;
  url: string;
  host: string;
  /** Path and query the check requests. */
  path: string;
  search?: string;
  /** A kit default, or a check the stack file lists. */
  source: "default" | "config";
}

/** What MON-LATENCY's alarms watch for one core endpoint of `launch-ready:performance`. */
export interface LatencyTarget {
  /** The endpoint's name; names the probe, its alarms and its dashboard line. */
  endpoint: string;
  /** The endpoint's index in `launch-ready:performance.endpoints`, for messages. */
  index: number;
  method: string;
  /** What the probe requests: the endpoint's URL, or the stand-in `monitoring.latency.probes` gives it. */
  url: string;
  host: string;
  /** Path and query the probe requests. */
  path: string;
  /** True when `url` is a stand-in from `monitoring.latency.probes`. */
  standIn: boolean;
  /** The latency alarm's threshold: the endpoint's p95 budget. */
  p95Ms: number;
}

export interface LatencyAlarmsConfig {
  errorRatePercent: number;
  errorWindowMinutes: number;
  targets: LatencyTarget[];
}

export interface MonitoringConfig {
  enabled: boolean;
  provider: MonitoringFields["provider"];
  emails: string[];
  /** Name of the provided secret holding a chat webhook URL. */
  chatWebhookSecret?: string;
  intervalSeconds: number;
  failureThreshold: number;
  regions?: string[];
  measureLatency: boolean;
  monitors: DeclaredMonitor[];
  /** Kinds `monitoring.skip` left out on purpose; MON-UPTIME reports them. */
  skipped: MonitorKind[];
  /** MON-LATENCY's alarms, one target per core endpoint; none when monitoring is off. */
  latency: LatencyAlarmsConfig;
}

/**
 * Route 53 health checks: a check every 10 or 30 seconds, from at least 3 of these regions
 * (Route 53 API reference, HealthCheckConfig: RequestInterval, Regions).
 */
export const ROUTE53_INTERVALS = [10, 30] as const;
export const ROUTE53_REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"] as const;
export const ROUTE53_MIN_REGIONS = 3;

/**
 * Checkly runs an API check every 1, 5, 10, 15, 30, 60, 720 or 1440 minutes, or every 10, 20 or
 * 30 seconds as a high-frequency check (frequency 0 with that `frequencyOffset`), as
 * @checkly/pulumi's CheckArgs documents them.
 */
export const CHECKLY_FREQUENCY_MINUTES = [1, 5, 10, 15, 30, 60, 720, 1440] as const;
export const CHECKLY_HIGH_FREQUENCY_SECONDS = [10, 20, 30] as const;
/** Every interval in seconds that is a Checkly frequency. */
export const CHECKLY_INTERVALS: readonly number[] = [...CHECKLY_HIGH_FREQUENCY_SECONDS, ...CHECKLY_FREQUENCY_MINUTES.map((minutes) => minutes * 60)];
/** Checkly's public locations (checklyhq.com/docs/monitoring/global-locations): AWS region codes it runs checks from. */
export const CHECKLY_LOCATIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "sa-east-1",
  "eu-west-1",
  "eu-central-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "eu-south-1",
  "me-south-1",
  "af-south-1",
  "ap-southeast-1",
  "ap-northeast-1",
  "ap-northeast-3",
  "ap-east-1",
  "ap-southeast-2",
  "ap-northeast-2",
  "ap-south-1",
  "ap-southeast-3",
] as const;
/** Checkly's run-based escalation alerts after 1 to 5 failed runs in a row (its API's failedRunThreshold). */
export const CHECKLY_MAX_FAILED_RUNS = 5;

/** A Checkly check's schedule for an interval in seconds; undefined when Checkly has no such frequency. */
export function checklySchedule(intervalSeconds: number): { frequency: number; frequencyOffset?: number } | undefined {
  if ((CHECKLY_HIGH_FREQUENCY_SECONDS as readonly number[]).includes(intervalSeconds)) return { frequency: 0, frequencyOffset: intervalSeconds };
  return CHECKLY_INTERVALS.includes(intervalSeconds) ? { frequency: intervalSeconds / 60 } : undefined;
}

/** Seconds between runs of a Checkly check with this schedule: the minutes, or the offset of a high-frequency (0) check. */
export function checklyIntervalSeconds(frequency: number, frequencyOffset: number | undefined): number | undefined {
  return frequency === 0 ? frequencyOffset : frequency * 60;
}

/** `https://api.example.com/health` → `api-health-api.example.com-health`. */
export function monitorId(kind: MonitorKind, host: string, path: string): string {
  const rest = path.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9.]+/g, "-");
  return rest ? `${kind}-${host}-${rest}` : `${kind}-${host}`;
}

function monitorAt(kind: MonitorKind, url: string, source: DeclaredMonitor["source"], search?: string): DeclaredMonitor {
  const parsed = new URL(url);
  const path = `${parsed.pathname}${parsed.search}`;
  return { id: monitorId(kind, parsed.hostname, path), kind, url: parsed.href, host: parsed.hostname, path, ...(search ? { search } : {}), source };
}

/** What the bar wants watched: the canonical homepage, login, each API host's health, each webhook, each status page. */
function defaultMonitors(
  fields: MonitoringFields,
  canonicalFqdn: string,
  hosts: readonly DeclaredHost[],
  endpoints: readonly DeclaredEndpoint[],
): DeclaredMonitor[] {
  return [
    monitorAt("homepage", `https://${canonicalFqdn}/`, "default"),
    ...endpoints.filter((e) => e.kind === "login").map((e) => monitorAt("login", `https://${e.host}${e.path}`, "default")),
    ...hosts.filter((h) => h.purpose === "api").map((h) => monitorAt("api-health", `https://${h.fqdn}${fields.apiHealthPath}`, "default")),
    ...endpoints.filter((e) => e.kind === "webhook").map((e) => monitorAt("webhook", `https://${e.host}${e.path}`, "default")),
    ...hosts.filter((h) => h.purpose === "status").map((h) => monitorAt("status", `https://${h.fqdn}/`, "default")),
  ];
}

export function resolveMonitoring(
  fields: MonitoringFields,
  context: {
    canonicalFqdn: string;
    hosts: readonly DeclaredHost[];
    endpoints: readonly DeclaredEndpoint[];
    plan: ZonePlan;
    secrets: SecretsConfig;
    performance: PerformanceConfig;
  },
  problems: ConfigProblem[],
): MonitoringConfig {
  const replaced = new Set(fields.checks.map((check) => check.kind));
  const monitors = [
    ...defaultMonitors(fields, context.canonicalFqdn, context.hosts, context.endpoints).filter((m) => !replaced.has(m.kind) && !fields.skip.includes(m.kind)),
    ...fields.checks.map((check) => monitorAt(check.kind, check.url, "config", check.search)),
  ];
  const seen = new Set<string>();
  fields.checks.forEach((check, index) => {
    const id = monitorAt(check.kind, check.url, "config").id;
    if (seen.has(id)) problems.push(problem(["monitoring", "checks", index], `checks ${check.url} as ${check.kind} a second time; list each check once`));
    seen.add(id);
    if (fields.skip.includes(check.kind))
      problems.push(problem(["monitoring", "checks", index, "kind"], `is ${check.kind}, which monitoring.skip leaves out; remove one of the two`));
  });

  const secret = fields.alerts.chatWebhookSecret;
  if (secret && !context.secrets.items.some((item) => item.name === secret && item.source === "provided")) {
    problems.push(
      problem(
        ["monitoring", "alerts", "chatWebhookSecret"],
        `names ${secret}, which is not a provided secret in launch-ready:secrets; declare it with provided: true and set its value (a webhook URL is a credential)`,
      ),
    );
  }

  if (fields.provider === "aws") {
    if (!(ROUTE53_INTERVALS as readonly number[]).includes(fields.intervalSeconds)) {
      problems.push(
        problem(["monitoring", "intervalSeconds"], `is ${fields.intervalSeconds}; Route 53 checks every ${ROUTE53_INTERVALS.join(" or ")} seconds`),
      );
    }
    if (fields.regions) {
      fields.regions.forEach((region, index) => {
        if (!(ROUTE53_REGIONS as readonly string[]).includes(region))
          problems.push(
            problem(["monitoring", "regions", index], `${shownValue(region)} is not a Route 53 health-check region; use ${ROUTE53_REGIONS.join(", ")}`),
          );
      });
      if (fields.regions.length < ROUTE53_MIN_REGIONS)
        problems.push(problem(["monitoring", "regions"], `lists ${fields.regions.length}; Route 53 checks from at least ${ROUTE53_MIN_REGIONS} regions`));
    }
  } else if (fields.provider === "checkly") {
    checklyProblems(fields, problems);
  } else if (fields.enabled) {
    const limits = ZONE_PLAN_LIMITS[context.plan].healthChecks;
    if (!limits) {
      problems.push(
        problem(
          ["monitoring", "provider"],
          `is cloudflare, but the ${context.plan} plan has no Health Checks; use provider: checkly (or aws), or move the zone to Pro or above`,
        ),
      );
    } else {
      if (fields.intervalSeconds < limits.minimumInterval) {
        problems.push(
          problem(
            ["monitoring", "intervalSeconds"],
            `is ${fields.intervalSeconds}; on the ${context.plan} plan Cloudflare checks at most every ${limits.minimumInterval} seconds`,
          ),
        );
      }
      if (monitors.length > limits.checks) {
        problems.push(
          problem(
            ["monitoring", "checks"],
            `needs ${monitors.length} health checks, but the ${context.plan} plan allows ${limits.checks}; skip or merge some, or use provider: checkly (or aws)`,
          ),
        );
      }
    }
  }

  return {
    enabled: fields.enabled,
    provider: fields.provider,
    emails: fields.alerts.emails,
    ...(secret ? { chatWebhookSecret: secret } : {}),
    intervalSeconds: fields.intervalSeconds,
    failureThreshold: fields.failureThreshold,
    ...(fields.regions ? { regions: fields.regions } : {}),
    measureLatency: fields.measureLatency,
    monitors: fields.enabled ? monitors : [],
    skipped: fields.skip,
    latency: resolveLatencyAlarms(fields, context.performance, problems),
  };
}

/** One target per core endpoint, at its p95 budget; a probe for a name no endpoint has is refused. */
function resolveLatencyAlarms(fields: MonitoringFields, performance: PerformanceConfig, problems: ConfigProblem[]): LatencyAlarmsConfig {
  const { probes, errorRatePercent, errorWindowMinutes } = fields.latency;
  const names = new Set(performance.endpoints.map((endpoint) => endpoint.name));
  for (const name of Object.keys(probes)) {
    if (!names.has(name))
      problems.push(
        problem(
          ["monitoring", "latency", "probes", name],
          `names no endpoint of launch-ready:performance.endpoints; use one of ${[...names].join(", ") || "(none declared)"}, or remove it`,
        ),
      );
  }
  const targets = performance.endpoints.map((endpoint): LatencyTarget => {
    const url = new URL(probes[endpoint.name] ?? endpoint.url);
    return {
      endpoint: endpoint.name,
      index: endpoint.index,
      method: endpoint.method,
      url: url.href,
      host: url.hostname,
      path: `${url.pathname}${url.search}`,
      standIn: probes[endpoint.name] !== undefined,
      p95Ms: endpoint.p95Ms,
    };
  });
  return { errorRatePercent, errorWindowMinutes, targets: fields.enabled ? targets : [] };
}

/** What Checkly cannot run: an interval that is no Checkly frequency, more failed runs than it escalates on, a location it has no runners in. */
function checklyProblems(fields: MonitoringFields, problems: ConfigProblem[]): void {
  if (!checklySchedule(fields.intervalSeconds)) {
    problems.push(
      problem(
        ["monitoring", "intervalSeconds"],
        `is ${fields.intervalSeconds}; Checkly checks every ${CHECKLY_INTERVALS.join(", ")} seconds (10, 20 and 30 are its high-frequency checks; 60 is what production needs)`,
      ),
    );
  }
  if (fields.failureThreshold > CHECKLY_MAX_FAILED_RUNS) {
    problems.push(
      problem(["monitoring", "failureThreshold"], `is ${fields.failureThreshold}; Checkly alerts after 1 to ${CHECKLY_MAX_FAILED_RUNS} failed runs in a row`),
    );
  }
  fields.regions?.forEach((location, index) => {
    if (!(CHECKLY_LOCATIONS as readonly string[]).includes(location))
      problems.push(problem(["monitoring", "regions", index], `${shownValue(location)} is not a Checkly location; use ${CHECKLY_LOCATIONS.join(", ")}`));
  });
}
