/**
 * What the stack that owns a zone declares for the whole zone, with the rules of the stacks
 * living in it (staging.example.com beside example.com) folded in, each scoped to that stack's
 * hosts. Plain data, no Pulumi: the owner's components create exactly these, and the bar judges a
 * member stack's edge against them.
 *
 * Why the owner carries them: Cloudflare keeps one entrypoint ruleset per zone and phase, so a
 * second stack cannot have entrypoints of its own in the zone. Custom rulesets an entrypoint could
 * execute exist only for WAF custom rules (cache, transform, redirect and, below Enterprise, rate
 * limit phases have none), and reading other stacks' outputs at deploy time would make
 * production's `pulumi up` depend on staging's state. The stack files sit in one repository, so
 * the owner reads its members' files instead: every plan shows the same rules.
 */
import { PHASES } from "../domain/cloudflare/identifiers";
import { allOf, anyOf, hostIn, not, quote } from "../domain/cloudflare/rule-expressions";
import { ZONE_PLAN_LIMITS } from "../domain/cloudflare/zone-plans";
import { formatConfigPath, problem, type ConfigProblem, type PathSegment } from "../stacks/config-problems";
import { rateLimitGroupKey, type LaunchReadyConfig } from "../stacks/stack-config";
import type { ZoneGroup, ZoneStack } from "../stacks/zone-group";
import { edgeRulesetSpecs, rateLimitRulesetSpec, type RulesetRuleSpec, type RulesetSpec } from "./edge-rulesets";
import { dnssecSpec, redirectRuleSpecs, zoneSettingSpecs, type DnssecSpec, type RedirectRuleSpec, type ZoneSettingSpec } from "./site-records";
import type { CertificateSpec } from "./edge-certificates";
import { MAX_STACK_RECORDS, zoneRecordCount, zoneRecordSpecs } from "./zone-records";

export interface ZoneWideSpecs {
  /** The zone's name: the owner's domain. */
  zoneName: string;
  zoneId: string;
  settings: ZoneSettingSpec[];
  /** The redirect ruleset's rules: the owner's, then each member's. */
  redirects: RedirectRuleSpec[];
  /** One ruleset per phase, the owner's rules first and each member's after, scoped to its hosts. */
  rulesets: RulesetSpec[];
  /** Advanced certificates for the members that ask (zone.edgeCertificate), whose names Universal SSL misses. */
  certificates: CertificateSpec[];
  /** The zone's DNSSEC, when the owner signs it (zone.dnssec). */
  dnssec?: DnssecSpec;
}

/** Phases a member's own rules go into; the managed WAF and the DDoS override are the owner's alone. */
const MEMBER_PHASES: readonly string[] = [PHASES.cache, PHASES.customWaf, PHASES.responseHeaders];

/** A member's config as the owner's zone applies to it: the zone's TLS settings and bot posture are the owner's. */
function inOwnersZone(member: LaunchReadyConfig, owner: LaunchReadyConfig): LaunchReadyConfig {
  return { ...member, tls: owner.tls, edge: { ...member.edge, bots: owner.edge.bots } };
}

/**
 * The requests a member's rules apply to: its proxied hosts, and for a wildcard host (waived under
 * DNS-SUBDOMAINS) every name below it, which `http.host in {...}` would take literally. Undefined
 * for a member without proxied hosts, whose requests never meet the zone's rules.
 */
function memberScope(config: LaunchReadyConfig): string | undefined {
  const proxied = config.hosts.filter((host) => host.proxied).map((host) => host.fqdn);
  const exact = proxied.filter((fqdn) => !fqdn.startsWith("*.")).sort();
  const below = proxied.filter((fqdn) => fqdn.startsWith("*.")).map((fqdn) => `ends_with(http.host, ${quote(fqdn.slice(1))})`);
  const parts = [...(exact.length > 0 ? [hostIn(exact)] : []), ...below];
  return parts.length > 0 ? anyOf(...parts) : undefined;
}

/**
 * A member's rule in the owner's ruleset. Its ref starts with the stack's name and `--`, which
 * the kit's own refs never contain (slugs collapse every separator to one "-"), so two stacks'
 * refs cannot meet and each rule's stack can be read back from its ref.
 */
