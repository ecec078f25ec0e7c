/**
 * What a zone already has, as Cloudflare's API answers it: the file `adopt` reads. One shell line
 * (`exportCommand`) saves four answers, each exactly as the API sent it (its envelope: `success`,
 * `errors`, `result`), under a name:
 *
 *   zone         GET /zones/{zone_id}                                  which zone this is (id, name)
 *   settings     GET /zones/{zone_id}/settings                         every zone setting with its value
 *   rulesets     GET /zones/{zone_id}/rulesets?per_page=50             the rulesets (id, kind, phase), without rules
 *   entrypoints  GET /zones/{zone_id}/rulesets/phases/{phase}/entrypoint, one per `kind: zone` ruleset of
 *                the list, in the list's order: each phase's entrypoint ruleset with its rules
 *
 * The list also holds managed rulesets the zone may run (kind `managed`); only a zone's entrypoint
 * rulesets (kind `zone`) are its own, and only they are fetched. Nothing here knows the kit: the
 * file is read and checked whole, and anything not as the command writes it is refused, naming the
 * part, so a partial or mixed-up export never adopts the wrong objects.
 */
import { HEX32 } from "../../stacks/schema/common";
import { shownValue } from "../../stacks/shown-value";

/** The file is not an export the command wrote; the message says which part is wrong and how. */
export class ZoneExportError extends Error {}

/** The export's parts, in the order the command fetches them. */
export const EXPORT_PARTS = ["zone", "settings", "rulesets", "entrypoints"] as const;

/**
 * The shell line that saves the export, with `$ZONE_ID` and `$CLOUDFLARE_API_TOKEN` from the
 * environment; it needs curl and jq. The rulesets list is fetched once and read for the phases
 * that have an entrypoint, so no request asks for a phase the zone does not have. Every answer is
 * kept as it came, errors included, for the reader to report: a refused request is told apart
 * from an empty zone.
 */
export function exportCommand(out = "zone-export.json"): string {
  return [
    'z="https://api.cloudflare.com/client/v4/zones/$ZONE_ID"; h="Authorization: Bearer $CLOUDFLARE_API_TOKEN";',
    'l=$(curl -sS -H "$h" "$z/rulesets?per_page=50");',
    '{ curl -sS -H "$h" "$z"; curl -sS -H "$h" "$z/settings"; printf \'%s\\n\' "$l";',
    "for p in $(printf '%s' \"$l\" | jq -r '.result[]? | select(.kind == \"zone\") | .phase'); do",
    'curl -sS -H "$h" "$z/rulesets/phases/$p/entrypoint"; done; }',
    `| jq -s '{${EXPORT_PARTS.map((part, index) => `${part}: .[${part === "entrypoints" ? `${index}:` : index}]`).join(", ")}}' > ${out}`,
  ].join(" ");
}

/** One rule of an existing ruleset, as far as a person needs it to decide whether to keep it. */
export interface ExistingRule {
  id?: string;
  /** Cloudflare sets it to the rule's ID when whoever made the rule gave none (the dashboard). */
  ref?: string;
  description?: string;
  expression?: string;
  action?: string;
  enabled: boolean;
}

/** A zone entrypoint ruleset: the one ruleset of its phase. */
export interface ExistingRuleset {
  id: string;
  name: string;
  phase: string;
  rules: ExistingRule[];
}

export interface ExistingSetting {
  id: string;
  value: unknown;
  /** False where the zone's plan does not let the setting change. */
  editable?: boolean;
}

