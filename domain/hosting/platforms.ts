/**
 * Hosting platforms in one table: the record targets each documents for a custom domain whose DNS
 * is on Cloudflare, whether it runs behind Cloudflare's proxy, the ownership TXT it asks for, and
 * how it gets its certificate. Each fact names where it was read; "observed" marks a value seen
 * only in users' dashboards (third-party notes), not in the platform's own pages, so a person knows
 * which facts to re-check first when a platform changes.
 *
 * Left out: Cloudflare Workers Custom Domains. Cloudflare creates their DNS record itself and
 * refuses a name that already has one ("You cannot create a Custom Domain on a hostname with an
 * existing CNAME DNS record", cloudflare-docs workers/configuration/routing/custom-domains.mdx @
 * 077e0a3f8bbf), so a record the kit declared would block the very setup it describes.
 */
import type { RecordTarget } from "../hostnames";

export const HOSTING_PLATFORMS = ["vercel", "netlify", "cloudflare-pages", "fly", "render", "railway"] as const;
export type HostingPlatform = (typeof HOSTING_PLATFORMS)[number];

/** The path HTTP-01 challenges are fetched from (RFC 8555 8.3). */
export const ACME_CHALLENGE_PATH = "/.well-known/acme-challenge/";

/** What one position (the apex, or a name below it) may point at. */
export interface TargetShapes {
  /** IPv4 addresses for A records: the platform's fixed ones, or "per-app" when each app has its own. Absent: no A records. */
  a?: readonly string[] | "per-app";
  /** AAAA records, always the app's own addresses where a platform has them. Absent: no AAAA records. */
  aaaa?: "per-app";
  /** The CNAME target (flattened by Cloudflare at the apex), as a pattern and as people read it. Absent: no CNAME. */
  cname?: { pattern: RegExp; shape: string };
}

export interface HostingPlatformFacts {
  title: string;
  /** The pages, repositories (at a commit) and Domain Connect templates these facts were read in. */
  sources: readonly string[];
  apex: TargetShapes;
  subdomain: TargetShapes;
  proxy: {
    /** The proxy default for a host on this platform; absent: the host's purpose decides (DNS-PROXIED). */
    default?: boolean;
    /** Why proxying it is refused, in the platform's words; absent when it may be proxied. */
    refused?: string;
    /** Why its apex must be proxied; absent when DNS-only is fine there. */
    apexRequired?: string;
    /** The SSL mode the platform needs when proxied, where strict (TLS-STRICT) does not work, and why. */
    sslMode?: { mode: "full"; why: string };
  };
  /** The ownership TXT record the platform's dashboard asks for, where it has one. */
  verification?: {
    /** The label in front of the name: of the zone's own domain (`zone`), or of the host itself (`host`). */
    label: string;
    under: "zone" | "host";
    pattern: RegExp;
    shape: string;
  };
  /** Certificates are issued over HTTP-01 through Cloudflare's proxy, so the edge must pass ACME_CHALLENGE_PATH through. */
  http01ThroughProxy: boolean;
}

