/**
 * What a stack needs access to, derived from what it declares: the accounts someone must own
 * (OPS-HANDOVER, the handover's access inventory) and the least-privilege Cloudflare token that
 * can apply it. Plain functions, shared by the rule, the handover and the docs' tests.
 */
import type { AccessSystem } from "./schema/operations";
import type { LaunchReadyConfig } from "./stack-config";

export interface NeededAccess {
  system: AccessSystem;
  /** Why this stack needs the account, in words for the handover. */
  why: string;
}

/** The accounts the stack cannot be operated without; the registrar is asked for separately. */
export function neededAccess(config: LaunchReadyConfig): NeededAccess[] {
  const needed: NeededAccess[] = [
    config.zone.owner
      ? { system: "cloudflare", why: `the DNS records under ${config.zone.domain}, in the zone stack ${config.zone.owner} owns` }
      : { system: "cloudflare", why: `the zone ${config.zone.domain}: DNS, TLS, cache, WAF and redirects` },
    { system: "pulumi", why: "the state backend: every deployment and rollback reads and writes it" },
  ];
  const aws: string[] = [];
  if (config.secrets.items.length > 0) aws.push(config.secrets.store.kind === "ssm" ? "SSM Parameter Store secrets" : "Secrets Manager secrets");
  if (config.monitoring.enabled && config.monitoring.monitors.length > 0 && config.monitoring.provider === "aws") aws.push("Route 53 health checks and alarms");
  if (config.email.sending.some((sending) => sending.senders.some((sender) => sender.ses))) aws.push("the SES sending identity");
  if (aws.length > 0) needed.push({ system: "aws", why: aws.join(", ") });
  const mailProviders = new Set(config.email.sending.flatMap((sending) => sending.senders.map((sender) => sender.provider)));
  if (mailProviders.size > 0 || config.email.inboundMx.length > 0) needed.push({ system: "email", why: "the mail provider: DKIM keys, sending and receiving" });
  return needed;
}

/** The accounts the stack needs that `launch-ready:handover.access` names no owner for. */
export function unownedAccess(config: LaunchReadyConfig): NeededAccess[] {
  return neededAccess(config).filter((need) => !config.handover.access.some((entry) => entry.system === need.system));
}

export interface TokenPermission {
  /** As the dashboard's "Create Custom Token" page lists it. */
  permission: string;
  /** What the kit creates with it. */
  usedFor: string;
}

/**
 * The permissions of the Cloudflare API token that applies this stack, and no more. A stack in
 * another stack's zone applies only records: its rules and settings are the owner's to apply.
 */
export function cloudflareTokenPermissions(config: LaunchReadyConfig, zone: { advancedCertificates?: boolean } = {}): TokenPermission[] {
  const permissions: TokenPermission[] = [{ permission: "Zone · DNS · Edit", usedFor: "DNS records" }];
  if (!config.zone.owner) {
    permissions.push(
      { permission: "Zone · Zone Settings · Edit", usedFor: "SSL/TLS settings" },
      { permission: "Zone · Single Redirect · Edit", usedFor: "canonical and extra redirects" },
      { permission: "Zone · Cache Rules · Edit", usedFor: "cache rules" },
      { permission: "Zone · Zone WAF · Edit", usedFor: "managed WAF, custom and rate-limit rules" },
      { permission: "Zone · Transform Rules · Edit", usedFor: "security headers" },
    );
  }
  if (zone.advancedCertificates)
    permissions.push({ permission: "Zone · SSL and Certificates · Edit", usedFor: "advanced certificates for stacks living in the zone" });
  if (config.edge.ddos) permissions.push({ permission: "Zone · HTTP DDoS Managed Ruleset · Edit", usedFor: "the DDoS sensitivity override" });
  if (config.edge.admin.some((admin) => admin.protection === "access"))
    permissions.push({ permission: "Account · Access: Apps and Policies · Edit", usedFor: "Cloudflare Access for admin hosts" });
  if (config.monitoring.enabled && config.monitoring.provider === "cloudflare" && config.monitoring.monitors.length > 0) {
    permissions.push(
      { permission: "Zone · Health Checks · Edit", usedFor: "uptime health checks" },
      { permission: "Account · Notifications · Edit", usedFor: "health-check alerts" },
    );
  }
  return permissions;
}
