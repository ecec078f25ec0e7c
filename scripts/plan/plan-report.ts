/**
 * Turns an offline run into the plan report: the JSON document machines read, and the human
 * view grouped by component.
 */
import type { DeclaredRule } from "../../policies/declared/rulesets";
import type { OfflineRun, RegisteredResource } from "./offline-run";

import { waiverUses, type BarResult, type WaiverUse } from "../../policies/bar";
import { CLOUDFLARE_HEALTH_CHECK, DNS_RECORD, METRIC_ALARM, ROUTE53_HEALTH_CHECK, RULESET, ZONE_SETTING } from "../../domain/resource-types";
import { renderBarText, renderWaiverUses, textTable } from "./bar-report";
import { recordValueText } from "../../stacks/records-config";
import { carriedFor, zoneWideSpecs } from "../../components/zone-share";
import type { UncheckedSibling, ZoneGroup } from "../../stacks/zone-group";

export interface PlanReport {
  stack: string;
  environment: string;
  /** Every registration, components included (`custom: false`), in the order the program made them. */
  resources: Array<Pick<RegisteredResource, "urn" | "type" | "name" | "parent" | "protect" | "custom" | "inputs">>;
  bar: BarResult[];
  /** What each waiver hides: how many failures, and which, so a broad waiver is seen for what it covers. */
  waivers: WaiverUse[];
  /** Who manages what in the stack's Cloudflare zone, when other stacks share it. */
  zone?: ZoneShareReport;
  summary: {
    zone: string;
    canonicalUrl: string;
    resources: number;
    components: number;
    /** Provider resources `pulumi up` would create, by type token. */
    byType: Record<string, number>;
    protected: number;
    /** Mandatory bar failures: the plan exits 1 when there are any. */
    barFailures: number;
  };
}

export interface ZoneShareReport {
  /** The zone's name: its owner's domain. */
  name: string;
  /** The stack that manages what is zone-wide. */
  owner: string;
  /** The stacks living in the owner's zone, each with what the owner's rulesets carry for it. */
  members: Array<{ stack: string; domain: string; rules: number; redirects: number; endpoints: number }>;
  /** Stack files beside this one that could not be compared with it: whether they share the zone is unknown. */
  notCompared: UncheckedSibling[];
}

/**
 * Who manages what in a zone several stacks share, and which stack files could not be compared;
 * undefined for a stack alone in its zone with every file beside it read.
 */
export function zoneShareReport(group: ZoneGroup | undefined, unchecked: readonly UncheckedSibling[] = []): ZoneShareReport | undefined {
  if (!group || (group.members.length === 0 && unchecked.length === 0)) return undefined;
  const specs = zoneWideSpecs(group);
  return {
    name: specs.zoneName,
    owner: group.owner.stack,
    notCompared: [...unchecked],
    members: group.members.map((member) => ({
      stack: member.stack,
      domain: member.config.zone.domain,
      ...carriedFor(specs, member.stack),
      endpoints: member.config.edge.endpoints.length,
    })),
  };
}

/** What each stack's `pulumi up` changes in a shared zone, and in which order they run. */
function zoneShareText(stack: string, zone: ZoneShareReport): string[] {
  const notCompared = zone.notCompared.map(
    ({ path, why }) =>
      `Zone ${zone.name}: not compared with ${path}, which ${why}. Fixed, its record names, rules and records against the zone's quota are compared with this stack's.`,
  );
  if (zone.members.length === 0) return notCompared;
  return [...sharedZoneText(stack, zone), ...notCompared];
}

