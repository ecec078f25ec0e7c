/**
 * The waiver: a wildcard the live zone has is kept as it is, but the bar refuses it (DNS-SUBDOMAINS)
 * unless waived, and a waiver is dated and names who answers for it. Its own stage because it is
 * the one place the import adds a decision of its own (the owner, the 90 days), not the zone's.
 */
import { addDays } from "../../domain/bar/weighing";
import { isWildcard } from "./config-names";
import type { Draft } from "./draft";
import { ZoneImportError } from "./zone-file";

const WAIVER_DAYS = 90;

/** A wildcard is kept as the live zone has it, under a dated DNS-SUBDOMAINS waiver with a named owner. */
export function wildcardWaivers(draft: Draft): Array<Record<string, unknown>> {
  const wildcards = [...new Set(draft.mapped.map(({ record }) => record.name).filter(isWildcard))];
  if (wildcards.length === 0) return [];
  const { owner, source, today } = draft.options;
  if (!owner) {
    throw new ZoneImportError(
      "--owner",
      `is needed: the zone has ${wildcards.join(", ")}, a wildcard the bar refuses (DNS-SUBDOMAINS) unless waived, and a waiver names who answers for it; give --owner you@${draft.zone}`,
    );
  }
  const reason = `Imported from the live zone (${source}, ${today}): ${wildcards.join(", ")} answers for names nobody declared; replace it with named subdomains before this waiver expires`;
  return [{ id: "DNS-SUBDOMAINS", reason, owner, expires: addDays(today, WAIVER_DAYS) }];
}
