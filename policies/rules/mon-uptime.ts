import type { MonitorKind } from "../../stacks/schema/operations";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { declaredChecks } from "../declared/monitors";

/**
 * MON-UPTIME: what customers touch is watched: the canonical homepage, login (where the stack
 * declares a login endpoint), each API host's health and each webhook host, each by a check that
 * exists among the stack's resources.
 */
export const monUptime: BarRule = {
  id: "MON-UPTIME",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's config is unknown (no stack file found for it)")];
    const { monitoring } = config;
    if (!monitoring.enabled) {
      return [
        fail("launch-ready:monitoring.enabled is false: nothing watches the homepage, login, API or webhooks, so customers find outages first", {
          configPath: "launch-ready:monitoring.enabled",
        }),
      ];
    }
    const checks = declaredChecks(resources);
    const verdicts: Verdict[] = [];
    const requireMonitor = (kind: MonitorKind, what: string, host?: string) => {
      const monitors = monitoring.monitors.filter((m) => m.kind === kind && (host === undefined || m.host === host));
      if (monitors.length === 0) {
        const why = monitoring.skipped.includes(kind) ? `monitoring.skip leaves ${kind} out` : `no ${kind} check${host ? ` on ${host}` : ""}`;
        return void verdicts.push(fail(`${what} is not monitored: ${why}; add a check of kind ${kind}`, { configPath: "launch-ready:monitoring.checks" }));
      }
      for (const monitor of monitors) {
        const check = checks.find((c) => c.host === monitor.host && c.path === monitor.path);
        verdicts.push(
          check
            ? pass(check.resource.urn)
            : fail(`${monitor.url} (${kind}) has no health check among the stack's resources; declare monitors through the kit (index.ts)`, {
                configPath: "launch-ready:monitoring",
              }),
        );
      }
    };
    requireMonitor("homepage", `the homepage ${config.canonical.fqdn}`, config.canonical.fqdn);
    if (config.edge.endpoints.some((e) => e.kind === "login")) requireMonitor("login", "login");
    for (const host of config.hosts.filter((h) => h.purpose === "api")) requireMonitor("api-health", `the API ${host.fqdn}`, host.fqdn);
    for (const host of new Set(config.edge.endpoints.filter((e) => e.kind === "webhook").map((e) => e.host)))
      requireMonitor("webhook", `the webhooks on ${host}`, host);
    return verdicts;
  },
};