function sharedZoneText(stack: string, zone: ZoneShareReport): string[] {
  const carried = (member: ZoneShareReport["members"][number]) =>
    `${member.rules} edge rule${member.rules === 1 ? "" : "s"}, ${member.redirects} redirect${member.redirects === 1 ? "" : "s"} and ${member.endpoints} endpoint${member.endpoints === 1 ? "" : "s"} in the shared rate limits for stack ${member.stack} (${member.domain}), scoped to its hosts`;
  const order = `Deploy order: \`pulumi up --stack ${zone.owner}\` first (the zone's settings and every stack's edge rules), then ${zone.members.map((m) => `\`pulumi up --stack ${m.stack}\``).join(", ")} (their records); rerun ${zone.owner}'s after an edge change in any of them.`;
  if (stack === zone.owner) {
    return [
      `Zone ${zone.name}: this stack owns it (zone settings, every phase's ruleset, the apex's mail, the apex/www redirect) and its rulesets carry ${zone.members.map(carried).join("; ")}.`,
      order,
    ];
  }
  const self = zone.members.find((member) => member.stack === stack);
  return [
    `Zone ${zone.name} is owned by stack ${zone.owner}: its rulesets carry this stack's ${self ? `${self.rules} edge rules, ${self.redirects} redirects and ${self.endpoints} endpoints` : "rules"}, judged below with ${zone.owner}'s zone settings; this stack's own \`pulumi up\` changes only the resources listed above.`,
    order,
  ];
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Built from what the program registered and its stack outputs (environment, zone, canonicalUrl). */
export function buildPlanReport(stack: string, run: OfflineRun, bar: BarResult[], zone?: ZoneShareReport): PlanReport {
  const custom = run.resources.filter((r) => r.custom);
  const byType: Record<string, number> = {};
  for (const resource of custom) byType[resource.type] = (byType[resource.type] ?? 0) + 1;
  return {
    stack,
    environment: String(run.outputs.environment),
    resources: run.resources.map(({ urn, type, name, parent, protect, custom, inputs }) => ({ urn, type, name, parent, protect, custom, inputs })),
    bar,
    waivers: waiverUses(bar),
    ...(zone ? { zone } : {}),
    summary: {
      zone: String(run.outputs.zone),
      canonicalUrl: String(run.outputs.canonicalUrl ?? ""),
      resources: custom.length,
      components: run.resources.filter((r) => !r.custom && r.type !== STACK_TYPE).length,
      byType,
      protected: custom.filter((r) => r.protect).length,
      barFailures: bar.filter((r) => r.status === "fail" && r.level === "mandatory").length,
    },
  };
}

/** Exit 1 when the stack is below the bar where it must not be. */
export function blocksDeployment(report: PlanReport): boolean {
  return report.summary.barFailures > 0;
}

/** Objects on one line with spaces between members, so a narrow column can wrap them. */
function compact(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1).replace(/\n\s*/g, " ");
}

/** The inputs a reviewer looks at first, per resource type (a ruleset's rule by rule); anything else as compact JSON. */
function keyInputs(resource: Pick<RegisteredResource, "type" | "inputs">): string | string[] {
  const inputs = resource.inputs;
  switch (resource.type) {
    case DNS_RECORD:
      return `${inputs.type} ${inputs.name} → ${recordValueText(inputs)}\n${inputs.proxied ? "proxied" : "DNS only"}, ttl ${inputs.ttl === 1 ? "auto" : inputs.ttl}`;
    case RULESET: {
      const rules = (inputs.rules as DeclaredRule[] | undefined) ?? [];
      const lines = rules.map((rule) => {
        const from = rule.actionParameters?.fromValue;
        const limit = rule.ratelimit;
        const detail = from
          ? ` → ${from.statusCode} ${from.targetUrl?.value ?? from.targetUrl?.expression}`
          : limit
            ? ` → ${rule.action} over ${limit.requestsPerPeriod} requests / ${limit.period} s per IP, for ${limit.mitigationTimeout} s`
            : ` → ${rule.action}${rule.actionParameters ? ` ${compact(rule.actionParameters)}` : ""}`;
        return `• ${rule.ref}: ${rule.expression}${detail}`;
      });
      return [`${inputs.phase}, ${rules.length} rule${rules.length === 1 ? "" : "s"}`, ...lines];
    }
    case ZONE_SETTING:
      return `${inputs.settingId} = ${compact(inputs.value)}`;
    case ROUTE53_HEALTH_CHECK:
      return `GET https://${inputs.fqdn}${inputs.resourcePath ?? "/"} every ${inputs.requestInterval} s, down after ${inputs.failureThreshold} failures${inputs.searchString ? `, must contain "${inputs.searchString}"` : ""}`;
    case CLOUDFLARE_HEALTH_CHECK: {
      const http = (inputs.httpConfig ?? {}) as Record<string, unknown>;
      return `GET https://${inputs.address}${http.path ?? "/"} every ${inputs.interval} s, down after ${inputs.consecutiveFails} failures${http.expectedBody ? `, must contain "${http.expectedBody}"` : ""}`;
    }
    case METRIC_ALARM:
      return `${inputs.extendedStatistic ? `${inputs.extendedStatistic} ` : ""}${inputs.metricName} ${COMPARISONS[String(inputs.comparisonOperator)] ?? String(inputs.comparisonOperator)} ${inputs.threshold} for ${inputs.evaluationPeriods} x ${inputs.period} s in ${inputs.region ?? "the stack's region"}\nnotifies the topic on ALARM and OK`;
    default: {
      const text = JSON.stringify(inputs);
      return text.length > 120 ? `${text.slice(0, 117)}...` : text;
    }
  }
}