function scoped<T extends { ref: string; description: string; expression: string }>(rule: T, stack: string, scope: string): T {
  return { ...rule, ref: memberRef(stack, rule.ref), description: `${rule.description} [stack ${stack}]`, expression: allOf(scope, rule.expression) };
}

function memberRef(stack: string, ref: string): string {
  return `${stack}--${ref}`;
}

/** Whether a rule of the zone's rulesets is `stack`'s, by its ref. */
export function isStacksRule(rule: { ref: string }, stack: string): boolean {
  return rule.ref.startsWith(`${stack}--`);
}

/** The rules of the members, each set scoped to its stack's hosts, by phase, with the phases' ruleset metadata. */
function memberRules(group: ZoneGroup): Map<string, RulesetSpec> {
  const byPhase = new Map<string, RulesetSpec>();
  for (const member of group.members) {
    const scope = memberScope(member.config);
    if (!scope) continue;
    for (const ruleset of edgeRulesetSpecs(inOwnersZone(member.config, group.owner.config))) {
      if (!MEMBER_PHASES.includes(ruleset.phase)) continue;
      const rules = ruleset.rules.map((rule) => scoped(rule, member.stack, scope));
      const earlier = byPhase.get(ruleset.phase);
      byPhase.set(ruleset.phase, earlier ? { ...earlier, rules: [...earlier.rules, ...rules] } : { ...ruleset, rules });
    }
  }
  return byPhase;
}

export function zoneWideSpecs(group: ZoneGroup): ZoneWideSpecs {
  const owner = group.owner.config;
  const fromMembers = memberRules(group);
  const endpoints = [owner, ...group.members.map((member) => member.config)].flatMap((config) => config.edge.endpoints);
  // The owner's rules stop short of its members' hosts, where their own rules speak instead.
  const scopes = group.members.flatMap((member) => memberScope(member.config) ?? []);
  const ownersOnly = (rule: RulesetRuleSpec) => (scopes.length > 0 ? { ...rule, expression: allOf(not(anyOf(...scopes)), rule.expression) } : rule);
  const rulesets = edgeRulesetSpecs(owner)
    .filter((ruleset) => ruleset.phase !== PHASES.rateLimit)
    .map((ruleset) =>
      MEMBER_PHASES.includes(ruleset.phase)
        ? { ...ruleset, rules: [...ruleset.rules.map(ownersOnly), ...(fromMembers.get(ruleset.phase)?.rules ?? [])] }
        : ruleset,
    );
  // A phase only members use (admin protection on staging alone) still gets the zone's one ruleset.
  for (const [phase, ruleset] of fromMembers) if (!rulesets.some((r) => r.phase === phase)) rulesets.push(ruleset);
  // Endpoints with one limit share a rule whichever stack declares them: plans allow few rules.
  const rateLimits = rateLimitRulesetSpec(owner, endpoints);
  if (rateLimits) rulesets.push(rateLimits);
  const redirects = [
    ...redirectRuleSpecs(owner),
    ...group.members.flatMap((member) =>
      redirectRuleSpecs(inOwnersZone(member.config, owner)).map((rule) => ({ ...rule, ref: memberRef(member.stack, rule.ref) })),
    ),
  ];
  return {
    zoneName: owner.zone.domain,
    zoneId: owner.zone.zoneId,
    settings: zoneSettingSpecs(owner.zone.domain, owner.tls),
    ...(owner.zone.dnssec ? { dnssec: dnssecSpec(owner.zone.domain) } : {}),
    certificates: group.members
      .filter((member) => member.config.zone.edgeCertificate === "advanced")
      .map(({ config }) => ({
        logicalName: `${config.zone.domain}-advanced-certificate`,
        hosts: [owner.zone.domain, config.zone.domain, `*.${config.zone.domain}`],
      })),
    redirects,
    rulesets: rulesets.sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase)),
  };
}

const PHASE_ORDER: readonly string[] = [PHASES.cache, PHASES.managedWaf, PHASES.customWaf, PHASES.rateLimit, PHASES.responseHeaders, PHASES.ddos];

/** How many of the zone's rules and redirects the owner carries for `member`, besides its endpoints in the shared rate limits. */
export function carriedFor(specs: ZoneWideSpecs, member: string): { rules: number; redirects: number } {
  const mine = (rule: { ref: string }) => isStacksRule(rule, member);
  return { rules: specs.rulesets.flatMap((ruleset) => ruleset.rules).filter(mine).length, redirects: specs.redirects.filter(mine).length };
}

