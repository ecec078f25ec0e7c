/**
 * `init --from-zone FILE`: the prod stack's hosts, mail and other records come from the zone's
 * BIND export, mapped by the zone import (scripts/zone-import), so adopting a live zone keeps
 * every record it has; everything else in the stack is init's own. Staging stays generated: its
 * names are under staging.<domain>, which the export does not describe.
 */
import { CONFIG_NAMESPACE } from "../../stacks/config-schema";
import type { ZoneImport } from "../zone-import/draft";
import { describeRecord, readZone } from "../zone-import/zone-file";
import { mapZone } from "../zone-import/zone-import";
import type { InitFacts } from "./facts";

/** The keys the zone decides; the import writes its own email only when the zone has mail records. */
const IMPORTED_KEYS = ["hosts", "email", "records", "waivers"].map((name) => `${CONFIG_NAMESPACE}:${name}`);

export interface ZoneAdoption {
  imported: ZoneImport;
  config: Record<string, unknown>;
  comments: Record<string, string>;
  header: string;
}

/**
 * Maps the export for the prod stack. Throws ZoneImportError (naming the import's option) when the
 * file is not the domain's zone or cannot make a stack; a wildcard's waiver names `waiverOwner`.
 */
export function adoptZone(text: string, source: string, facts: InitFacts, day: string, waiverOwner: string): ZoneAdoption {
  const imported = mapZone(readZone(text, facts.domain), {
    domain: facts.domain,
    zoneId: facts.zoneId,
    accountId: facts.accountId,
    plan: facts.plan,
    environment: "production",
    canonical: facts.canonical,
    owner: waiverOwner,
    today: day,
    source,
  });
  const config = Object.fromEntries(IMPORTED_KEYS.filter((key) => key in imported.config).map((key) => [key, imported.config[key]]));
  const from = ` From ${source}, the zone's export:`;
  const comments: Record<string, string> = {
    [`${CONFIG_NAMESPACE}:hosts`]: `${from} its A, AAAA and CNAME records; purposes are guessed from the names, so check them.`,
    [`${CONFIG_NAMESPACE}:email`]: `${from} its MX, SPF, DKIM and DMARC records; the kit writes their text from these.`,
    [`${CONFIG_NAMESPACE}:records`]: `${from} its other records, each declared on purpose (DNS-SUBDOMAINS).`,
    [`${CONFIG_NAMESPACE}:waivers`]: `${from} its wildcard is kept under a dated waiver: replace it with named subdomains (DNS-SUBDOMAINS).`,
  };
  const whole = imported.unmapped.filter((entry) => entry.part === undefined);
  const lines = [` Hosts, mail and other records imported from ${source} on ${day}.`];
  const parts = imported.unmapped.filter((entry) => entry.part !== undefined);
  if (whole.length > 0)
    lines.push(" Not imported (left in Cloudflare as they are):", ...whole.map((entry) => `   ${describeRecord(entry.record)}: ${entry.reason}`));
  if (parts.length > 0)
    lines.push(" Imported without these parts:", ...parts.map((entry) => `   ${entry.record.name} ${entry.record.type} ${entry.part}: ${entry.reason}`));
  return { imported, config, comments, header: lines.join("\n") };
}
