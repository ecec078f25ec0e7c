/**
 * Live verification of one stack: every probe it needs, run concurrently under a bound, each
 * with its own timeout, judged by the bar's live rules, with the stack's levels and waivers
 * applied as the plan applies them.
 */
import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import {
  FOREIGN_ORIGIN,
  handshakeFailure,
  judgeAdminAnswer,
  judgeCaa,
  judgeCachePrivate,
  judgeCacheStatic,
  judgeCanonicalRedirect,
  judgeCertificate,
  judgeCors,
  judgeDns,
  judgeDnssec,
  judgeHttpsOnly,
  judgeMonitorUrl,
  judgeRateLimit,
  judgeRequestId,
  judgeHstsPreload,
  judgeSecurityTxt,
  judgeSecurityHeaders,
  judgeTlsVersions,
  judgeWebhookReach,
  type LiveCheck,
  runDeadlinePassed,
  type TlsHandshake,
  type TlsVersion,
  unchecked,
} from "./live-checks";
import { AI_PROBE_PROMPTS, judgeAiFallback, judgeAiProbe, probeBody, SLOW_UPSTREAM_HEADER, SLOW_UPSTREAM_VALUE } from "./ai-probes";
import { judgeMail, judgeMailTransport } from "./live-mail";
import { MAX_MTA_STS_POLICY_BYTES, mtaStsPolicyUrl } from "../../domain/mail/mta-sts";
import { MAX_SECURITY_TXT_BYTES, SECURITY_TXT_PATH } from "../../domain/security-txt";
import { ROUTE53_SEARCH_BYTES } from "../../domain/aws";
import { caaNameFor } from "../../domain/caa";
import { BAR_IDS } from "../../domain/bar/catalog";
import { weighFailure } from "../../domain/bar/weighing";
import { APP_PURPOSES } from "../../stacks/schema/site";
import { webhookEndpoints, type LaunchReadyConfig } from "../../stacks/stack-config";
import { dnssecOn, follow, get, handshake, mailView, resolveOn, servedCaaSet, type ProbeOptions, type ResolverSpec } from "./probes";

