/** Reading declared uptime checks and their alarms, on AWS, Cloudflare or Checkly: shared by the MON-* rules. */
import { LATENCY_TAG, MONITOR_TAG } from "../../components/monitoring/uptime-monitors";
import { checklyIntervalSeconds } from "../../stacks/monitoring-config";
import type { DeclaredResource } from "../bar";
import { CHECKLY_CHECK, CLOUDFLARE_HEALTH_CHECK, METRIC_ALARM, ROUTE53_HEALTH_CHECK } from "../../domain/resource-types";

export interface DeclaredCheck {
  resource: DeclaredResource;
  provider: "aws" | "cloudflare" | "checkly";
  host?: string;
  path?: string;
  /** Seconds between checks and failures in a row; undefined while unknown. */
  intervalSeconds?: number;
  failureThreshold?: number;
  /** Checkly: seconds a retry of the last failing run adds (doubleCheck), 0 without one. */
  retrySeconds?: number;
  /** AWS: the alarm tagged with the same monitor id. */
  alarm?: DeclaredResource;
}

const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const tagOf = (resource: DeclaredResource, tag = MONITOR_TAG): unknown => (resource.props.tags as Record<string, unknown> | undefined)?.[tag];
/** The core endpoint a MON-LATENCY probe or alarm is for, from its tag; undefined for everything else. */
export const latencyEndpointOf = (resource: DeclaredResource): unknown => tagOf(resource, LATENCY_TAG);

/**
 * Every uptime check of the stack, with its alarm where it has one (MON-LATENCY's probes are not
 * uptime checks). Route 53's defaults apply where a field is left out.
 */
export function declaredChecks(resources: readonly DeclaredResource[]): DeclaredCheck[] {
  const alarms = resources.filter((r) => r.type === METRIC_ALARM);
  return resources.flatMap((resource): DeclaredCheck[] => {
    if (resource.type === ROUTE53_HEALTH_CHECK && latencyEndpointOf(resource) === undefined) {
      const tag = tagOf(resource);
      return [
        {
          resource,
          provider: "aws",
          host: typeof resource.props.fqdn === "string" ? resource.props.fqdn : undefined,
          path: typeof resource.props.resourcePath === "string" ? resource.props.resourcePath : undefined,
          // Route 53's defaults: every 30 seconds, 3 failures.
          intervalSeconds: resource.props.requestInterval === undefined ? 30 : number(resource.props.requestInterval),
          failureThreshold: resource.props.failureThreshold === undefined ? 3 : number(resource.props.failureThreshold),
          alarm: tag === undefined ? undefined : alarms.find((alarm) => tagOf(alarm) === tag),
        },
      ];
    }
    if (resource.type === CLOUDFLARE_HEALTH_CHECK) {
      const http = resource.props.httpConfig as Record<string, unknown> | undefined;
      return [
        {
          resource,
          provider: "cloudflare",
          host: typeof resource.props.address === "string" ? resource.props.address : undefined,
          path: typeof http?.path === "string" ? http.path : undefined,
          // Cloudflare's defaults: every 60 seconds, 1 failure.
          intervalSeconds: resource.props.interval === undefined ? 60 : number(resource.props.interval),
          failureThreshold: resource.props.consecutiveFails === undefined ? 1 : number(resource.props.consecutiveFails),
        },
      ];
    }
    if (resource.type === CHECKLY_CHECK) return [checklyCheck(resource)];
    return [];
  });
}

/** Checkly's d.ts documents 30 s as a check's maxResponseTime when none is given. */
const CHECKLY_DEFAULT_MAX_RESPONSE_MS = 30_000;

interface ChecklyAlertSettings {
  escalationType?: string;
  runBasedEscalations?: Array<{ failedRunThreshold?: unknown }>;
  timeBasedEscalations?: Array<{ minutesFailingThreshold?: unknown }>;
}

/**
 * A Checkly API check: every `frequency` minutes (or `frequencyOffset` seconds when frequency is
 * 0), alerting after `failedRunThreshold` failed runs in a row. Where alertSettings leave a field
 * out, Checkly's API defaults apply (its OpenAPI schema: RUN_BASED after 1 failed run; TIME_BASED
 * after 5 minutes). A time-based threshold counts as the runs that fill its minutes. The
 * account's alert settings (useGlobalAlertSettings) are not declared; MON-DETECT-5MIN refuses them.
 */
function checklyCheck(resource: DeclaredResource): DeclaredCheck {
  const request = resource.props.request as { url?: unknown } | undefined;
  let url: URL | undefined;
  try {
    url = typeof request?.url === "string" ? new URL(request.url) : undefined;
  } catch {
    url = undefined;
  }
  const frequency = number(resource.props.frequency);
  const intervalSeconds = frequency === undefined ? undefined : checklyIntervalSeconds(frequency, number(resource.props.frequencyOffset));
  const settings = (resource.props.alertSettings ?? {}) as ChecklyAlertSettings;
  let failureThreshold: number | undefined;
  if (settings.escalationType === "TIME_BASED") {
    const minutes = settings.timeBasedEscalations?.[0]?.minutesFailingThreshold ?? 5;
    failureThreshold = typeof minutes === "number" && intervalSeconds ? Math.ceil((minutes * 60) / intervalSeconds) : undefined;
  } else {
    failureThreshold = number(settings.runBasedEscalations?.[0]?.failedRunThreshold ?? 1);
  }
  const doubleCheck = resource.props.doubleCheck;
  const maxResponseMs = resource.props.maxResponseTime === undefined ? CHECKLY_DEFAULT_MAX_RESPONSE_MS : number(resource.props.maxResponseTime);
  return {
    resource,
    provider: "checkly",
    host: url?.hostname,
    path: url ? `${url.pathname}${url.search}` : undefined,
    intervalSeconds,
    failureThreshold,
    retrySeconds: doubleCheck === true ? (maxResponseMs === undefined ? undefined : maxResponseMs / 1000) : 0,
  };
}