export interface ZoneExport {
  zone: { id: string; name: string };
  /** Each phase's entrypoint ruleset, with its rules. */
  entrypoints: Map<string, ExistingRuleset>;
  /** Entrypoints the list names but the token could not read: the phase, the ruleset's ID and what Cloudflare said. */
  unreadable: Array<{ phase: string; id: string; error: string }>;
  settings: Map<string, ExistingSetting>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** What Cloudflare said when it refused a request: its error codes and messages. */
function apiErrors(envelope: Json): string {
  const errors = Array.isArray(envelope.errors) ? envelope.errors.filter(isObject) : [];
  const shown = errors.map((error) => `${error.code ?? "?"} ${String(error.message ?? "").trim()}`.trim());
  return shown.length > 0 ? shown.join("; ") : "no error message";
}

/**
 * The `result` of a part, or why there is none: not an envelope, or an answer with `success: false`
 * (a token without the permission, a wrong zone ID), whose errors are quoted.
 */
function resultOf(envelope: unknown, part: string, request: string): unknown {
  if (!isObject(envelope) || !("result" in envelope || "success" in envelope)) {
    throw new ZoneExportError(`its ${part} is not an answer of Cloudflare's API (${request}): it needs {"success", "errors", "result"}`);
  }
  if (envelope.success !== true) {
    throw new ZoneExportError(`its ${part} is Cloudflare's refusal of ${request}: ${apiErrors(envelope)}; check the token's permissions and ZONE_ID`);
  }
  return envelope.result;
}

function readZone(envelope: unknown): ZoneExport["zone"] {
  const zone = resultOf(envelope, "zone", "GET /zones/{zone_id}");
  if (!isObject(zone) || typeof zone.id !== "string" || !HEX32.test(zone.id.toLowerCase()) || typeof zone.name !== "string") {
    throw new ZoneExportError('its zone is not the "Zone details" answer: it needs a result with the zone\'s 32-character id and its name');
  }
  return { id: zone.id.toLowerCase(), name: zone.name.toLowerCase().replace(/\.$/, "") };
}

function readSettings(envelope: unknown): ZoneExport["settings"] {
  const result = resultOf(envelope, "settings", "GET /zones/{zone_id}/settings");
  // Every zone has its settings, so an empty list is a wrong answer, not an empty zone.
  if (!Array.isArray(result) || result.length === 0 || !result.every((entry) => isObject(entry) && typeof entry.id === "string" && "value" in entry)) {
    throw new ZoneExportError('its settings are not the "Get all zone settings" answer: it needs a result of [{"id", "value"}, ...]');
  }
  const settings: ZoneExport["settings"] = new Map();
  for (const entry of result as Json[]) {
    const id = entry.id as string;
    // The API lists each setting once; a second entry would silently decide which value the report compares.
    if (settings.has(id)) throw new ZoneExportError(`its settings list ${shownValue(id)} twice; the API lists each setting once`);
    settings.set(id, { id, value: entry.value, ...(typeof entry.editable === "boolean" ? { editable: entry.editable } : {}) });
  }
  return settings;
}

/** The zone's own rulesets of the list (kind `zone`), in the list's order: the phases the command fetched. */
function readListedEntrypoints(envelope: unknown): Array<{ id: string; phase: string }> {
  const result = resultOf(envelope, "rulesets", "GET /zones/{zone_id}/rulesets");
  if (!Array.isArray(result) || !result.every((entry) => isObject(entry) && typeof entry.id === "string" && typeof entry.phase === "string")) {
    throw new ZoneExportError('its rulesets are not the "List zone rulesets" answer: it needs a result of [{"id", "kind", "phase"}, ...]');
  }
  const info = (envelope as Json).result_info;
  // A next page would hold entrypoints the command never fetched, which `pulumi up` would then fail on.
  if (isObject(info) && isObject(info.cursors) && typeof info.cursors.after === "string" && info.cursors.after !== "") {
    throw new ZoneExportError("its rulesets are the first page of a longer list (result_info.cursors.after is set); the command cannot fetch the rest");
  }
  const own = (result as Json[]).filter((entry) => entry.kind === "zone").map((entry) => ({ id: entry.id as string, phase: entry.phase as string }));
  // The import file adopts each by its ID, which Cloudflare writes as 32 hex characters.
  const odd = own.find((entry) => !HEX32.test(entry.id));
  if (odd) throw new ZoneExportError(`its rulesets list the ${odd.phase} ruleset with the ID ${shownValue(odd.id)}, where Cloudflare's are 32 hex characters`);
  return own;
}

/** A rule's fields the report reads, each text where the API gives it (null or absent where it does not). */
const RULE_TEXT = ["id", "ref", "description", "expression", "action"] as const;

function readRule(rule: unknown, phase: string, index: number): ExistingRule {
  const at = `its ${phase} entrypoint's rule ${index + 1}`;
  if (!isObject(rule))
    throw new ZoneExportError(
      `${at} is ${Array.isArray(rule) ? "a list" : shownValue(rule)}, not a rule object ({"expression", "action", ...}) as the API answers`,
    );
  const given = (key: string) => rule[key] !== undefined && rule[key] !== null;
  const wrong = [
    ...RULE_TEXT.filter((key) => given(key) && typeof rule[key] !== "string"),
    ...(given("enabled") && typeof rule.enabled !== "boolean" ? ["enabled"] : []),
  ];
  if (wrong.length > 0) {
    throw new ZoneExportError(`${at} has ${wrong.join(", ")} of the wrong type: the API answers ${RULE_TEXT.join(", ")} as text and enabled as true or false`);
  }
  const text = (key: (typeof RULE_TEXT)[number]) => (given(key) ? { [key]: rule[key] as string } : {});
  return { ...text("id"), ...text("ref"), ...text("description"), ...text("expression"), ...text("action"), enabled: rule.enabled !== false };
}

/**
 * Each listed entrypoint paired with the answer fetched for it: the command fetches them in the
 * list's order, so the n-th answer is the n-th listed phase's, and an answer of another phase or
 * ruleset means the parts do not belong together.
 */
function readEntrypoints(answers: unknown, listed: Array<{ id: string; phase: string }>): Pick<ZoneExport, "entrypoints" | "unreadable"> {
  if (!Array.isArray(answers)) throw new ZoneExportError("its entrypoints are not a list of answers");
  if (answers.length !== listed.length) {
    throw new ZoneExportError(
      `lists ${listed.length} entrypoint ruleset${listed.length === 1 ? "" : "s"} of the zone (${listed.map((entry) => entry.phase).join(", ") || "none"}) but holds ${answers.length} entrypoint answer${answers.length === 1 ? "" : "s"}`,
    );
  }
  const entrypoints = new Map<string, ExistingRuleset>();
  const unreadable: ZoneExport["unreadable"] = [];
  listed.forEach(({ id, phase }, index) => {
    const answer = answers[index];
    const request = `GET /zones/{zone_id}/rulesets/phases/${phase}/entrypoint`;
    if (isObject(answer) && answer.success === false) {
      unreadable.push({ phase, id, error: apiErrors(answer) });
      return;
    }
    const ruleset = resultOf(answer, `entrypoint ${index + 1}`, request);
    if (!isObject(ruleset) || ruleset.phase !== phase || ruleset.id !== id) {
      throw new ZoneExportError(
        `its entrypoint ${index + 1} is not the ${phase} ruleset ${id} the list names there${isObject(ruleset) ? ` (it is ${String(ruleset.phase)} ${String(ruleset.id)})` : ""}; the parts were not fetched together`,
      );
    }
    const rules = ruleset.rules === undefined ? [] : ruleset.rules;
    if (!Array.isArray(rules)) throw new ZoneExportError(`its ${phase} entrypoint has rules that are not a list`);
    entrypoints.set(phase, {
      id,
      name: typeof ruleset.name === "string" ? ruleset.name : "",
      phase,
      rules: rules.map((rule, ruleIndex) => readRule(rule, phase, ruleIndex)),
    });
  });
  return { entrypoints, unreadable };
}

/**
 * How deep the export may nest: the API's answers nest about ten levels (a rule's action
 * parameters), and the reading, comparing and printing of a value recurse through it.
 */
const MAX_DEPTH = 64;

/** Where `value` nests deeper than MAX_DEPTH, as a path from the export's top; undefined when it does not. */
function tooDeep(value: unknown, path: string[]): string[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (path.length >= MAX_DEPTH) return path;
  const entries = Array.isArray(value)
    ? value.map((child, index) => [`[${index}]`, child] as const)
    : Object.entries(value).map(([key, child]) => [`.${shownValue(key, { quoted: false })}`, child] as const);
  for (const [segment, child] of entries) {
    const found = tooDeep(child, [...path, segment]);
    if (found) return found;
  }
  return undefined;
}

/** Reads the text the export command wrote; anything else is refused with a ZoneExportError. */
export function readZoneExport(text: string): ZoneExport {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ZoneExportError(
      text.trim() === "" ? "is empty (jq writes nothing when a request did not answer JSON)" : `is not JSON (${(error as Error).message})`,
    );
  }
  const deep = tooDeep(body, []);
  if (deep) {
    const shownSegments = 8;
    const where = `${deep.slice(0, shownSegments).join("").replace(/^\./, "")}${deep.length > shownSegments ? "…" : ""}`;
    throw new ZoneExportError(`nests deeper than ${MAX_DEPTH} levels at ${where}, as no answer of the API does`);
  }
  const shape = `{${EXPORT_PARTS.map((part) => `"${part}"`).join(", ")}}`;
  if (!isObject(body)) throw new ZoneExportError(`is not what the export command writes: it needs ${shape}`);
  if ("success" in body || "result" in body)
    throw new ZoneExportError(`is one answer of Cloudflare's API, not what the export command writes: it needs ${shape}, four answers`);
  const missing = EXPORT_PARTS.filter((part) => body[part] === undefined || body[part] === null);
  if (missing.length > 0) throw new ZoneExportError(`has no ${missing.join(", ")}: it needs the command's four parts`);
  const zone = readZone(body.zone);
  const settings = readSettings(body.settings);
  return { zone, settings, ...readEntrypoints(body.entrypoints, readListedEntrypoints(body.rulesets)) };
}
