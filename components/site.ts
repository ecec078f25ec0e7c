import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { LaunchReadyConfig } from "../stacks/stack-config";
import { AdminAccess } from "./admin-access";
import { BotProtection } from "./bot-protection";
import { CanonicalRedirect } from "./canonical-redirect";
import { DnsRecords } from "./dns-records";
import { EdgeDocuments, type EdgeDocument } from "./edge-documents";
import { mtaStsPolicyOnDay } from "./mail-auth/mail-records";
import { MTA_STS_POLICY_PATH } from "../domain/mail/mta-sts";
import { expiresAt, SECURITY_TXT_PATH, securityTxtText } from "../domain/security-txt";
import { EdgeCertificates } from "./edge-certificates";
import { EdgeCache, EdgeFirewall, SecurityHeaders } from "./edge-protection";
import { PHASES } from "../domain/cloudflare/identifiers";
import { accessApplicationSpecs } from "./edge-rulesets";
import { canonicalUrl } from "./site-records";
import type { Transform } from "./transform";
import { SesSender } from "./ses-sender";
import { ZoneTls } from "./zone-tls";
import { ZoneDnssec } from "./zone-dnssec";
import { zoneRecordSpecs } from "./zone-records";
import { zoneWideSpecs } from "./zone-share";
import type { ZoneStack } from "../stacks/zone-group";

export interface LaunchReadySiteArgs {
  /**
   * The validated stack config the site is composed from: `siteConfig({...})` for one written in
   * code, `parseStackConfig(...)` for a stack file's. The whole config rather than each
   * component's args, so the records, redirects, edge rules and mail always agree with one
   * another and with what the bar judges.
   * @example siteConfig({ environment: "production", zone: {...}, canonical: { host: "www" }, hosts: [...] })
   */
  config: LaunchReadyConfig;
  /**
   * The stacks living in this stack's zone (their `zone.owner` names this stack), whose edge rules
   * and redirects this site puts into the zone's rulesets, scoped to their hosts. The standard
   * program reads them from the project's stack files (`resolveZoneGroup`).
   * @default []
   * @example [{ stack: "staging", config: parseStackConfig(readStackFile("stacks/Pulumi.staging.yaml").config).config }]
   */
  zoneMembers?: ZoneStack[];
  /**
   * Adjust what the site's components create, as fields to merge into a resource's args or a
   * function that edits them and its options.
   * @example { record: (args) => { args.tags = ["team:web"]; } }
   */
  transform?: {
    /** Each record of the zone's DnsRecords: hosts, mail and `records` (not SesSender's own). */
    record?: Transform<cloudflare.DnsRecordArgs>;
    /** The zone's redirect ruleset. */
    redirectRuleset?: Transform<cloudflare.RulesetArgs>;
    /** The cache, firewall, rate-limit, header and DDoS rulesets. */
    edgeRuleset?: Transform<cloudflare.RulesetArgs>;
    /** Each TLS zone setting. */
    zoneSetting?: Transform<cloudflare.ZoneSettingArgs>;
    /** The zone's DNSSEC resource. */
    dnssec?: Transform<cloudflare.ZoneDnssecArgs>;
    /** Each advanced certificate ordered for a stack living in the zone. */
    certificate?: Transform<cloudflare.CertificatePackArgs>;
    /** The zone's bot settings (`edge.bots`). */
    botManagement?: Transform<cloudflare.BotManagementArgs>;
    /** The Worker serving the stack's edge documents (the MTA-STS policy), its custom domains and routes. */
    documentsScript?: Transform<cloudflare.WorkersScriptArgs>;
    documentsRoute?: Transform<cloudflare.WorkersRouteArgs>;
    documentsDomain?: Transform<cloudflare.WorkersCustomDomainArgs>;
  };
}

/** One entry of the site's host map output. */
export interface HostSummary {
  purpose: string;
  proxied: boolean;
  records: Array<{ type: string; content: string }>;
}

