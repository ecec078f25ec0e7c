/**
 * The planned stack against what the zone already has. Cloudflare keeps one entrypoint ruleset
 * per zone and phase, and every zone has every setting, so each `kind: zone` ruleset the kit would
 * create in a phase that already has one, and each zone setting the kit sets, is an object that
 * exists: it is adopted with `pulumi import` under its exact logical name and parents, and the
 * first `pulumi up` then updates it instead of failing to create a second one. What that update
 * changes is listed: the rules the kit's ruleset replaces (a ruleset's rules are one list, written
 * whole), and the settings whose value differs. Pure functions over the plan and the export.
 */
import { PHASES } from "../../domain/cloudflare/identifiers";
import { RULESET, ZONE_SETTING } from "../../domain/resource-types";
import { stableJson } from "../../domain/stable-json";
import type { RegisteredResource } from "../plan/offline-run";
import type { ImportFile } from "../zone-import/zone-coverage";
import { buildImportFile, engineUrn, importedUrns, type ImportTarget } from "./import-file";
import type { ExistingRule, ExistingRuleset, ZoneExport } from "./zone-export";

/** A planned zone object Cloudflare already has, with its import ID in the provider's format. */
export interface AdoptedObject {
  resource: RegisteredResource;
  /** `zones/<zone_id>/<ruleset_id>` (Ruleset) or `<zone_id>/<setting_id>` (ZoneSetting): @pulumi/cloudflare 6's "## Import". */
  id: string;
  /** The phase of a ruleset, the setting ID of a zone setting. */
  what: { phase: string } | { settingId: string };
  /** The URN the import gives it, which the program's registration has too. */
  urn: string;
  /** The URN of its parent component. */
  parentUrn?: string;
}

/** An existing rule and whether the kit's ruleset for its phase keeps it. */
export interface ReplacedRule extends ExistingRule {
  /** The kit declares a rule with the same expression and action, so the rule's effect stays. */
  keptByKit: boolean;
}

export interface Adoption {
  adopted: AdoptedObject[];
  /** Planned zone objects the zone does not have: `pulumi up` creates them. */
  created: Array<{ resource: RegisteredResource; what: { phase: string } | { settingId: string } }>;
  /** Per adopted ruleset, its rules as they are: the kit's rules take their place at `pulumi up`. */
  replacedRules: Array<{ phase: string; ruleset: { id: string; name: string }; rules: ReplacedRule[] }>;
  /** Zone settings whose value the first `pulumi up` changes. */
  changedSettings: Array<{ settingId: string; current: unknown; planned: unknown; editable?: boolean }>;
  /** The zone's entrypoint rulesets of phases the stack declares nothing in: left as they are. */
  untouched: ExistingRuleset[];
  /** Entrypoints the export could not read, in phases the stack does not declare: left as they are. */
  unreadableUntouched: ZoneExport["unreadable"];
  /** The `pulumi import` file; empty resources when there is nothing to adopt. */
  file: ImportFile;
}

/** A planned ruleset or setting can only be adopted where its phase or setting exists in the stack's own zone. */
const PHASE_ORDER: readonly string[] = Object.values(PHASES);

function zoneObjects(resources: readonly RegisteredResource[], zoneId: string) {
  const inZone = (resource: RegisteredResource) => String(resource.inputs.zoneId ?? "").toLowerCase() === zoneId;
  return {
    // In the phases' order, not the order the run registered them in, which follows how long each one's inputs took to resolve.
    rulesets: resources
      .filter((resource) => resource.type === RULESET && resource.inputs.kind === "zone" && inZone(resource))
      .sort((a, b) => PHASE_ORDER.indexOf(String(a.inputs.phase)) - PHASE_ORDER.indexOf(String(b.inputs.phase))),
    settings: resources.filter((resource) => resource.type === ZONE_SETTING && inZone(resource)),
  };
}

