/**
 * The stack's `launch-ready:waivers` resolved: each names an ID of the minimum bar, once per
 * target, and a target names something the stack declares, so no waiver covers nothing unnoticed.
 */
import { BAR_IDS, isBarId } from "../domain/bar/catalog";
import { subjectKey, targetCovers, type Waiver } from "../domain/bar/weighing";
import { formatConfigPath, knownKeysAt, problem, type ConfigProblem, type PathSegment } from "./config-problems";
import type { DeclaredHost } from "./declared-host";
import type { EdgeConfig } from "./edge-config";
import type { EmailConfig } from "./email-config";
import type { MonitoringConfig } from "./monitoring-config";
import type { PerformanceConfig } from "./performance-config";
import type { DeclaredRecord } from "./records-config";
import { ENDPOINT_KINDS } from "./schema/edge";
import { shownValue } from "./shown-value";

/** Bar IDs are the catalog's; a second waiver of an ID is refused unless it names another target. */
export function resolveWaivers(waivers: Waiver[], problems: ConfigProblem[]): Waiver[] {
  const seen = new Map<string, number>();
  waivers.forEach((waiver, index) => {
    if (!isBarId(waiver.id)) {
      const upper = waiver.id.trim().toUpperCase();
      const hint = isBarId(upper) ? `; write it as ${upper}` : `; the IDs are: ${BAR_IDS.join(", ")}`;
      problems.push(problem(["waivers", index, "id"], `${shownValue(waiver.id)} is not an ID of the minimum bar${hint}`));
      return;
    }
    const key = `${waiver.id} ${waiver.target === undefined ? "" : subjectKey(waiver.target)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const what = waiver.target === undefined ? waiver.id : `${waiver.id} for ${waiver.target}`;
      problems.push(
        problem(
          ["waivers", index, waiver.target === undefined ? "id" : "target"],
          `waives ${what} again; ${formatConfigPath(["waivers", earlier])} already does, so keep one`,
        ),
      );
    }
    seen.set(key, index);
  });
  return waivers;
}

/** What a stack declares, as a waiver's target may name it. */
export interface DeclaredSubjects {
  /** The stack file's fields as parsed (defaults filled in): a target may be any key path in them. */
  fields: unknown;
  zone: string;
  hosts: readonly DeclaredHost[];
  records: readonly DeclaredRecord[];
  edge: EdgeConfig;
  email: EmailConfig;
  performance: PerformanceConfig;
  monitoring?: MonitoringConfig;
}

/** Host, record and mail names, and endpoints as host/path: what a failure can be about besides a config path. */
export function declaredNames(stack: Omit<DeclaredSubjects, "fields">): string[] {
  const names = [stack.zone, `_dmarc.${stack.zone}`, ...stack.hosts.map((h) => h.fqdn), ...stack.records.map((r) => r.name), ...stack.email.parked];
  for (const sending of stack.email.sending) {
    names.push(sending.domain, `_dmarc.${sending.domain}`);
    for (const sender of sending.senders) {
      names.push(...sender.dkim.map((key) => `${key.selector}._domainkey.${sending.domain}`));
      names.push(sender.returnPath.domain, ...sender.links.map((link) => link.name));
    }
  }
  names.push(...stack.edge.endpoints.map((e) => `${e.host}${e.path}`), ...stack.edge.externalEndpoints.map((e) => e.url));
  names.push(...stack.performance.endpoints.map((e) => e.url), ...(stack.monitoring?.monitors.map((m) => m.url) ?? []));
  return names;
}

/**
 * Whether `target` is a key path of the stack file (`edge.endpoints[2]`, `launch-ready:hosts[0].proxied`),
 * case aside: every list item it names exists, and its last key is one the file has or the schema knows there.
 */
function isConfigPath(fields: unknown, target: string): boolean {
  const text = target.trim().replace(/^launch-ready:/, "");
  if (!/^[A-Za-z][\w-]*(\[\d+\])*(\.[A-Za-z][\w-]*(\[\d+\])*)*$/.test(text)) return false;
  const segments = [...text.matchAll(/([A-Za-z][\w-]*)|\[(\d+)\]/g)].map(([, key, index]) => (index !== undefined ? Number(index) : key));
  const path: PathSegment[] = [];
  let value = fields;
  for (const [position, segment] of segments.entries()) {
    if (typeof segment === "number") {
      if (!Array.isArray(value) || segment >= value.length) return false;
      value = value[segment];
    } else {
      const here = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
      const known = position === segments.length - 1 ? [...here, ...knownKeysAt(path)] : here;
      const found = known.find((k) => k.toLowerCase() === segment.toLowerCase());
      if (found === undefined) return false;
      value = (value as Record<string, unknown> | undefined)?.[found];
      path.push(found);
      continue;
    }
    path.push(segment);
  }
  return true;
}

/** A waiver whose target names nothing the stack declares would silently cover nothing: refused, with its path. */
export function checkWaiverTargets(waivers: readonly Waiver[], stack: DeclaredSubjects, problems: ConfigProblem[]): void {
  const names = [...declaredNames(stack), ...ENDPOINT_KINDS];
  waivers.forEach((waiver, index) => {
    if (waiver.target === undefined || isConfigPath(stack.fields, waiver.target) || targetCovers(waiver.target, names)) return;
    problems.push(
      problem(
        ["waivers", index, "target"],
        `${shownValue(waiver.target)} names nothing this stack declares, so the waiver would cover nothing; write a config path (edge.endpoints[0], hosts[2]), a declared host or record name (${stack.hosts[0]?.fqdn ?? stack.zone}), an endpoint (host/path) or an endpoint kind (${ENDPOINT_KINDS.join(", ")}), or remove target to waive every failure of ${waiver.id}`,
      ),
    );
  });
}