/**
 * A product's public face on one Cloudflare zone, held to the minimum bar: its DNS records (mail
 * included), the canonical redirect, the zone's TLS settings, the edge's cache, firewall and
 * security headers, SES senders and Access applications where the config asks for them. A config
 * whose `zone.owner` names another stack lives in that stack's zone: the site then declares only
 * its records, SES senders and Access applications, and the owner's site carries its edge rules.
 * Production resources are protected. Secrets and monitors are separate components (`AppSecrets`,
 * `AwsUptimeMonitors`, `CloudflareUptimeMonitors`, `ChecklyUptimeMonitors`), which the standard
 * program adds beside it.
 * @example
 * ```ts
 * import { LaunchReadySite, siteConfig } from "launch-ready";
 *
 * const site = new LaunchReadySite("site", {
 *   config: siteConfig({
 *     environment: "production",
 *     zone: { domain: "example.com", zoneId: "023e105f4ecef8ad9ca31a8372d0c353", accountId: "372e67954025e0ba6aaa6d586b9e0b59", plan: "free" },
 *     canonical: { host: "www" },
 *     hosts: [
 *       { name: "@", target: "76.76.21.21", purpose: "web" },
 *       { name: "www", target: "cname.vercel-dns.com", purpose: "web" },
 *       { name: "api", target: "example-api.fly.dev", purpose: "api" },
 *     ],
 *     email: { dmarc: { policy: "reject", rua: ["dmarc-reports@example.com"] } },
 *   }),
 * });
 * export const canonicalUrl = site.canonicalUrl;
 * ```
 */
export class LaunchReadySite extends pulumi.ComponentResource {
  /**
   * Known from the config alone, so plain values rather than Outputs: wrapping a nested map in
   * an Output wraps every member too, which cost a plan run as much as three resources.
   * @example "https://www.example.com"
   */
  public readonly canonicalUrl: string;
  /**
   * Every declared host by fully qualified name. The program exports it once, as the stack output
   * `hosts`; registering it on the component too would serialize it twice (1.5 s at 5,000 hosts).
   */
  public readonly hosts: Record<string, HostSummary>;
  public readonly dns: DnsRecords;
  /** The zone-wide parts, absent when another stack owns the zone (`zone.owner`). */
  public readonly redirects?: CanonicalRedirect;
  public readonly tls?: ZoneTls;
  /** Present when the stack owns its zone and signs it (zone.dnssec). */
  public readonly dnssec?: ZoneDnssec;
  public readonly cache?: EdgeCache;
  public readonly firewall?: EdgeFirewall;
  public readonly securityHeaders?: SecurityHeaders;
  /** The zone's bot posture, present when the config declares one (`edge.bots`). */
  public readonly bots?: BotProtection;
  /** Advanced certificates for the names of stacks living in this zone that ask for them. */
  public readonly certificates?: EdgeCertificates;
  /** Present when an admin surface is protected by Cloudflare Access. */
  public readonly access?: AdminAccess;
  /** Present when the stack serves documents from the edge (MAIL-TRANSPORT's MTA-STS policy, OPS-SECURITY-TXT's security.txt). */
  public readonly documents?: EdgeDocuments;

