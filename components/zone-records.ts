/**
 * Every DNS record a stack declares, from the four places that declare them. Its own module
 * because the mail plan builds on the site plan's record shape.
 */
import { mailRecordSpecs } from "./mail-auth/mail-records";
import { SES_SENDER_RECORDS } from "./ses-sender";
import { caaRecordSpecs } from "./zone-caa";
import { dnsRecordSpecs, extraRecordSpecs, type RecordSpec } from "./site-records";
import type { LaunchReadyConfig } from "../stacks/stack-config";

/** The hosts' records, the mail records as they stand on `day` (YYYY-MM-DD), launch-ready:records and the zone's CAA set. */
export function zoneRecordSpecs(config: LaunchReadyConfig, day: string): RecordSpec[] {
  return [...dnsRecordSpecs(config), ...mailRecordSpecs(config, day), ...extraRecordSpecs(config), ...caaRecordSpecs(config)];
}

/**
 * The most DNS records one stack of the kit declares, whatever the zone's quota (Enterprise's is
 * 1,000,000). Each is a Pulumi resource: the offline plan holds about 185 KB for each (3,500:
 * 860 MB, `npm run bench:zone-import`) and 100,000 run out of a 4 GB heap; and `pulumi up`
 * creates them within Cloudflare's API limit of 1,200 requests per 5 minutes per token
 * (developers.cloudflare.com/fundamentals/api/reference/limits/), a quarter of an hour for 3,500.
 * It is the largest quota below Enterprise, so no smaller zone meets it first.
 */
export const MAX_STACK_RECORDS = 3500;

/** How many DNS records the stack's program creates in its zone: those above, and each SesSender's. */
export function zoneRecordCount(config: LaunchReadyConfig, day: string): number {
  const sesSenders = config.email.sending.reduce((sum, sending) => sum + sending.senders.filter((sender) => sender.ses).length, 0);
  return zoneRecordSpecs(config, day).length + sesSenders * SES_SENDER_RECORDS;
}