/** Where in a stack file a record name comes from, for messages: a host, a declared record, or the mail section. */
function recordSource(config: LaunchReadyConfig, name: string): string {
  const host = config.hosts.find((h) => h.fqdn === name || h.verification?.name === name);
  if (host) return formatConfigPath(["hosts", host.index]);
  const record = config.records.find((r) => r.name === name);
  if (record) return formatConfigPath(["records", record.index]);
  return formatConfigPath(["email"]);
}

/** The names a stack's records sit at: the DnsRecords' and SesSender's MAIL FROM domain (its MX and SPF). */
function recordNames(config: LaunchReadyConfig, day: string): Set<string> {
  const ses = config.email.sending.flatMap((sending) => sending.senders.flatMap((sender) => (sender.ses ? [sender.ses.mailFromDomain] : [])));
  return new Set([...zoneRecordSpecs(config, day).map((record) => record.name), ...ses]);
}

const atOrUnder = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/** How many of `rules` each stack brought: members' refs carry their stack's name first. */
function shares(group: ZoneGroup, rules: ReadonlyArray<{ ref: string }>): string {
  const ofMember = (member: ZoneStack) => rules.filter((rule) => isStacksRule(rule, member.stack)).length;
  const owners = rules.length - group.members.reduce((sum, member) => sum + ofMember(member), 0);
  return [`${owners} for ${group.owner.stack}`, ...group.members.map((member) => `${ofMember(member)} for ${member.stack}`)].join(", ");
}

/** Rule counts of the zone's shared rulesets against its plan, per phase, with each stack's share. */
function ruleCountProblems(group: ZoneGroup, specs: ZoneWideSpecs): ConfigProblem[] {
  const plan = group.owner.config.zone.plan;
  const limits = ZONE_PLAN_LIMITS[plan];
  const caps: Record<string, { limit: number; what: string; path: PathSegment[] }> = {
    [PHASES.cache]: { limit: limits.cacheRules, what: "cache rules", path: ["edge", "cache"] },
    [PHASES.customWaf]: { limit: limits.customRules, what: "WAF custom rules", path: ["edge", "admin"] },
    [PHASES.responseHeaders]: { limit: limits.responseHeaderRules, what: "response header rules", path: ["edge", "headers"] },
    [PHASES.rateLimit]: { limit: limits.rateLimit.rules, what: "rate-limit rules", path: ["edge", "endpoints"] },
    [PHASES.redirect]: { limit: limits.singleRedirectRules, what: "Single Redirects", path: ["redirects"] },
  };
  const phases = [...specs.rulesets.map((ruleset) => ({ phase: ruleset.phase, rules: ruleset.rules })), { phase: PHASES.redirect, rules: specs.redirects }];
  const problems: ConfigProblem[] = [];
  for (const { phase, rules } of phases) {
    const cap = caps[phase];
    if (!cap || rules.length <= cap.limit) continue;
    const limitsUsed = [group.owner, ...group.members].flatMap((s) => s.config.edge.endpoints.map((e) => `${s.stack}: ${rateLimitGroupKey(e)}`));
    const detail =
      phase === PHASES.rateLimit ? `one per distinct limit, whichever stack declares it: ${[...new Set(limitsUsed)].join("; ")}` : shares(group, rules);
    const fix =
      phase === PHASES.rateLimit
        ? "give every stack's endpoints the same requests, period, timeout and action so they share a rule"
        : `declare ${rules.length - cap.limit} fewer`;
    problems.push(
      problem(
        cap.path,
        `together with the other stacks of zone ${specs.zoneName} needs ${rules.length} ${cap.what} in the zone's one ${phase} ruleset (${detail}), but the ${plan} plan allows ${cap.limit}; ${fix}, or move the zone to a larger plan`,
      ),
    );
  }
  return problems;
}

/**
 * More DNS records than the zone holds, counted over every stack in it: Cloudflare refuses the
 * record past its quota, and `pulumi up` would stop there with the zone half-changed.
 */
