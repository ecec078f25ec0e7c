/**
 * Hosting platforms in an imported zone: a host whose every target is one a platform documents
 * and that is its own (its CNAME shape, or one of its fixed addresses; an app's own addresses say
 * nothing of whose they are) takes that platform's preset, unless the preset would change how the
 * host is served today. Then it keeps no platform, and the report says why.
 */
import { HOSTING_PLATFORM_FACTS, HOSTING_PLATFORMS, type HostingPlatform, type TargetShapes } from "../../domain/hosting/platforms";
import { classifyTarget, type RecordTarget } from "../../domain/hostnames";
import type { Draft, HostDraft } from "./draft";

function isTheirs(shapes: TargetShapes, target: RecordTarget): boolean {
  if (target.type === "CNAME") return shapes.cname?.pattern.test(target.content) ?? false;
  return target.type === "A" && Array.isArray(shapes.a) && shapes.a.includes(target.content);
}

/** The platform the host is served by, as the zone shows it; `proxied` is how it is served today, `redirectsAtEdge` whether Cloudflare answers it with the canonical redirect. */
export function recognisePlatform(draft: Draft, host: HostDraft, proxied: boolean, redirectsAtEdge: boolean): HostingPlatform | undefined {
  const [record] = host.records;
  if (!record) return undefined;
  const apex = host.fqdn === draft.zone;
  const targets = host.targets.map((target) => classifyTarget(target)).flatMap((target) => (target.ok ? [target.value] : []));
  if (targets.length === 0 || targets.length !== host.targets.length) return undefined;
  const platform = HOSTING_PLATFORMS.find((candidate) => {
    const facts = HOSTING_PLATFORM_FACTS[candidate];
    return targets.every((target) => isTheirs(apex ? facts.apex : facts.subdomain, target));
  });
  if (!platform) return undefined;
  const facts = HOSTING_PLATFORM_FACTS[platform];
  const mismatch = redirectsAtEdge
    ? undefined
    : proxied && facts.proxy.refused
      ? `it is proxied, and ${facts.proxy.refused}`
      : proxied && facts.proxy.sslMode
        ? `it is proxied, and ${facts.proxy.sslMode.why}`
        : !proxied && apex && facts.proxy.apexRequired
          ? `it is DNS-only, and ${facts.proxy.apexRequired}`
          : undefined;
  if (mismatch) {
    draft.result.notes.push({
      record,
      note: `points at ${facts.title}, but is imported without platform: ${platform}, whose preset would change how it is served: ${mismatch}`,
    });
    return undefined;
  }
  draft.result.notes.push({
    record,
    note: `points at ${facts.title} (${host.targets.join(", ")}), so it takes platform: ${platform}: the targets, proxy default and certificate path ${facts.title} documents`,
  });
  return platform;
}
