/**
 * What a stack needs access to, derived from what it declares: the accounts someone must own
 * (OPS-HANDOVER, the handover's access inventory), the least-privilege Cloudflare token that can
 * apply it, and the other providers' credentials with how narrow each can be made. Plain
 * functions, shared by the rule, the handover and the docs' tests.
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
  const { store } = config.secrets;
  if (config.secrets.items.length > 0 && store.kind !== "vercel") aws.push(store.kind === "ssm" ? "SSM Parameter Store secrets" : "Secrets Manager secrets");
  if (monitorsOn(config, "aws")) aws.push("Route 53 health checks and alarms");
  if (config.email.sending.some((sending) => sending.senders.some((sender) => sender.ses))) aws.push("the SES sending identity");
  if (aws.length > 0) needed.push({ system: "aws", why: aws.join(", ") });
  const mailProviders = new Set(config.email.sending.flatMap((sending) => sending.senders.map((sender) => sender.provider)));
  if (mailProviders.size > 0 || config.email.inboundMx.length > 0) needed.push({ system: "email", why: "the mail provider: DKIM keys, sending and receiving" });
  if (config.secrets.items.length > 0 && store.kind === "vercel")
    needed.push({ system: "hosting", why: `the Vercel project ${store.projectId}: its environment variables hold the stack's secrets` });
  if (monitorsOn(config, "checkly")) needed.push({ system: "monitoring", why: "the Checkly account: the uptime checks and their alert channels" });
  return needed;
}

function monitorsOn(config: LaunchReadyConfig, provider: LaunchReadyConfig["monitoring"]["provider"]): boolean {
  return config.monitoring.enabled && config.monitoring.monitors.length > 0 && config.monitoring.provider === provider;
}

export interface ProviderCredential {
  /** The environment variables the provider reads when `pulumi up` runs (CI sets them from repository secrets). */
  variables: string[];
  /** The same as stack config, set with `pulumi config set --secret`. */
  configKeys: string[];
  /** What the kit creates with it. */
  usedFor: string;
  /** How narrow the credential can be made, said as the provider allows it. */
  leastPrivilege: string;
}

/**
 * The credentials besides the Cloudflare token (`cloudflareTokenPermissions`) that apply this
 * stack: Checkly's for its monitors, Vercel's for its secrets. Neither provider offers a
 * credential scoped to the resources the kit manages, so each note says what the narrowest is.
 */
export function providerCredentials(config: LaunchReadyConfig): ProviderCredential[] {
  const credentials: ProviderCredential[] = [];
  if (monitorsOn(config, "checkly")) {
    credentials.push({
      variables: ["CHECKLY_API_KEY", "CHECKLY_ACCOUNT_ID"],
      configKeys: ["checkly:apiKey", "checkly:accountId"],
      usedFor: "the Checkly checks and alert channels",
      leastPrivilege:
        "Checkly API keys are user API keys: a key acts as the user who created it, with that user's role on every Checkly account they belong to, and cannot be scoped to checks or to one account. Create it as a member whose role on this account only is Read & Write (not Admin or Owner), and delete it when that person leaves",
    });
  }
  if (config.secrets.items.length > 0 && config.secrets.store.kind === "vercel") {
    credentials.push({
      variables: ["VERCEL_API_TOKEN"],
      configKeys: ["vercel:apiToken"],
      usedFor: `the environment variables of the Vercel project ${config.secrets.store.projectId}`,
      leastPrivilege: `A Vercel token acts as the user who created it, with their role, in the one scope chosen when it is made (their personal account or a team); it cannot be narrowed to a project. Create it with the scope of the team that owns the project${config.secrets.store.teamId ? ` (${config.secrets.store.teamId})` : ""} and an expiration date, by a member whose role there is the lowest that may edit the project's environment variables`,
    });
  }
  return credentials;
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
  // The edge documents' Worker and its custom domain: both take Workers Scripts Write
  // (pulumi.com/registry/packages/cloudflare/api-docs/workerscustomdomain/, read 2026-12-03).
  if (config.email.mtaSts || config.handover.securityTxt)
    permissions.push({
      permission: "Account · Workers Scripts · Edit",
      usedFor: "the Worker serving the MTA-STS policy and security.txt, and its custom domain",
    });
  // Routes live in the zone (POST /zones/{zone_id}/workers/routes).
  if (config.handover.securityTxt) permissions.push({ permission: "Zone · Workers Routes · Edit", usedFor: "the route sending security.txt to the Worker" });
  if (zone.advancedCertificates)
    permissions.push({ permission: "Zone · SSL and Certificates · Edit", usedFor: "advanced certificates for stacks living in the zone" });
  if (config.edge.ddos) permissions.push({ permission: "Zone · HTTP DDoS Managed Ruleset · Edit", usedFor: "the DDoS sensitivity override" });
  // PUT /zones/{zone_id}/bot_management accepts "Bot Management Write" (Cloudflare API reference, read 2026-12-03).
  if (config.edge.bots) permissions.push({ permission: "Zone · Bot Management · Edit", usedFor: "Bot Fight Mode or Super Bot Fight Mode (EDGE-BOTS)" });
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
