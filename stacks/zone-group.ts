/**
 * Which stacks share a Cloudflare zone, and who owns it. One domain usually serves every
 * environment (staging.example.com beside example.com), and Cloudflare keeps one set of zone
 * settings and one entrypoint ruleset per phase for the whole zone: exactly one stack may manage
 * those. A stack whose `zone.owner` names another lives in that stack's zone and manages only its
 * own records; the owner carries its edge rules. Read from the project's stack files, so the
 * program, the offline plan and the policy pack all see the same group.
 */
import { problem, type ConfigProblem } from "./config-problems";
import { parseStackConfig, type LaunchReadyConfig } from "./stack-config";
import { isPlainObject, stackNameFromPath, unreadableSiblings, type StackFile } from "./stack-file";

/** One stack of a zone: its name, its file and its resolved config. */
export interface ZoneStack {
  stack: string;
  /** The stack file it was read from; absent for a config written in code. */
  path?: string;
  config: LaunchReadyConfig;
}

export interface ZoneGroup {
  /** The stack that owns the zone: manages its settings, rulesets, apex mail and canonical redirect. */
  owner: ZoneStack;
  /** The stacks living in the owner's zone (`zone.owner` names it), by stack name. */
  members: ZoneStack[];
}

/**
 * A stack file beside this one whose zone could not be compared with this stack's: it cannot be
 * read, or its config is refused. Reported, and left out of the group until it is fixed.
 */
export interface UncheckedSibling {
  path: string;
  /** Why, after the file's name: "cannot be read: ...", "shares zone ... but its config is refused (...)". */
  why: string;
}

export type ZoneGroupResult = { ok: true; group: ZoneGroup; unchecked: UncheckedSibling[] } | { ok: false; problems: ConfigProblem[] };

/** What Cloudflare keeps once per zone, named in refusals so the reader sees what would collide. */
export const ZONE_WIDE_OBJECTS =
  "its zone settings (SSL mode, TLS versions, HTTPS redirects, HSTS), its entrypoint ruleset of each phase (cache, WAF, rate limits, headers, redirects, DDoS) and the apex/www redirect";

type GroupOrProblems = { ok: true; group: ZoneGroup } | { ok: false; problems: ConfigProblem[] };

function rawZoneId(file: StackFile): unknown {
  const zone = file.config["launch-ready:zone"];
  return isPlainObject(zone) ? zone.zoneId : undefined;
}

function parsedSibling(file: StackFile): { ok: true; stack: ZoneStack } | { ok: false; problem: ConfigProblem } {
  const parsed = parseStackConfig(file.config);
  if (parsed.ok) return { ok: true, stack: { stack: file.stack, path: file.path, config: parsed.config } };
  return { ok: false, problem: parsed.problems[0] };
}

/**
 * The zone group of `self` among its sibling stack files. Refuses, naming both stacks, two
 * stacks that would both own one zone, an owner that does not exist or lives elsewhere, and a
 * member whose domain is not its own subdomain of the owner's. A sibling that cannot be read, or
 * whose config is refused, is `unchecked` rather than a problem of this stack, so one broken file
 * never stops the others' plans; only the owner this stack names is needed to plan it.
 */
export function resolveZoneGroup(self: ZoneStack, siblings: readonly StackFile[]): ZoneGroupResult {
  const { zone } = self.config;
  const problems: ConfigProblem[] = [];
  const unchecked: UncheckedSibling[] = [];
  const ownerBroken = (path: string, why: string) =>
    problem(
      ["zone", "owner"],
      `is ${zone.owner}, whose stack file ${path} ${why}; this stack is planned with its owner's zone settings and rulesets, so fix that file first (plan --stack ${zone.owner} lists every problem)`,
      `# fix ${path}`,
    );
  for (const { path, why } of unreadableSiblings(siblings)) {
    if (zone.owner !== undefined && stackNameFromPath(path) === zone.owner) problems.push(ownerBroken(path, why));
    else unchecked.push({ path, why: `${why}; whether it shares zone ${zone.zoneId} with this stack is not checked` });
  }
  const sameZone: ZoneStack[] = [];
  for (const file of siblings) {
    if (file.stack === self.stack || (rawZoneId(file) !== zone.zoneId && file.stack !== zone.owner)) continue;
    const sibling = parsedSibling(file);
    if (!sibling.ok) {
      const refusal = `${sibling.problem.path}: ${sibling.problem.message}`;
      if (file.stack === zone.owner) problems.push(ownerBroken(file.path, `is refused (${refusal})`));
      else
        unchecked.push({
          path: file.path,
          why: `is refused (${refusal}), so what it shares of zone ${zone.zoneId} with this stack is not checked (plan --stack ${file.stack} lists every problem)`,
        });
      continue;
    }
    if (sibling.stack.config.zone.zoneId === zone.zoneId || file.stack === zone.owner) sameZone.push(sibling.stack);
  }
  if (problems.length > 0) return { ok: false, problems };
  const resolved = zone.owner === undefined ? ownerGroup(self, sameZone) : memberGroup(self, sameZone);
  return resolved.ok ? { ...resolved, unchecked } : resolved;
}