const plannedRules = (resource: RegisteredResource): Array<Record<string, unknown>> =>
  Array.isArray(resource.inputs.rules) ? (resource.inputs.rules as Array<Record<string, unknown>>) : [];

/**
 * A phase the stack declares a ruleset in but whose entrypoint the token could not read cannot be
 * adopted blind: its rules would be replaced unseen. The caller refuses the export then.
 */
export function unreadablePlannedPhases(resources: readonly RegisteredResource[], exported: ZoneExport): ZoneExport["unreadable"] {
  const planned = new Set(zoneObjects(resources, exported.zone.id).rulesets.map((resource) => String(resource.inputs.phase)));
  return exported.unreadable.filter((entry) => planned.has(entry.phase));
}

/**
 * What the planned stack adopts from the export. `stack` and `project` name the URNs; `versions`
 * are the provider versions the program runs on, by package (`cloudflare`).
 */
export function planAdoption(
  resources: readonly RegisteredResource[],
  exported: ZoneExport,
  names: { stack: string; project: string; versions: Record<string, string> },
): Adoption {
  const zoneId = exported.zone.id;
  const { rulesets, settings } = zoneObjects(resources, zoneId);
  const adoption: Omit<Adoption, "file" | "adopted"> = { created: [], replacedRules: [], changedSettings: [], untouched: [], unreadableUntouched: [] };
  const targets: Array<ImportTarget & { what: AdoptedObject["what"] }> = [];

  for (const resource of rulesets) {
    const phase = String(resource.inputs.phase);
    const existing = exported.entrypoints.get(phase);
    if (!existing) {
      adoption.created.push({ resource, what: { phase } });
      continue;
    }
    targets.push({ resource, id: `zones/${zoneId}/${existing.id}`, what: { phase } });
    const kit = new Set(plannedRules(resource).map((rule) => `${String(rule.action)} ${String(rule.expression)}`));
    adoption.replacedRules.push({
      phase,
      ruleset: { id: existing.id, name: existing.name },
      rules: existing.rules.map((rule) => ({ ...rule, keptByKit: kit.has(`${rule.action} ${rule.expression}`) })),
    });
  }
  for (const resource of settings) {
    const settingId = String(resource.inputs.settingId);
    const existing = exported.settings.get(settingId);
    if (!existing) {
      adoption.created.push({ resource, what: { settingId } });
      continue;
    }
    targets.push({ resource, id: `${zoneId}/${settingId}`, what: { settingId } });
    if (stableJson(existing.value) !== stableJson(resource.inputs.value)) {
      adoption.changedSettings.push({
        settingId,
        current: existing.value,
        planned: resource.inputs.value,
        ...(existing.editable === undefined ? {} : { editable: existing.editable }),
      });
    }
  }
  const plannedPhases = new Set(rulesets.map((resource) => String(resource.inputs.phase)));
  adoption.untouched = [...exported.entrypoints.values()].filter((ruleset) => !plannedPhases.has(ruleset.phase));
  adoption.unreadableUntouched = exported.unreadable.filter((entry) => !plannedPhases.has(entry.phase));

  const file = buildImportFile(resources, targets, names.versions);
  // The import and the program must name every object alike, or `pulumi up` would create a second
  // one beside what the import adopted (and an empty component beside the program's).
  const programUrns = new Set(resources.map((resource) => engineUrn(resource.urn)));
  for (const [name, urn] of importedUrns(file, names.stack, names.project)) {
    if (!programUrns.has(urn)) throw new Error(`the import file would give ${name} the URN ${urn}, which the program does not register`);
  }
  const adopted = targets.map(
    ({ resource, id, what }): AdoptedObject => ({
      resource,
      id,
      what,
      urn: engineUrn(resource.urn),
      ...(resource.parent ? { parentUrn: engineUrn(resource.parent) } : {}),
    }),
  );
  return { ...adoption, adopted, file };
}
