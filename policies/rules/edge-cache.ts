import { PHASES } from "../../domain/cloudflare/identifiers";
import { PRIVATE_PURPOSES } from "../../stacks/schema/site";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import type { SampleRequest } from "../../domain/cloudflare/rules-language";
import { describeRequest, ruleMatches, rulesetsOfPhase, type DeclaredRule } from "../declared/rulesets";

type Outcome = { cached: boolean; by?: string; edgeTtl?: number } | { unknown: string };

/** Cache rules all apply in order; for each setting the last matching rule wins. */
export function cacheOutcome(rules: readonly DeclaredRule[], request: SampleRequest): Outcome {
  let outcome: { cached: boolean; by?: string; edgeTtl?: number } = { cached: false };
  for (const rule of rules) {
    const cache = rule.actionParameters?.cache;
    if (rule.action !== "set_cache_settings" || typeof cache !== "boolean") continue;
    const match = ruleMatches(rule, request);
    if ("unknown" in match) return { unknown: `${rule.ref ?? "a cache rule"}: ${match.unknown}` };
    if (match.matched) outcome = { cached: cache, by: rule.ref, edgeTtl: cache ? rule.actionParameters?.edgeTtl?.default : undefined };
  }
  return outcome;
}

/** Requests that must never come from the cache: API, auth and admin traffic, and anything signed in. */
export function privateSamples(config: LaunchReadyConfig): SampleRequest[] {
  const { cache } = config.edge;
  const samples: SampleRequest[] = [];
  for (const host of config.hosts.filter((h) => h.proxied)) {
    if (PRIVATE_PURPOSES.has(host.purpose)) {
      samples.push(
        { host: host.fqdn, path: "/" },
        { host: host.fqdn, path: "/v1/users/me" },
        { host: host.fqdn, path: "/static/report.json" },
        { host: host.fqdn, path: "/assets/export.js" },
      );
    }
    if (host.purpose === "web") {
      for (const prefix of cache.privatePathPrefixes) samples.push({ host: host.fqdn, path: `${prefix}session.js` });
      const asset = `${cache.staticPathPrefixes[0] ?? "/"}app.js`;
      samples.push({ host: host.fqdn, path: asset, headers: { authorization: ["Bearer token"] } });
      // HTTP/1.1 clients keep their header names' case, and http.request.headers.names keeps it too.
      samples.push({ host: host.fqdn, path: asset, version: "HTTP/1.1", headers: { Authorization: ["Bearer token"] } });
      for (const cookie of cache.sessionCookies) samples.push({ host: host.fqdn, path: asset, cookie: `theme=dark; ${cookie}=abc` });
    }
  }
  return samples;
}

/** EDGE-CACHE-STATIC: a static asset on the canonical host is cached at the edge with a TTL. */
export const edgeCacheStatic: BarRule = {
  id: "EDGE-CACHE-STATIC",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's hosts are unknown (no stack file found for it)")];
    const [declared] = rulesetsOfPhase(resources, PHASES.cache);
    if (!declared)
      return [
        fail(
          "no cache rules are declared, so static assets are fetched from the origin every time; the kit's EdgeCache component declares them from launch-ready:edge.cache",
          { configPath: "launch-ready:edge.cache" },
        ),
      ];
    const path = `${config.edge.cache.staticPathPrefixes[0] ?? "/"}app.js`;
    const sample = { host: config.canonical.fqdn, path };
    const outcome = cacheOutcome(declared.rules, sample);
    if ("unknown" in outcome) return [notApplicable(outcome.unknown, declared.ruleset.urn)];
    if (!outcome.cached || !outcome.edgeTtl) {
      return [
        fail(`${describeRequest(sample)} is not cached at the edge with a TTL; list its extension or path in launch-ready:edge.cache`, {
          urn: declared.ruleset.urn,
          configPath: "launch-ready:edge.cache",
        }),
      ];
    }
    return [pass(declared.ruleset.urn)];
  },
};

/**
 * EDGE-CACHE-PRIVATE: no request to an API, auth or admin path, and no signed-in request, ends
 * up cache-eligible. Judged by running sample requests through the declared cache rules.
 */
export const edgeCachePrivate: BarRule = {
  id: "EDGE-CACHE-PRIVATE",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's hosts are unknown (no stack file found for it)")];
    const verdicts: Verdict[] = [];
    for (const { ruleset, rules } of rulesetsOfPhase(resources, PHASES.cache)) {
      for (const sample of privateSamples(config)) {
        const outcome = cacheOutcome(rules, sample);
        if ("unknown" in outcome) {
          verdicts.push(
            fail(
              `cannot prove cache rules keep private traffic out of the cache: ${outcome.unknown}; declare cache rules through launch-ready:edge.cache, or waive EDGE-CACHE-PRIVATE`,
              { urn: ruleset.urn, configPath: "launch-ready:edge.cache" },
            ),
          );
          break;
        }
        if (outcome.cached) {
          verdicts.push(
            fail(
              `${describeRequest(sample)} would be cached (rule ${outcome.by}), serving one user's data to another; ${sample.version === "HTTP/1.1" ? 'header names keep the client\'s case there: test http.request.headers["authorization"] or lower(http.request.headers.names[*])[*]' : "narrow that rule or add the path to launch-ready:edge.cache.privatePathPrefixes"}`,
              { urn: ruleset.urn, configPath: "launch-ready:edge.cache" },
            ),
          );
        }
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