function ownerGroup(self: ZoneStack, sameZone: readonly ZoneStack[]): GroupOrProblems {
  const { zone } = self.config;
  const rivals = sameZone.filter((other) => other.config.zone.zoneId === zone.zoneId && other.config.zone.owner === undefined);
  if (rivals.length > 0) {
    return {
      ok: false,
      problems: rivals.map((rival) => {
        const [owner, member] = likelyOwner(self, rival) === self ? [self, rival] : [rival, self];
        const memberDomain = member.config.zone.domain.endsWith(`.${owner.config.zone.domain}`)
          ? member.config.zone.domain
          : `${member.stack}.${owner.config.zone.domain}`;
        return problem(
          ["zone", "zoneId"],
          `is zone ${zone.zoneId}, which stack ${rival.stack} (${rival.path ?? "in code"}) also owns: both would manage ${ZONE_WIDE_OBJECTS}, and each pulumi up would undo the other's. Keep one owner, ${owner.stack}: in ${member === self ? "this stack's file" : `${member.stack}'s stack file`} write zone.owner: ${owner.stack} and zone.domain: ${memberDomain}`,
          `owner: ${owner.stack}   # in ${member.path ?? member.stack}`,
        );
      }),
    };
  }
  const members = sameZone.filter((other) => other.config.zone.owner === self.stack && other.config.zone.zoneId === zone.zoneId);
  return { ok: true, group: { owner: self, members: [...members].sort((a, b) => (a.stack < b.stack ? -1 : 1)) } };
}

/**
 * Universal SSL covers the zone's apex and one label below it (example.com, *.example.com): a
 * proxied name deeper than that (api.staging.example.com) gets no edge certificate, and browsers
 * refuse it, unless the owner orders an advanced one for the member's domain (edgeCertificate).
 */
function certificateProblems(config: LaunchReadyConfig, zoneName: string, ownerName: string): ConfigProblem[] {
  if (config.zone.edgeCertificate === "advanced") return [];
  return config.hosts
    .filter((host) => host.proxied && host.fqdn.slice(0, -zoneName.length - 1).split(".").length > 1)
    .map((host) =>
      problem(
        ["hosts", host.index, "name"],
        `is ${host.fqdn}, two labels below the zone ${zoneName}, where Cloudflare's Universal SSL certificate (${zoneName}, *.${zoneName}) does not reach, so browsers would refuse it. Write zone.edgeCertificate: advanced, and stack ${ownerName} orders an advanced certificate for ${config.zone.domain} and *.${config.zone.domain} (Advanced Certificate Manager, a paid add-on on every plan); or serve it DNS-only (proxied: false) with the origin's own certificate`,
        "edgeCertificate: advanced   # in launch-ready:zone",
      ),
    );
}

/** Of two stacks owning one zone, the one that should: the parent domain, else production, else the first by name. */
function likelyOwner(a: ZoneStack, b: ZoneStack): ZoneStack {
  const [da, db] = [a.config.zone.domain, b.config.zone.domain];
  if (db.endsWith(`.${da}`)) return a;
  if (da.endsWith(`.${db}`)) return b;
  if ((a.config.environment === "production") !== (b.config.environment === "production")) return a.config.environment === "production" ? a : b;
  return a.stack < b.stack ? a : b;
}

function memberGroup(self: ZoneStack, sameZone: readonly ZoneStack[]): GroupOrProblems {
  const { zone } = self.config;
  const ownerName = zone.owner as string;
  const at = (field: string, message: string) => ({ ok: false as const, problems: [problem(["zone", field], message)] });
  if (ownerName === self.stack) return at("owner", `names this stack itself; leave zone.owner out when this stack owns its zone`);
  const owner = sameZone.find((other) => other.stack === ownerName);
  if (!owner) {
    const owners = sameZone.filter((other) => other.config.zone.owner === undefined).map((other) => other.stack);
    const hint =
      owners.length > 0 ? `; zone ${zone.zoneId} is owned by ${owners.join(", ")}` : `; no stack file beside this one owns zone ${zone.zoneId} either`;
    return at("owner", `is ${ownerName}, but there is no stack file Pulumi.${ownerName}.yaml beside this one${hint}`);
  }
  const theirs = owner.config.zone;
  if (theirs.owner !== undefined) {
    return at("owner", `is ${ownerName}, which lives in stack ${theirs.owner}'s zone itself; name the stack that owns the zone: zone.owner: ${theirs.owner}`);
  }
  if (theirs.zoneId !== zone.zoneId) {
    return at(
      "zoneId",
      `is ${zone.zoneId}, but stack ${ownerName} (zone.owner) manages zone ${theirs.zoneId} (${theirs.domain}); write its zone ID: zoneId: ${theirs.zoneId}`,
    );
  }
  const problems: ConfigProblem[] = [];
  if (theirs.accountId !== zone.accountId) {
    problems.push(
      problem(
        ["zone", "accountId"],
        `is ${zone.accountId}, but stack ${ownerName}'s zone belongs to account ${theirs.accountId}; write accountId: ${theirs.accountId}`,
      ),
    );
  }
  if (theirs.plan !== zone.plan) {
    problems.push(problem(["zone", "plan"], `is ${zone.plan}, but the zone is on the ${theirs.plan} plan (stack ${ownerName}); write plan: ${theirs.plan}`));
  }
  if (!zone.domain.endsWith(`.${theirs.domain}`)) {
    problems.push(
      problem(
        ["zone", "domain"],
        `is ${zone.domain}, but a stack in stack ${ownerName}'s zone ${theirs.domain} has a subdomain of its own, so its records and mail never meet ${ownerName}'s; write domain: ${self.stack}.${theirs.domain}`,
      ),
    );
  }
  if (problems.length === 0) problems.push(...certificateProblems(self.config, theirs.domain, ownerName));
  if (problems.length > 0) return { ok: false, problems };
  const members = sameZone.filter((other) => other.config.zone.owner === ownerName && other.config.zone.zoneId === zone.zoneId);
  return { ok: true, group: { owner, members: [...members, self].sort((a, b) => (a.stack < b.stack ? -1 : 1)) } };
}
