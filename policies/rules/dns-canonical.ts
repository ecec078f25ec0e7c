import { PHASES } from "../../domain/cloudflare/identifiers";
import { quote, urlWithRequestPath } from "../../domain/cloudflare/rule-expressions";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource } from "../bar";
import { DNS_RECORD, RULESET } from "../../domain/resource-types";

interface RedirectRule {
  action?: string;
  expression?: string;
  actionParameters?: { fromValue?: { statusCode?: number; preserveQueryString?: boolean; targetUrl?: { expression?: string; value?: string } } };
}

/** True when the rule's expression names the host, alone (`eq`) or in a set (`in {...}`). */
function matchesHost(expression: string, host: string): boolean {
  const literal = quote(host);
  return (
    expression.includes(`http.host eq ${literal}`) ||
    new RegExp(`http\\.host in \\{[^}]*${literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^}]*\\}`).test(expression)
  );
}

/**
 * DNS-CANONICAL: the non-canonical member of the apex/www pair reaches the canonical host in one
 * hop: a proxied record (so Cloudflare answers it) and a redirect rule sending it to
 * https://<canonical><path> with a 301 or 308, query kept.
 */
export const dnsCanonical: BarRule = {
  id: "DNS-CANONICAL",
  checkStack(resources, context) {
    const canonical = context.config?.canonical;
    if (!canonical) return [notApplicable("the stack's canonical host is unknown (no stack file found for it)")];
    const alternate = canonical.alternateFqdn;
    if (alternate === undefined) {
      return [
        notApplicable(
          `${canonical.fqdn} is this stack's one host (it lives in stack ${context.config?.zone.owner}'s zone and declares no apex/www pair), so nothing redirects to it`,
        ),
      ];
    }
    const records = resources.filter((r) => r.type === DNS_RECORD && r.props.name === alternate && ["A", "AAAA", "CNAME"].includes(String(r.props.type)));
    if (records.length === 0) {
      return [
        fail(`${alternate} has no DNS record, so it cannot redirect to ${canonical.fqdn}; declare it in launch-ready:hosts (purpose web)`, {
          configPath: "launch-ready:hosts",
        }),
      ];
    }
    if (records.some((r) => r.props.proxied === false)) {
      return [
        fail(`${alternate} is DNS-only, so Cloudflare never sees its requests to redirect them; remove proxied: false from it`, {
          urn: records[0].urn,
          configPath: "launch-ready:hosts",
        }),
      ];
    }
    const rules = resources
      .filter((r): r is DeclaredResource => r.type === RULESET && r.props.phase === PHASES.redirect)
      .flatMap((ruleset) => ((ruleset.props.rules as RedirectRule[] | undefined) ?? []).map((rule) => ({ rule, urn: ruleset.urn })));
    const target = urlWithRequestPath(`https://${canonical.fqdn}`);
    const found = rules.find(({ rule }) => rule.action === "redirect" && rule.expression !== undefined && matchesHost(rule.expression, alternate));
    if (!found) {
      return [
        fail(`no redirect rule sends ${alternate} to ${canonical.fqdn}; the kit's CanonicalRedirect component creates it from launch-ready:canonical`, {
          configPath: "launch-ready:canonical",
        }),
      ];
    }
    const from = found.rule.actionParameters?.fromValue;
    if (from?.targetUrl?.expression !== target) {
      return [
        fail(`the redirect for ${alternate} goes to ${from?.targetUrl?.expression ?? from?.targetUrl?.value}, not ${target} (canonical host, path kept)`, {
          urn: found.urn,
          configPath: "launch-ready:canonical",
        }),
      ];
    }
    if (from.statusCode !== 301 && from.statusCode !== 308) {
      return [
        fail(`the redirect for ${alternate} answers ${from.statusCode}; a canonical redirect is permanent: write launch-ready:canonical.status: 301 (or 308)`, {
          urn: found.urn,
          configPath: "launch-ready:canonical.status",
        }),
      ];
    }
    if (from.preserveQueryString !== true) {
      return [fail(`the redirect for ${alternate} drops the query string, breaking campaign links`, { urn: found.urn, configPath: "launch-ready:canonical" })];
    }
    return [pass(found.urn)];
  },
};
