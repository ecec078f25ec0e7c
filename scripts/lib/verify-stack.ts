/**
 * Live verification of one stack: every probe it needs, run concurrently under a bound, each
 * with its own timeout, judged by the bar's live rules, with the stack's levels and waivers
 * applied as the plan applies them.
 */
import pLimit from "p-limit";
import { activeWaiver, levelFor, waivedMessage } from "../../policies/bar";
import { judgeCanonicalRedirect, judgeCertificate, judgeDns, judgeHttpsOnly, judgeSecurityHeaders, judgeTlsVersions, type LiveCheck, type TlsVersion } from "../../policies/live/live-checks";
import { BAR_IDS } from "../../stacks/minimum-bar";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { follow, get, handshake, resolveOn, type ProbeOptions, type ResolverSpec } from "./probes";

export interface VerifyOptions extends ProbeOptions {
  resolvers: ResolverSpec[];
  concurrency: number;
  /** Called after each probe finishes, for a progress line. */
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

/** A path and query on the alternate host: the redirect must keep both. */
export const CANONICAL_PROBE_PATH = "/launch-ready-verify?check=canonical";

const TLS_VERSIONS: TlsVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

function probesFor(config: LaunchReadyConfig, options: VerifyOptions): Array<() => Promise<LiveCheck[]>> {
  const now = options.now ?? new Date();
  const probes: Array<() => Promise<LiveCheck[]>> = [];
  const hosts = config.hosts.filter((host) => !host.fqdn.startsWith("*."));
  for (const host of hosts) {
    probes.push(async () => judgeDns(host, await Promise.all(options.resolvers.map((resolver) => resolveOn(resolver, host.fqdn, options.timeoutMs)))));
    if (host.purpose === "mail") continue;
    probes.push(async () => [judgeCertificate(host.fqdn, await handshake(options, host.fqdn), now)]);
    if (!host.proxied) continue;
    // Cloudflare terminates TLS and answers http:// for proxied hosts: the zone's settings are on show here.
    probes.push(async () => {
      const accepted = Object.fromEntries(await Promise.all(TLS_VERSIONS.map(async (version) => [version, (await handshake(options, host.fqdn, version)).accepted] as const)));
      return [judgeTlsVersions(host.fqdn, accepted as Record<TlsVersion, boolean>)];
    });
    probes.push(async () => [judgeHttpsOnly(host.fqdn, await get(options, `http://${host.fqdn}/`))]);
  }
  for (const scheme of ["https", "http"]) {
    const start = `${scheme}://${config.canonical.alternateFqdn}${CANONICAL_PROBE_PATH}`;
    probes.push(async () => {
      const hops = await follow(options, start);
      if ("error" in hops) return [{ id: "DNS-CANONICAL", target: start, status: "fail", detail: `did not answer: ${hops.error}` }];
      return [judgeCanonicalRedirect(start, hops, config.canonical.fqdn)];
    });
  }
  probes.push(async () => {
    const url = `https://${config.canonical.fqdn}/`;
    const answer = await get(options, url);
    if ("error" in answer) return [{ id: "EDGE-HEADERS", target: url, status: "fail", detail: `did not answer: ${answer.error}` }];
    return judgeSecurityHeaders(url, answer.headers, config.environment !== "production");
  });
  return probes;
}

/** A failure weighs as the plan weighs it: advisory in development, and under an active waiver. */
function weighed(check: LiveCheck, config: LaunchReadyConfig, today: string): LiveCheck {
  if (check.status !== "fail") return check;
  const waiver = activeWaiver(config.waivers, check.id, today);
  if (waiver) return { ...check, status: "warn", detail: waivedMessage(waiver, check.detail) };
  if (levelFor(config.environment) === "advisory") return { ...check, status: "warn", detail: `${check.detail} (advisory in ${config.environment})` };
  return check;
}

export async function verifyStack(config: LaunchReadyConfig, options: VerifyOptions): Promise<LiveCheck[]> {
  const probes = probesFor(config, options);
  const limit = pLimit(options.concurrency);
  let done = 0;
  const results = await Promise.all(
    probes.map((probe) =>
      limit(async () => {
        const checks = await probe();
        options.onProgress?.(++done, probes.length);
        return checks;
      }),
    ),
  );
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  return results
    .flat()
    .map((check) => weighed(check, config, today))
    .sort((a, b) => BAR_IDS.indexOf(a.id) - BAR_IDS.indexOf(b.id) || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
