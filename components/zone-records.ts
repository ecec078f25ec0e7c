/**
 * Every DNS record a stack declares, from the three places that declare them. Its own module
 * because the mail plan builds on the site plan's record shape.
 */
import { planMailRecords } from "./mail-auth/mail-records";
import { planDnsRecords, planExtraRecords, type PlannedRecord } from "./site-records";
import type { LaunchReadyConfig } from "../stacks/stack-config";

/** The hosts' records, the mail records as they stand on `day` (YYYY-MM-DD) and launch-ready:records. */
export function planZoneRecords(config: LaunchReadyConfig, day: string): PlannedRecord[] {
  return [...planDnsRecords(config), ...planMailRecords(config, day), ...planExtraRecords(config)];
}