const name = (suffix: string) => new RegExp(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.${suffix.replace(/\./g, "\\.")}$`);

export const HOSTING_PLATFORM_FACTS: Readonly<Record<HostingPlatform, HostingPlatformFacts>> = {
  vercel: {
    title: "Vercel",
    sources: [
      "https://vercel.com/docs/domains/set-up-custom-domain",
      "https://vercel.com/guides/can-i-use-a-proxy-on-top-of-my-vercel-deployment",
      "github.com/Domain-Connect/Templates vercel.com.website.json @ e002d91e626f9886e9d5d6b95b68cc3e26d6330f",
    ],
    // 76.76.21.21 is what Vercel's docs and CLI print; 216.198.79.1 and 64.29.17.x are what project
    // dashboards now rank first (observed). Vercel's template takes any address ("%ip%") since 2025.
    apex: {
      a: ["76.76.21.21", "216.198.79.1", "64.29.17.1", "64.29.17.65"],
      cname: { pattern: /^(?:[a-z0-9-]+\.)?vercel-dns(?:-\d+)?\.com$/, shape: "<hash>.vercel-dns-0NN.com" },
    },
    subdomain: {
      cname: { pattern: /^(?:[a-z0-9-]+\.)?vercel-dns(?:-\d+)?\.com$/, shape: "<hash>.vercel-dns-0NN.com, cname.vercel-dns-0.com or cname.vercel-dns.com" },
    },
    proxy: {
      default: false,
      refused: 'Vercel documents a proxy in front of it as "not recommended and may cause unexpected downtime", and serves its own CDN and TLS',
    },
    // The template puts both the apex's and the subdomains' verification at `_vercel` of the domain.
    verification: { label: "_vercel", under: "zone", pattern: /^vc-domain-verify=\S+$/, shape: "vc-domain-verify=<domain>,<code>" },
    // Let's Encrypt over HTTP-01 (Vercel KB, from memory; Mintlify's proxy guide says the same).
    http01ThroughProxy: true,
  },
  netlify: {
    title: "Netlify",
    sources: [
      "https://answers.netlify.com/t/support-guide-minimizing-impact-of-load-balancer-not-working/34888",
      "https://answers.netlify.com/t/support-guide-troubleshooting-ssl-certificate-errors/39865",
      "https://answers.netlify.com/t/support-guide-what-problems-could-occur-when-using-cloudflare-in-front-of-netlify/138",
    ],
    apex: { a: ["75.2.60.5"], cname: { pattern: /^apex-loadbalancer\.netlify\.com$/, shape: "apex-loadbalancer.netlify.com" } },
    subdomain: { cname: { pattern: name("netlify.app"), shape: "<site>.netlify.app" } },
    proxy: {
      default: false,
      refused:
        'Netlify says "proxying to our service is in general not supported" and cannot provision a certificate while Cloudflare\'s proxy answers for the name',
    },
    // Asked for only when the domain is in use on another Netlify team (observed name and shape).
    verification: { label: "netlify-challenge", under: "host", pattern: /^[0-9a-f]+$/, shape: "<hex token>" },
    // Let's Encrypt once DNS points at Netlify; HTTP-01 from memory, and never reached while proxied.
    http01ThroughProxy: false,
  },
  "cloudflare-pages": {
    title: "Cloudflare Pages",
    sources: ["github.com/cloudflare/cloudflare-docs src/content/docs/pages/configuration/custom-domains.mdx @ 0223c105fb61df5dcd932e182add6afd8cb97059"],
    apex: { cname: { pattern: name("pages.dev"), shape: "<project>.pages.dev" } },
    subdomain: { cname: { pattern: name("pages.dev"), shape: "<project>.pages.dev" } },
    proxy: {
      default: true,
      apexRequired:
        "Pages serves an apex only from a zone on Cloudflare, through Cloudflare's own (proxied) CNAME; add the domain in the Pages dashboard first, or it answers 522",
    },
    // Cloudflare issues the edge certificate itself: nothing reaches an origin to answer a challenge.
    http01ThroughProxy: false,
  },
  fly: {
    title: "Fly.io",
    sources: [
      "github.com/superfly/docs networking/custom-domain.html.markerb @ 5c22c8cece71e1cf83fab3189c9f7301573f4d6e",
      "github.com/superfly/docs networking/understanding-cloudflare.html.md @ 5c22c8cece71e1cf83fab3189c9f7301573f4d6e",
    ],
    // Fly recommends A/AAAA (the app's own, `fly ips list`) at the apex; each app also has a CNAME target.
    apex: { a: "per-app", aaaa: "per-app", cname: { pattern: /^(?:[a-z0-9-]+\.)+fly\.dev$/, shape: "<app>.fly.dev" } },
    subdomain: { a: "per-app", aaaa: "per-app", cname: { pattern: /^(?:[a-z0-9-]+\.)+fly\.dev$/, shape: "<app>.fly.dev" } },
    // Both work: DNS-only is "the simplest", proxied needs Full (strict), which is the bar's mode.
    proxy: {},
    verification: {
      label: "_fly-ownership",
      under: "host",
      pattern: /^(?:app|org)-[A-Za-z0-9]+(?:;(?:app|org)-[A-Za-z0-9]+)*$/,
      shape: "app-<id> or org-<id>",
    },
    // "Once ownership is verified, Fly.io can issue certificates using the HTTP-01 challenge through Cloudflare's proxy."
    http01ThroughProxy: true,
  },
  render: {
    title: "Render",
    sources: [
      "https://docs.render.com/custom-domains",
      "github.com/Domain-Connect/Templates render.com.custom-domain-apex-a.json, render.com.custom-domain-subdomain.json @ 4281ae783cfc",
    ],
    // "Remove any AAAA records from your domain while configuring DNS": Render answers on IPv4 only.
    apex: { a: ["216.24.57.1"], cname: { pattern: name("onrender.com"), shape: "<service>.onrender.com" } },
    subdomain: { cname: { pattern: name("onrender.com"), shape: "<service>.onrender.com" } },
    // Render documents no objection to the proxy (its Cloudflare page was not readable), so the purpose decides.
    proxy: {},
    // How Render validates a non-wildcard domain is not documented; passing the path through costs nothing.
    http01ThroughProxy: true,
  },
  railway: {
    title: "Railway",
    sources: [
      "github.com/railwayapp/docs content/docs/networking/domains/working-with-domains.md @ c2a634f1b3891ac2947c2e875006d986748860a5",
      "github.com/railwayapp/docs content/docs/networking/troubleshooting/ssl.md @ c2a634f1b3891ac2947c2e875006d986748860a5",
      "github.com/railwayapp/docs content/docs/integrations/api/manage-domains.md @ c2a634f1b3891ac2947c2e875006d986748860a5",
      "github.com/railwayapp/cli src/commands/domain.rs @ df3838bf117c",
    ],
    // "Railway does not publish a static IP, so A records are not supported."
    apex: { cname: { pattern: name("up.railway.app"), shape: "<id>.up.railway.app" } },
    subdomain: { cname: { pattern: name("up.railway.app"), shape: "<id>.up.railway.app" } },
    // Railway's walkthrough proxies, but only with SSL mode Full, which TLS-STRICT refuses; DNS-only needs neither.
    proxy: {
      default: false,
      sslMode: {
        mode: "full",
        why: 'Railway documents SSL mode Full, "Full (Strict) will not work as intended": while it provisions or renews a certificate it serves its default *.up.railway.app one, which strict rejects',
      },
    },
    // The name comes from Railway's API (verificationDnsHost); `_railway-verify.<host>` is observed.
    verification: { label: "_railway-verify", under: "host", pattern: /^railway-verify=[A-Za-z0-9]+$/, shape: "railway-verify=<token>" },
    // The "toggle trick" (grey-cloud until issued) exists because its Let's Encrypt challenge must reach the origin.
    http01ThroughProxy: true,
  },
};

/** One record target, or the first that the platform does not document at that position. */
export function platformTargetProblem(platform: HostingPlatform, apex: boolean, records: readonly RecordTarget[]): string | undefined {
  const facts = HOSTING_PLATFORM_FACTS[platform];
  const shapes = apex ? facts.apex : facts.subdomain;
  for (const record of records) {
    const fits =
      record.type === "CNAME"
        ? shapes.cname?.pattern.test(record.content)
        : record.type === "A"
          ? shapes.a === "per-app" || shapes.a?.includes(record.content)
          : shapes.aaaa === "per-app";
    if (!fits)
      return `${record.content} is not a ${record.type} target ${facts.title} documents for ${apex ? "an apex" : "a subdomain"}; it documents ${describeShapes(shapes)}`;
  }
  return undefined;
}

function describeShapes(shapes: TargetShapes): string {
  const kinds = [
    shapes.a === "per-app" ? "A records to the app's own IPv4 addresses" : shapes.a ? `A ${shapes.a.join(" or ")}` : undefined,
    shapes.aaaa ? "AAAA records to the app's own IPv6 addresses" : undefined,
    shapes.cname ? `a CNAME to ${shapes.cname.shape}` : undefined,
  ].filter((kind): kind is string => kind !== undefined);
  return kinds.join(", or ");
}

/** The fully qualified name of the platform's ownership TXT record for `fqdn` in `domain`. */
export function verificationRecordName(verification: NonNullable<HostingPlatformFacts["verification"]>, fqdn: string, domain: string): string {
  return `${verification.label}.${verification.under === "zone" ? domain : fqdn}`;
}
