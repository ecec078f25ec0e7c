/** Reading declared uptime checks and their alarms, on AWS or Cloudflare: shared by the MON-* rules. */
import { MONITOR_TAG } from "../../components/monitoring/uptime-monitors";
import type { DeclaredResource } from "../bar";
import { CLOUDFLARE_HEALTH_CHECK, METRIC_ALARM, ROUTE53_HEALTH_CHECK } from "../../domain/resource-types";

export interface DeclaredCheck {
  resource: DeclaredResource;
  provider: "aws" | "cloudflare";
  host?: string;
  path?: string;
  /** Seconds between checks and failures in a row; undefined while unknown. */
  intervalSeconds?: number;
  failureThreshold?: number;
  /** AWS: the alarm tagged with the same monitor id. */
  alarm?: DeclaredResource;
}

const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const tagOf = (resource: DeclaredResource): unknown => (resource.props.tags as Record<string, unknown> | undefined)?.[MONITOR_TAG];

/** Every health check of the stack, with its alarm where it has one. Route 53's defaults apply where a field is left out. */
export function declaredChecks(resources: readonly DeclaredResource[]): DeclaredCheck[] {
  const alarms = resources.filter((r) => r.type === METRIC_ALARM);
  return resources.flatMap((resource): DeclaredCheck[] => {
    if (resource.type === ROUTE53_HEALTH_CHECK) {
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
    return [];
  });
}
