/**
 * What `adopt` found and wrote, as text for a person or as JSON, and the commands that come next.
 * Paths in the commands are as the person runs them: from the working directory when it is inside
 * the Pulumi project, else through `pulumi --cwd <project>`.
 */
import { isIP } from "node:net";
import { isAbsolute, relative } from "node:path";
import { PHASES } from "../../domain/cloudflare/identifiers";
import type { PulumiProject } from "../../stacks/project";
import { shownValue } from "../../stacks/shown-value";
import { terminalSafe } from "../cli/io";
import type { Adoption, AdoptedObject } from "./adoption";
import type { ExistingRule, ZoneExport } from "./zone-export";

/** Where a phase's rules are declared in a stack file, for keeping an existing rule by declaring it. */
const DECLARED_IN: Record<string, string> = {
  [PHASES.redirect]: "launch-ready:redirects",
  [PHASES.customWaf]: "launch-ready:edge.firewallRules (description, expression, action, reason)",
  [PHASES.rateLimit]: "launch-ready:edge.endpoints",
};

export interface AdoptOutcome {
  stack: string;
  zone: ZoneExport["zone"];
  /** The --export path as given. */
  exportPath: string;
  stackPath: string;
  adoption: Adoption;
  /** Where the import file is (or would be) written. */
  importPath: string;
  written: boolean;
  /** An import file from an earlier run at importPath, left as it was because nothing was adopted this time. */
  staleImportFile: boolean;
  project?: PulumiProject;
  /** The stack that owns the zone, when this stack only lives in it. */
  zoneOwner?: string;
  /** The policy pack as `--policy-pack` takes it from the project directory. */
  policyPack: string;
}

const shortType = (type: string) => type.split(":").at(-1) ?? type;
const whatText = (what: AdoptedObject["what"]) => ("phase" in what ? what.phase : what.settingId);

/** A run of the characters tokens, URLs and addresses are written with: each is judged whole. */
const TOKEN_RUN = /[A-Za-z0-9+/_.~%:@-]+/g;
/** A word of prose too long for shownValue to quote ("Authentication"): letters, small after the first, at most 24. */
const PROSE_WORD = /^[A-Za-z][a-z]{12,23}$/;

function isAddressRange(run: string): boolean {
  const [address, prefix, ...rest] = run.split("/");
  return rest.length === 0 && isIP(address) !== 0 && /^\d{1,3}$/.test(prefix ?? "");
}

/**
 * Text of the export as the reports show it. A rule's expression may match a header's secret
 * value and a description may hold a pasted token, so each run of it that could be a secret is
 * shown as the secret scanner previews one (`sk_live_******** (107 chars)`); the rest, field
 * names, paths, address ranges and words, as written.
 */
function withoutSecrets(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (PROSE_WORD.test(run) || isAddressRange(run) ? run : shownValue(run, { quoted: false })));
}

/** A value of the export with each text in it shown without secrets. */
function valueWithoutSecrets(value: unknown): unknown {
  if (typeof value === "string") return withoutSecrets(value);
  if (Array.isArray(value)) return value.map(valueWithoutSecrets);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, valueWithoutSecrets(entry)]));
  return value;
}

/** Text of the export as one line of the text report: a control character or line break in it can neither drive the terminal nor forge a line. */
const oneLine = (text: string) => terminalSafe(text).replace(/\n/g, "\\x0a");
const valueText = (value: unknown) => oneLine(typeof value === "string" ? withoutSecrets(value) : JSON.stringify(valueWithoutSecrets(value)));

/** An existing rule as the reports show it. */
const shownRule = <Rule extends ExistingRule>(rule: Rule): Rule => ({
  ...rule,
  ...(rule.description === undefined ? {} : { description: withoutSecrets(rule.description) }),
  ...(rule.expression === undefined ? {} : { expression: withoutSecrets(rule.expression) }),
});

