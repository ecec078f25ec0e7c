import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { LaunchReadyConfig } from "../stacks/stack-config";
import { AdminAccess } from "./admin-access";
import { CanonicalRedirect } from "./canonical-redirect";
import { DnsRecords } from "./dns-records";
import { EdgeCache, EdgeFirewall, SecurityHeaders } from "./edge-protection";
import { PHASES } from "../domain/cloudflare/identifiers";
import { accessApplicationSpecs, edgeRulesetSpecs } from "./edge-rulesets";
import { canonicalUrl, redirectRuleSpecs } from "./site-records";
import type { Transform } from "./transform";
import { SesSender } from "./ses-sender";
import { ZoneTls } from "./zone-tls";
import { zoneRecordSpecs } from "./zone-records";

export interface LaunchReadySiteArgs {
  /** The validated stack config, from `parseStackConfig`. */
  config: LaunchReadyConfig;
  /** Adjust what the site's components create. */
  transform?: {
    record?: Transform<cloudflare.DnsRecordArgs>;
    redirectRuleset?: Transform<cloudflare.RulesetArgs>;
    /** Applied to the cache, firewall, rate-limit, header and DDoS rulesets. */
    edgeRuleset?: Transform<cloudflare.RulesetArgs>;
    zoneSetting?: Transform<cloudflare.ZoneSettingArgs>;
  };
}

/** One entry of the site's host map output. */
export interface HostSummary {
  purpose: string;
  proxied: boolean;
  records: Array<{ type: string; content: string }>;
}

/**
 * A product's public face on one Cloudflare zone: its DNS records, the canonical redirect and the
 * zone's TLS settings, held to the minimum bar. Production resources are protected.
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
  public readonly redirects: CanonicalRedirect;
  public readonly tls: ZoneTls;
  public readonly cache: EdgeCache;
  public readonly firewall: EdgeFirewall;
  public readonly securityHeaders: SecurityHeaders;
  /** Present when an admin surface is protected by Cloudflare Access. */
  public readonly access?: AdminAccess;

  constructor(name: string, args: LaunchReadySiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:index:Site", name, {}, opts);
    const { config } = args;
    const zone = { zoneId: config.zone.zoneId, zoneName: config.zone.domain, protect: config.protect };
    const children = { parent: this };

    this.dns = new DnsRecords(
      `${name}-dns`,
      {
        zoneId: zone.zoneId,
        protect: zone.protect,
        records: zoneRecordSpecs(config, new Date().toISOString().slice(0, 10)),
        transform: { record: args.transform?.record },
      },
      children,
    );
    this.redirects = new CanonicalRedirect(
      `${name}-redirects`,
      { ...zone, rules: redirectRuleSpecs(config), transform: { ruleset: args.transform?.redirectRuleset } },
      children,
    );
    this.tls = new ZoneTls(`${name}-tls`, { ...zone, tls: config.tls, transform: { setting: args.transform?.zoneSetting } }, children);

    const edge = edgeRulesetSpecs(config);
    const edgeArgs = (phases: readonly string[]) => ({
      ...zone,
      rulesets: edge.filter((r) => phases.includes(r.phase)),
      transform: { ruleset: args.transform?.edgeRuleset },
    });
    this.cache = new EdgeCache(`${name}-cache`, edgeArgs([PHASES.cache]), children);
    this.firewall = new EdgeFirewall(`${name}-firewall`, edgeArgs([PHASES.managedWaf, PHASES.customWaf, PHASES.rateLimit, PHASES.ddos]), children);
    this.securityHeaders = new SecurityHeaders(`${name}-headers`, edgeArgs([PHASES.responseHeaders]), children);
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

    this.canonicalUrl = canonicalUrl(config);
    this.hosts = hostMap(config);
    this.registerOutputs({ canonicalUrl: this.canonicalUrl });
  }
}

function hostMap(config: LaunchReadyConfig): Record<string, HostSummary> {
  const sorted = [...config.hosts].sort((a, b) => (a.fqdn < b.fqdn ? -1 : 1));
  return Object.fromEntries(
    sorted.map((host) => [host.fqdn, { purpose: host.purpose, proxied: host.proxied, records: host.records.map(({ type, content }) => ({ type, content })) }]),
  );
}