const COMPARISONS: Record<string, string> = { LessThanThreshold: "<", GreaterThanThreshold: ">" };

/** How the SDKs spell a type: "cloudflare:index/dnsRecord:DnsRecord" → "cloudflare.DnsRecord", "aws:ssm/parameter:Parameter" → "aws.ssm.Parameter". */
function shortType(type: string): string {
  const [pkg, module, name] = type.split(":");
  if (!name) return type;
  const folder = module.split("/")[0];
  return folder === "index" ? `${pkg}.${name}` : `${pkg}.${folder}.${name}`;
}

/** `policyPack` is the pack as `--policy-pack` takes it from the project directory (policyPackPath). */
export function renderPlanText(report: PlanReport, source: string, policyPack: string): string {
  const out: string[] = [];
  out.push(`Offline plan of stack ${report.stack} (${report.environment}) for ${report.summary.zone}, from ${source}`);
  out.push("Run under Pulumi's in-process mocks: no credentials, no network, nothing was created or changed.");
  const components = report.resources.filter((r) => !r.custom);
  for (const component of components) {
    const children = report.resources.filter((r) => r.parent === component.urn && r.custom);
    if (children.length === 0) continue;
    out.push("", `${component.name} (${component.type})`);
    const table = textTable({
      head: ["Resource", "Name", "Key inputs", "Protect"],
      style: { head: [], border: [] },
      wordWrap: true,
      colWidths: [null, null, 72, null],
    });
    for (const child of children) {
      // One row per rule: cli-table3 lays out a cell of many wrapped lines in time that grows far
      // faster than the lines (a 35-line cell took 7 s), and a shared zone's rulesets are long.
      const [first, ...more] = [keyInputs(child)].flat();
      const spanned = (content: string) => ({ content, rowSpan: more.length + 1 });
      table.push([spanned(shortType(child.type)), spanned(child.name), first, spanned(child.protect ? "yes" : "no")]);
      for (const line of more) table.push([line]);
    }
    out.push(table.toString());
  }
  const s = report.summary;
  const types = Object.entries(s.byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, count]) => `${count} ${shortType(type)}`)
    .join(", ");
  out.push("");
  out.push(`Summary: ${s.resources} resources to create (${types}) in ${s.components} components; ${s.protected} protected from deletion.`);
  out.push(`Canonical URL: ${s.canonicalUrl}`);
  if (report.zone) out.push(...zoneShareText(report.stack, report.zone));
  out.push("", renderBarText(report.bar));
  if (report.waivers.length > 0) out.push(renderWaiverUses(report.waivers));
  out.push(
    s.barFailures > 0
      ? `Below the bar: fix the ${s.barFailures} mandatory failure${s.barFailures === 1 ? "" : "s"} above before \`pulumi up --stack ${report.stack}\`.`
      : `Next: \`pulumi preview --stack ${report.stack} --policy-pack ${policyPack}\` compares this with what exists (needs the Pulumi CLI and a Cloudflare API token).`,
  );
  return out.join("\n");
}