/** A path as typed from `dir`: relative inside it, whole outside it, where a chain of `../` would hide where it is. */
function pathFrom(dir: string, path: string): string {
  const rel = relative(dir, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** Where `pulumi` runs and how a path is written for it. */
function pulumiPlace(outcome: AdoptOutcome, cwd: string): { prefix: string; path: (file: string) => string } {
  const projectDir = outcome.project?.dir;
  const inside = (dir: string) => {
    const rel = relative(dir, cwd);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  const base = projectDir && !inside(projectDir) ? projectDir : cwd;
  return {
    prefix: base === cwd ? "" : `--cwd ${pathFrom(cwd, base)} `,
    path: (file) => pathFrom(base, file),
  };
}

export function nextSteps(outcome: AdoptOutcome, cwd: string): string[] {
  if (!outcome.written) return [];
  const { prefix, path } = pulumiPlace(outcome, cwd);
  const atDefault = outcome.project && relative(outcome.project.stacksDir, outcome.stackPath) === `Pulumi.${outcome.stack}.yaml`;
  const configFile = atDefault ? "" : ` --config-file ${path(outcome.stackPath)}`;
  // `pulumi import` protects what it imports unless told otherwise; the program's own protect flag should hold from the start.
  const protect = outcome.adoption.adopted.every(({ resource }) => resource.protect) ? "" : " --protect=false";
  return [
    `pulumi ${prefix}import --file ${path(outcome.importPath)} --stack ${outcome.stack}${configFile} --generate-code=false --yes${protect}   # Pulumi 3.94 or later; the program already declares these, so no code is generated`,
    `pulumi ${prefix}preview --stack ${outcome.stack}${configFile} --policy-pack ${outcome.policyPack}   # expect updates of the adopted rulesets and settings (the changes listed above) and no create of them`,
  ];
}

function nothingToAdopt(outcome: AdoptOutcome): string {
  const { adoption, stack, zone, zoneOwner } = outcome;
  if (adoption.created.length > 0) {
    return `Nothing to adopt: ${oneLine(zone.name)} has none of the rulesets and settings stack ${stack} declares; pulumi up creates them.`;
  }
  const owner = zoneOwner ? ` (stack ${zoneOwner} owns the zone and manages them)` : "";
  return `Nothing to adopt: stack ${stack} declares no zone ruleset or zone setting${owner}.`;
}

export function jsonReport(outcome: AdoptOutcome, cwd: string): unknown {
  const { adoption } = outcome;
  const what = (value: AdoptedObject["what"]) => ("phase" in value ? { phase: value.phase } : { settingId: value.settingId });
  return {
    stack: outcome.stack,
    zone: outcome.zone,
    export: outcome.exportPath,
    importFile: outcome.written ? outcome.importPath : null,
    adopt: adoption.adopted.map(({ resource, id, urn, parentUrn, what: key }) => ({
      type: resource.type,
      logicalName: resource.name,
      id,
      urn,
      parentUrn: parentUrn ?? null,
      ...what(key),
    })),
    createdByPulumiUp: adoption.created.map(({ resource, what: key }) => ({ type: resource.type, logicalName: resource.name, ...what(key) })),
    replacedRules: adoption.replacedRules.map((entry) => ({ ...entry, rules: entry.rules.map(shownRule), declareToKeepIn: DECLARED_IN[entry.phase] ?? null })),
    changedSettings: adoption.changedSettings.map((entry) => ({ ...entry, current: valueWithoutSecrets(entry.current) })),
    untouched: adoption.untouched.map(({ phase, id, name, rules }) => ({ phase, id, name, rules: rules.length })),
    unreadableUntouched: adoption.unreadableUntouched,
    ...(outcome.written ? {} : { nothingToAdopt: nothingToAdopt(outcome) }),
    nextSteps: nextSteps(outcome, cwd),
  };
}

function ruleText(replaced: Adoption["replacedRules"][number]["rules"][number]): string {
  const rule = shownRule(replaced);
  const name = rule.description ? `"${oneLine(rule.description)}"` : "(no description)";
  const ref = rule.ref ? ` [ref ${oneLine(rule.ref)}]` : "";
  const state = rule.enabled ? "" : " (disabled)";
  const kept = rule.keptByKit ? "   kept: the kit declares the same expression and action" : "";
  return `    - ${name}${ref}${state}: ${oneLine(rule.action ?? "?")} when ${oneLine(rule.expression ?? "?")}${kept}`;
}

export function textReport(outcome: AdoptOutcome, cwd: string): string {
  const { adoption, zone, stack } = outcome;
  const shown = (path: string) => pathFrom(cwd, path);
  const out = [
    `${oneLine(zone.name)} (${zone.id}), as ${outcome.exportPath} saw it, against the offline plan of stack ${stack} (${shown(outcome.stackPath)}).`,
  ];
  if (!outcome.written) {
    out.push(nothingToAdopt(outcome));
    if (outcome.staleImportFile) out.push(`${shown(outcome.importPath)} is from an earlier run: nothing needs it now, so delete it rather than import it.`);
  } else {
    const components = adoption.file.resources.filter((entry) => entry.component).map((entry) => entry.logicalName ?? entry.name);
    out.push(
      "",
      `Wrote ${shown(outcome.importPath)}: ${adoption.adopted.length} existing object${adoption.adopted.length === 1 ? "" : "s"} to adopt, under ${components.length} component${components.length === 1 ? "" : "s"} the import creates empty (${components.join(", ")}):`,
    );
    const width = Math.max(...adoption.adopted.map(({ resource }) => resource.name.length));
    for (const { resource, id, parentUrn } of adoption.adopted) {
      out.push(`  ${shortType(resource.type).padEnd(11)} ${resource.name.padEnd(width)}  ${id}   (in ${parentUrn?.split("::").at(-1) ?? "the stack"})`);
    }
  }
  if (adoption.created.length > 0) {
    out.push(
      "",
      "pulumi up creates (the zone has none):",
      ...adoption.created.map(({ resource, what }) => `  ${shortType(resource.type)} ${resource.name} (${whatText(what)})`),
    );
  }
  if (adoption.replacedRules.length > 0) {
    out.push(
      "",
      "Rules that pulumi up replaces with the kit's (a phase's ruleset is one list of rules, written whole): to keep one, declare it in the stack file first.",
    );
    for (const { phase, ruleset, rules } of adoption.replacedRules) {
      const keep = DECLARED_IN[phase] ? `; declare one to keep in ${DECLARED_IN[phase]}` : "";
      out.push(`  ${phase} (ruleset "${oneLine(ruleset.name)}" ${ruleset.id}, ${rules.length} rule${rules.length === 1 ? "" : "s"}${keep}):`);
      out.push(...(rules.length > 0 ? rules.map(ruleText) : ["    (no rules)"]));
    }
  }
  if (adoption.changedSettings.length > 0) {
    out.push("", "Zone settings that pulumi up changes:");
    for (const { settingId, current, planned, editable } of adoption.changedSettings) {
      const locked = editable === false ? "   Cloudflare says this zone's plan cannot change it: pulumi up will fail on it" : "";
      out.push(`  ${settingId}: ${valueText(current)} -> ${valueText(planned)}${locked}`);
    }
  }
  if (adoption.untouched.length > 0 || adoption.unreadableUntouched.length > 0) {
    out.push(
      "",
      outcome.zoneOwner
        ? `Left as they are here; stack ${outcome.zoneOwner} owns the zone, so adopt them into it: npm run adopt -- --stack ${outcome.zoneOwner} --export ${outcome.exportPath}`
        : "Left as they are (the stack declares nothing in their phase):",
      ...adoption.untouched.map(
        ({ phase, name, rules }) => `  ${oneLine(phase)} (ruleset "${oneLine(name)}", ${rules.length} rule${rules.length === 1 ? "" : "s"})`,
      ),
      ...adoption.unreadableUntouched.map(({ phase, error }) => `  ${oneLine(phase)} (not readable with this token: ${oneLine(error)})`),
    );
  }
  const steps = nextSteps(outcome, cwd);
  if (steps.length > 0) {
    out.push(
      "",
      "Next, from the project, with the stack created and cloudflare:apiToken set (nothing has been run against Cloudflare or Pulumi):",
      ...steps.map((step, index) => `  ${index + 1}. ${step}`),
      "  Then pulumi up: it updates the adopted objects instead of failing to create them.",
    );
  }
  return out.join("\n");
}