  constructor(name: string, args: LaunchReadySiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:index:Site", name, {}, opts);
    const { config } = args;
    const day = new Date().toISOString().slice(0, 10);
    const zone = { zoneId: config.zone.zoneId, zoneName: config.zone.domain, protect: config.protect };
    const children = { parent: this };

    this.dns = new DnsRecords(
      `${name}-dns`,
      {
        zoneId: zone.zoneId,
        protect: zone.protect,
        records: zoneRecordSpecs(config, day),
        transform: { record: args.transform?.record },
      },
      children,
    );
    if (config.zone.owner === undefined) {
      const zoneWide = zoneWideSpecs({ owner: { stack: pulumi.getStack(), config }, members: args.zoneMembers ?? [] });
      this.redirects = new CanonicalRedirect(
        `${name}-redirects`,
        { ...zone, rules: zoneWide.redirects, transform: { ruleset: args.transform?.redirectRuleset } },
        children,
      );
      this.tls = new ZoneTls(`${name}-tls`, { ...zone, tls: config.tls, transform: { setting: args.transform?.zoneSetting } }, children);
      if (zoneWide.dnssec) this.dnssec = new ZoneDnssec(`${name}-dnssec`, { ...zone, transform: { dnssec: args.transform?.dnssec } }, children);

      const edgeArgs = (phases: readonly string[]) => ({
        ...zone,
        rulesets: zoneWide.rulesets.filter((r) => phases.includes(r.phase)),
        transform: { ruleset: args.transform?.edgeRuleset },
      });
      this.cache = new EdgeCache(`${name}-cache`, edgeArgs([PHASES.cache]), children);
      this.firewall = new EdgeFirewall(`${name}-firewall`, edgeArgs([PHASES.managedWaf, PHASES.customWaf, PHASES.rateLimit, PHASES.ddos]), children);
      this.securityHeaders = new SecurityHeaders(`${name}-headers`, edgeArgs([PHASES.responseHeaders]), children);
      if (config.edge.bots) {
        this.bots = new BotProtection(
          `${name}-bots`,
          { ...zone, plan: config.zone.plan, bots: config.edge.bots, transform: { botManagement: args.transform?.botManagement } },
          children,
        );
      }
      if (zoneWide.certificates.length > 0) {
        this.certificates = new EdgeCertificates(
          `${name}-certificates`,
          { zoneId: zone.zoneId, certificates: zoneWide.certificates, protect: zone.protect, transform: { certificate: args.transform?.certificate } },
          children,
        );
      }
    }
    for (const sending of config.email.sending) {
      for (const sender of sending.senders) {
        if (!sender.ses) continue;
        new SesSender(
          `${name}-ses-${sending.domain}`,
          { zoneId: zone.zoneId, domain: sending.domain, ...sender.ses, environment: config.environment, protect: zone.protect },
          children,
        );
      }
    }
    const applications = accessApplicationSpecs(config);
    if (applications.length > 0) {
      this.access = new AdminAccess(`${name}-access`, { accountId: config.zone.accountId, zoneId: zone.zoneId, applications, protect: zone.protect }, children);
    }

    const documents = edgeDocuments(config, day);
    if (documents.length > 0) {
      this.documents = new EdgeDocuments(
        `${name}-documents`,
        {
          accountId: config.zone.accountId,
          zoneId: zone.zoneId,
          scriptName: documentsScriptName(config.zone.domain),
          documents,
          protect: zone.protect,
          transform: { script: args.transform?.documentsScript, route: args.transform?.documentsRoute, customDomain: args.transform?.documentsDomain },
        },
        children,
      );
    }

    this.canonicalUrl = canonicalUrl(config);
    this.hosts = hostMap(config);
    this.registerOutputs({ canonicalUrl: this.canonicalUrl });
  }
}

/**
 * What the stack serves from the edge on `day`: the MTA-STS policy of a domain that receives mail
 * (RFC 8461 3.3), and security.txt on the canonical host (RFC 9116 3: text/plain, UTF-8), whose
 * origin keeps every other path.
 */
function edgeDocuments(config: LaunchReadyConfig, day: string): EdgeDocument[] {
  const documents: EdgeDocument[] = [];
  const sts = mtaStsPolicyOnDay(config, day);
  if (sts) documents.push({ host: sts.host, path: MTA_STS_POLICY_PATH, body: sts.text, contentType: "text/plain; charset=utf-8", serve: "custom-domain" });
  const security = config.handover.securityTxt;
  if (security) {
    const host = config.canonical.fqdn;
    const body = securityTxtText({
      // Sorted: the file is a resource input, which reordering the config must not change (OPS-PROTECT).
      contacts: [...new Set(config.handover.contacts.map((contact) => `mailto:${contact.email}`))].sort(),
      expires: expiresAt(security.expires),
      canonical: `https://${host}${SECURITY_TXT_PATH}`,
      ...(security.policy ? { policy: security.policy } : {}),
      preferredLanguages: security.preferredLanguages,
    });
    documents.push({ host, path: SECURITY_TXT_PATH, body, contentType: "text/plain; charset=utf-8", serve: "route" });
  }
  return documents;
}

/** One Worker per stack domain, named after it: Worker names are at most 63 lower-case letters, digits and dashes. */
function documentsScriptName(domain: string): string {
  return `launch-ready-documents-${domain.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.slice(0, 63).replace(/-+$/, "");
}

function hostMap(config: LaunchReadyConfig): Record<string, HostSummary> {
  const sorted = [...config.hosts].sort((a, b) => (a.fqdn < b.fqdn ? -1 : 1));
  return Object.fromEntries(
    sorted.map((host) => [host.fqdn, { purpose: host.purpose, proxied: host.proxied, records: host.records.map(({ type, content }) => ({ type, content })) }]),
  );
}