export interface VerifyOptions extends ProbeOptions {
  resolvers: ResolverSpec[];
  concurrency: number;
  /**
   * The whole run's deadline: each request has its own (`timeoutMs`), but a probe makes several
   * and a run hundreds. At this one every probe still waiting or under way fails at once, with
   * the reason, so the run ends then with every check reported.
   */
  runDeadlineMs: number;
  /** Send each rate-limited endpoint a burst over its limit (EDGE-RATE-LIMIT); off unless asked, as it trips the limit for this IP. */
  burst?: boolean;
  /** Send AI endpoints the prompt-injection probes and a stalled-model request (AI-TIMEOUT); off unless asked, as each costs model tokens. */
  aiProbes?: boolean;
  /** The canary planted in the AI's hidden context; never printed. */
  canary?: string;
  /** Called after each probe finishes, for a progress line. */
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

/** A path and query on the alternate host: the redirect must keep both. */
export const CANONICAL_PROBE_PATH = "/launch-ready-verify?check=canonical";

const TLS_VERSIONS: TlsVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** Most requests one rate-limit burst may send, and how many at once. */
export const MAX_BURST = 200;
const BURST_CONCURRENCY = 5;

/** A request that failed to answer is a failure of the item it was for, which could not be judged. */
const unanswered = (id: LiveCheck["id"], url: string, error: string): LiveCheck[] => [unchecked(id, url, `${url} did not answer: ${error}`)];

function probesFor(config: LaunchReadyConfig, options: VerifyOptions): Array<() => Promise<LiveCheck[]>> {
  const now = options.now ?? new Date();
  const probes: Array<() => Promise<LiveCheck[]>> = [];
  // One handshake per host, for TLS-STRICT and for the checks that need that host's connection first.
  const handshakes = new Map<string, Promise<TlsHandshake>>();
  const tlsWith = (fqdn: string) => handshakes.get(fqdn) ?? handshakes.set(fqdn, handshake(options, fqdn)).get(fqdn)!;
  const hosts = config.hosts.filter((host) => !host.fqdn.startsWith("*."));
  for (const host of hosts) {
    probes.push(async () =>
      judgeDns(host, await Promise.all(options.resolvers.map((resolver) => resolveOn(resolver, host.fqdn, options.timeoutMs, options.signal)))),
    );
    if (host.purpose === "mail") continue;
    probes.push(async () => [judgeCertificate(host.fqdn, await tlsWith(host.fqdn), now)]);
    // Whoever issued the certificate the host presents must be allowed to renew it (TLS-CAA).
    probes.push(async () => {
      const tls = await tlsWith(host.fqdn);
      const wildcard = !(tls.dnsNames ?? []).some((name) => name.toLowerCase() === host.fqdn);
      const caa = await servedCaaSet(options.resolvers[0], caaNameFor(host.fqdn, wildcard), options.timeoutMs, options.signal);
      return [judgeCaa(host.fqdn, tls, caa)];
    });
    if (!host.proxied) {
      // The zone's TLS settings act only where Cloudflare answers; a DNS-only host's origin answers for itself.
      const because = "the host is DNS-only: its origin, not the zone's settings, answers http:// and the TLS handshake";
      probes.push(async () => (["TLS-VERSION", "TLS-HTTPS-ONLY"] as const).map((id) => ({ id, target: host.fqdn, status: "skip" as const, detail: because })));
      continue;
    }
    // Cloudflare terminates TLS and answers http:// for proxied hosts: the zone's settings are on show here.
    probes.push(async () => {
      const byVersion = Object.fromEntries(
        await Promise.all(TLS_VERSIONS.map(async (version) => [version, await handshake(options, host.fqdn, version)] as const)),
      );
      return [judgeTlsVersions(host.fqdn, byVersion as Record<TlsVersion, TlsHandshake>)];
    });
    probes.push(async () => [judgeHttpsOnly(host.fqdn, await get(options, `http://${host.fqdn}/`))]);
  }
  // A stack whose domain is its one host (in another stack's zone) has nothing redirecting to it.
  const alternate = config.canonical.alternateFqdn;
  const declaredHosts = new Set(config.hosts.map((host) => host.fqdn.toLowerCase()));
  const isDeclared = (host: string) => declaredHosts.has(host.toLowerCase());
  for (const scheme of alternate ? ["https", "http"] : []) {
    const start = `${scheme}://${alternate}${CANONICAL_PROBE_PATH}`;
    probes.push(async () => {
      const { hops, failed } = await follow(options, start, isDeclared);
      return [judgeCanonicalRedirect(start, hops, config.canonical.fqdn, failed)];
    });
  }
  probes.push(async () => {
    const host = config.canonical.fqdn;
    const url = `https://${host}/`;
    const relax = config.environment !== "production";
    // A browser that cannot complete the handshake never sees the headers, and ignores HSTS sent over a faulty connection (RFC 6797 8.1).
    const failure = handshakeFailure(host, await tlsWith(host));
    if (failure) return judgeSecurityHeaders(url, { because: `the TLS handshake with ${host} failed: ${failure}` }, relax);
    const answer = await get(options, url);
    return judgeSecurityHeaders(url, "error" in answer ? { because: `${url} did not answer: ${answer.error}` } : answer, relax);
  });
  // The preload list reads the base domain, which a stack in another stack's zone does not own.
  if (config.tls.hsts.preload && config.zone.owner === undefined) {
    probes.push(async () => {
      const host = config.zone.domain;
      const url = `https://${host}/`;
      const failure = handshakeFailure(host, await tlsWith(host));
      if (failure) return [judgeHstsPreload(url, { because: `the TLS handshake with ${host} failed: ${failure}` })];
      const answer = await get(options, url);
      return [judgeHstsPreload(url, "error" in answer ? { because: `${url} did not answer: ${answer.error}` } : answer)];
    });
  }
  // An HTTPS check stands on its host's handshake: where browsers refuse it, the check says so
  // rather than judging an answer no browser would see (node still accepts a CN-only certificate).
  const refusedTls = async (host: string) => {
    const failure = handshakeFailure(host, await tlsWith(host));
    return failure && `the TLS handshake with ${host} failed: ${failure}`;
  };
  for (const admin of config.edge.admin) {
    const url = `https://${admin.host}${admin.path ?? "/"}`;
    probes.push(async () => {
      const refused = await refusedTls(admin.host);
      if (refused) return [unchecked("EDGE-ADMIN", url, refused)];
      const answer = await get(options, url);
      return "error" in answer ? unanswered("EDGE-ADMIN", url, answer.error) : [judgeAdminAnswer(url, answer)];
    });
  }
  for (const cors of config.edge.cors) {
    const url = `https://${cors.host}/`;
    probes.push(async () => {
      const refused = await refusedTls(cors.host);
      if (refused) return [unchecked("EDGE-CORS", url, refused)];
      const answer = await get(options, url, { headers: { origin: FOREIGN_ORIGIN } });
      return "error" in answer ? unanswered("EDGE-CORS", url, answer.error) : [judgeCors(url, answer.headers)];
    });
  }
  const asset = config.edge.cache.verifyAsset;
  const assetUrl = `https://${config.canonical.fqdn}${asset ?? ""}`;
  probes.push(async () => {
    if (!asset)
      return [
        {
          id: "EDGE-CACHE-STATIC",
          target: config.canonical.fqdn,
          status: "skip",
          detail: "no asset to fetch: set launch-ready:edge.cache.verifyAsset to a real static file, e.g. /assets/app.css",
        },
      ];
    const refused = await refusedTls(config.canonical.fqdn);
    if (refused) return [unchecked("EDGE-CACHE-STATIC", assetUrl, refused)];
    // The first request may fill the cache; the second shows what the edge does with it.
    const first = await get(options, assetUrl);
    if ("error" in first) return unanswered("EDGE-CACHE-STATIC", assetUrl, first.error);
    const second = await get(options, assetUrl);
    return "error" in second ? unanswered("EDGE-CACHE-STATIC", assetUrl, second.error) : [judgeCacheStatic(assetUrl, second.headers)];
  });
  const privatePrefix = config.edge.cache.privatePathPrefixes[0] ?? "/";
  for (const host of config.hosts.filter((h) => h.purpose === "api" && h.proxied)) {
    const url = `https://${host.fqdn}${privatePrefix}launch-ready-verify`;
    // Asked twice with credentials: a cache that kept the first answer serves the second.
    const authenticated = { headers: { authorization: "Bearer launch-ready-verify" } };
    probes.push(async () => {
      const refused = await refusedTls(host.fqdn);
      if (refused) return [unchecked("EDGE-CACHE-PRIVATE", url, refused)];
      const first = await get(options, url, authenticated);
      if ("error" in first) return unanswered("EDGE-CACHE-PRIVATE", url, first.error);
      const second = await get(options, url, authenticated);
      return "error" in second ? unanswered("EDGE-CACHE-PRIVATE", url, second.error) : [judgeCachePrivate(url, second.headers)];
    });
  }
  // A URL the stack points at another host is not requested: verify sends traffic only to the hosts the stack declares.
  const undeclaredHost = (url: string) => {
    const { hostname } = new URL(url);
    return isDeclared(hostname) ? undefined : `${hostname} is not a host this stack declares, and verify sends requests only to those`;
  };
  for (const monitor of config.monitoring.monitors) {
    const foreign = undeclaredHost(monitor.url);
    if (foreign) {
      probes.push(async () => [unchecked("MON-UPTIME", monitor.url, foreign)]);
      continue;
    }
    // The same answer shows the request ID a person would take to the logs, on the app's own hosts.
    const app = config.hosts.some((host) => host.fqdn === monitor.host && APP_PURPOSES.has(host.purpose));
    probes.push(async () => {
      const answer = await get(options, monitor.url, { bodyBytes: ROUTE53_SEARCH_BYTES });
      return [
        judgeMonitorUrl(monitor.url, answer, monitor.search),
        app
          ? judgeRequestId(monitor.url, answer, config.handover.logs?.requestIdHeader)
          : {
              id: "OPS-REQUEST-ID" as const,
              target: monitor.url,
              status: "skip" as const,
              detail: "another provider serves this host (a status or docs page): its request IDs are in that provider's logs",
            },
      ];
    });
  }
  for (const endpoint of config.edge.endpoints) {
    const url = `https://${endpoint.host}${endpoint.path}`;
    const burst = endpoint.requests + Math.max(2, Math.ceil(endpoint.requests / 10));
    if (!options.burst) {
      probes.push(async () => [
        {
          id: "EDGE-RATE-LIMIT",
          target: url,
          status: "skip",
          detail: `not sent: pass --burst to send ${burst} requests (it trips the limit for this IP for ${endpoint.timeout} s)`,
        },
      ]);
    } else if (burst > MAX_BURST) {
      probes.push(async () => [
        {
          id: "EDGE-RATE-LIMIT",
          target: url,
          status: "skip",
          detail: `a burst over ${endpoint.requests} requests needs ${burst}, over the cap of ${MAX_BURST}`,
        },
      ]);
    } else {
      probes.push(async () => {
        const burstLimit = pLimit(BURST_CONCURRENCY);
        const answers = await Promise.all(
          Array.from({ length: burst }, () => burstLimit(() => get(options, url, { method: "POST", headers: { "content-type": "application/json" } }))),
        );
        return [judgeRateLimit(url, answers, endpoint)];
      });
    }
  }
  // One request per webhook shaped like its delivery: the sender's User-Agent and method, no cookies.
  for (const webhook of webhookEndpoints(config.edge)) {
    const url = `https://${webhook.host}${webhook.path}`;
    const sender = webhook.sender?.name ?? "a webhook sender";
    probes.push(async () => {
      const refused = await refusedTls(webhook.host);
      if (refused) return [unchecked("EDGE-BOTS", url, refused)];
      const answer = await get(options, url, {
        method: webhook.sender?.method ?? "POST",
        body: "{}",
        headers: { "user-agent": webhook.sender?.userAgent ?? "launch-ready-verify", accept: "*/*", "content-type": "application/json" },
      });
      return [judgeWebhookReach(url, sender, answer)];
    });
  }
  for (const endpoint of config.performance.endpoints.filter((e) => e.kind === "ai")) {
    const skip = (detail: string) => probes.push(async () => [{ id: "AI-TIMEOUT", target: endpoint.name, status: "skip", detail }]);
    if (!options.aiProbes) {
      skip(`not sent: pass --ai-probes to send ${AI_PROBE_PROMPTS.length} prompt-injection probes and a stalled-model request (they cost model tokens)`);
      continue;
    }
    const foreign = undeclaredHost(endpoint.url);
    if (foreign) {
      probes.push(async () => [unchecked("AI-TIMEOUT", endpoint.name, foreign)]);
      continue;
    }
    if (!probeBody(endpoint, "")) {
      skip(`its body has no {{prompt}} placeholder to put the probes in (launch-ready:performance.endpoints[${endpoint.index}].body)`);
      continue;
    }
    const request = (prompt: string, headers: Record<string, string> = {}) =>
      get(options, endpoint.url, {
        method: endpoint.method,
        body: probeBody(endpoint, prompt),
        headers: { "content-type": "application/json", ...headers },
        bodyBytes: 65_536,
      });
    AI_PROBE_PROMPTS.forEach((prompt, index) =>
      probes.push(async () => {
        const answer = await request(prompt);
        return [
          judgeAiProbe(endpoint, index, "error" in answer ? answer : { status: answer.status, ttfbMs: answer.ttfbMs, body: answer.body ?? "" }, options.canary),
        ];
      }),
    );
    probes.push(async () => {
      const answer = await request("launch-ready slow upstream probe", { [SLOW_UPSTREAM_HEADER]: SLOW_UPSTREAM_VALUE });
      return [
        judgeAiFallback(
          endpoint,
          "error" in answer ? answer : { status: answer.status, ttfbMs: answer.ttfbMs, totalMs: answer.totalMs, body: answer.body ?? "" },
        ),
      ];
    });
  }
  // DNSSEC is the zone's, and a stack in another stack's zone does not own it; a zone declared
  // unsigned fails in the plan, where the fix is, and is not asked again here. The resolvers named
  // by address are asked, the public ones verify uses by default among them; the system's, often a
  // local stub that does not validate whatever the zone does, only when it is the one there is.
  if (config.zone.owner === undefined && config.zone.dnssec) {
    const named = options.resolvers.filter((resolver) => resolver.server !== undefined);
    const validating = named.length > 0 ? named : options.resolvers;
    probes.push(async () => [
      judgeDnssec(
        config.zone.domain,
        await Promise.all(validating.map((resolver) => dnssecOn(resolver, config.zone.domain, options.timeoutMs, options.signal))),
      ),
    ]);
  }
  // Mail records are read through the first resolver: the one the operator named first. A name
  // that does not answer fails the check that needed it, there.
  probes.push(() => judgeMail(config, now.toISOString().slice(0, 10), mailView(options.resolvers[0], options.timeoutMs, options.signal)));
  // security.txt on the canonical host, whatever the stack declares: the bar asks it of every stack.
  probes.push(async () => {
    const url = `https://${config.canonical.fqdn}${SECURITY_TXT_PATH}`;
    const answer = await get(options, url, { bodyBytes: MAX_SECURITY_TXT_BYTES });
    return [judgeSecurityTxt(url, "error" in answer ? { because: `${url} did not answer over valid HTTPS: ${answer.error}` } : answer, now)];
  });
  // Every domain that receives mail is asked, whether or not the stack declares MTA-STS yet. Its
  // policy host is the Worker's custom domain the mail config declares, fetched once, never redirected.
  const receiving = config.email.inboundMx.length > 0 ? config.zone.domain : undefined;
  if (receiving)
    probes.push(async () =>
      judgeMailTransport(
        receiving,
        mailView(options.resolvers[0], options.timeoutMs, options.signal),
        await get(options, mtaStsPolicyUrl(receiving), { bodyBytes: MAX_MTA_STS_POLICY_BYTES }),
      ),
    );
  return probes;
}

/** A failure weighs as the plan weighs it: advisory in development, and under an active waiver. */
function weighed(check: LiveCheck, config: LaunchReadyConfig, today: string): LiveCheck {
  if (check.status !== "fail") return check;
  // A live check is about what it checked (a host, a URL), as a waiver's target may name it.
  const weight = weighFailure(config, { id: check.id, message: check.detail, subjects: [check.target] }, today);
  if (weight.waived) return { ...check, status: "warn", detail: weight.message };
  if (weight.level === "advisory") return { ...check, status: "warn", detail: `${check.detail} (advisory in ${config.environment})` };
  return check;
}

export async function verifyStack(config: LaunchReadyConfig, options: VerifyOptions): Promise<LiveCheck[]> {
  const run = new AbortController();
  // Each request, handshake and DNS view under way listens to it: as many as the probes run at once.
  setMaxListeners(0, run.signal);
  const deadline = setTimeout(() => run.abort(runDeadlinePassed(options.runDeadlineMs)), options.runDeadlineMs);
  try {
    return await verifyUntil(config, { ...options, signal: run.signal });
  } finally {
    clearTimeout(deadline);
  }
}

async function verifyUntil(config: LaunchReadyConfig, options: VerifyOptions): Promise<LiveCheck[]> {
  const probes = probesFor(config, options);
  const limit = pLimit(options.concurrency);
  let done = 0;
  // Every probe settles (each step has its own timeout, and the run's deadline ends them all)
  // before anything is judged: a probe that throws fails the run only once the others are done,
  // so nothing is left running behind it.
  const settled = await Promise.allSettled(
    probes.map((probe) =>
      limit(async () => {
        try {
          return await probe();
        } finally {
          options.onProgress?.(++done, probes.length);
        }
      }),
    ),
  );
  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (rejected) throw rejected.reason;
  const results = settled.map((result) => (result as PromiseFulfilledResult<LiveCheck[]>).value);
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  return results
    .flat()
    .map((check) => weighed(check, config, today))
    .sort((a, b) => BAR_IDS.indexOf(a.id) - BAR_IDS.indexOf(b.id) || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