function recordQuotaProblems(self: string, group: ZoneGroup, day: string): ConfigProblem[] {
  const stacks = [group.owner, ...group.members];
  const counts = stacks.map((stack) => ({ stack: stack.stack, records: zoneRecordCount(stack.config, day) }));
  const mine = counts.find((count) => count.stack === self)?.records ?? 0;
  if (mine > MAX_STACK_RECORDS) {
    return [
      problem(
        ["records"],
        `declares ${mine} DNS records, more than the ${MAX_STACK_RECORDS} one stack of the kit plans: each is a Pulumi resource, planned in memory and created within Cloudflare's API limit of 1,200 requests per 5 minutes. Move the records of a subdomain into a stack of their own (zone.owner names this one), or leave records the product does not need in Cloudflare, unmanaged`,
      ),
    ];
  }
  const total = counts.reduce((sum, count) => sum + count.records, 0);
  const { plan, recordQuota } = group.owner.config.zone;
  if (total <= recordQuota) return [];
  const together =
    stacks.length > 1
      ? ` together with the other stacks of zone ${group.owner.config.zone.domain} (${counts.map((c) => `${c.records} for ${c.stack}`).join(", ")})`
      : "";
  const quota =
    recordQuota === ZONE_PLAN_LIMITS[plan].dnsRecords
      ? `a ${plan} zone holds ${recordQuota}${plan === "free" ? " (1,000 if it was created before 2024-09-01: say so with zone.recordQuota: 1000)" : ""}`
      : `the zone holds ${recordQuota} (zone.recordQuota${self === group.owner.stack ? "" : ` in ${group.owner.stack}`})`;
  return [
    problem(
      ["records"],
      `declares ${total} DNS records${together}, but ${quota}; Cloudflare refuses the records past it, so pulumi up would stop partway. Declare ${total - recordQuota} fewer, or move the zone to a larger plan`,
    ),
  ];
}

/**
 * What the zone's stacks would both manage, seen from `self`: a record name another stack also
 * declares, shared rulesets the zone's plan cannot hold, and more records than the zone holds.
 * Only the last applies when `self` is alone in its zone.
 */
export function zoneShareProblems(self: string, group: ZoneGroup, day: string): ConfigProblem[] {
  const quota = recordQuotaProblems(self, group, day);
  if (group.members.length === 0) return quota;
  const stacks = [group.owner, ...group.members];
  const mine = stacks.find((s) => s.stack === self);
  if (!mine) return [];
  const problems: ConfigProblem[] = [];
  const names = recordNames(mine.config, day);
  const zone = group.owner.config.zone.domain;
  const where = (other: ZoneStack) => other.path ?? "in code";
  for (const other of stacks) {
    if (other.stack === self) continue;
    const theirs = recordNames(other.config, day);
    for (const name of [...names].filter((n) => theirs.has(n)).sort()) {
      problems.push({
        path: recordSource(mine.config, name),
        message: `declares records at ${name}, which stack ${other.stack} (${where(other)}, ${recordSource(other.config, name)}) also declares in zone ${zone}; one name in a zone has one manager, or each pulumi up would undo the other's records. Keep it in one of the two stacks`,
        example: `# in this stack, only names under ${mine.config.zone.domain}`,
      });
    }
    // A member's domain is its own: the owner's names at or under it would meet the member's, now or later.
    const [owner, member] = mine.config.zone.owner === undefined ? [mine, other] : [other, mine];
    if (owner === member || owner.config.zone.owner !== undefined) continue;
    const ownersInMembers = [...recordNames(owner.config, day)].filter((n) => atOrUnder(n, member.config.zone.domain) && !(theirs.has(n) && names.has(n)));
    for (const name of ownersInMembers.sort()) {
      problems.push({
        path: mine === owner ? recordSource(owner.config, name) : formatConfigPath(["zone", "domain"]),
        message: `${mine === owner ? "declares" : `is ${member.config.zone.domain}, but stack ${owner.stack} (${where(owner)}, ${recordSource(owner.config, name)}) declares`} records at ${name}, under ${member.config.zone.domain}, which stack ${member.stack} owns in zone ${zone}: a member's names are its own, so declare it in ${member.stack}'s stack file`,
        example: `# ${name} in stacks/Pulumi.${member.stack}.yaml`,
      });
    }
  }
  return [...problems, ...ruleCountProblems(group, zoneWideSpecs(group)), ...quota];
}
