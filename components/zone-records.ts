/**
 * Every DNS record a stack declares, from the three places that declare them. Its own module
 * because the mail plan builds on the site plan's record shape.
 */
import { mailRecordSpecs } from "./mail-auth/mail-records";
import { SES_SENDER_RECORDS } from "./ses-sender";
import { dnsRecordSpecs, extraRecordSpecs, type RecordSpec } from "./site-records";
import type { LaunchReadyConfig } from "../stacks/stack-config";

/** The hosts' records, the mail records as they stand on `day` (YYYY-MM-DD) and launch-ready:records. */
export function zoneRecordSpecs(config: LaunchReadyConfig, day: string): RecordSpec[] {
  return [...dnsRecordSpecs(config), ...mailRecordSpecs(config, day), ...extraRecordSpecs(config)];
}

/** How many DNS records the stack's program creates in its zone: those above, and each SesSender's. */
export function zoneRecordCount(config: LaunchReadyConfig, day: string): number {
  const sesSenders = config.email.sending.reduce((sum, sending) => sum + sending.senders.filter((sender) => sender.ses).length, 0);
  return zoneRecordSpecs(config, day).length + sesSenders * SES_SENDER_RECORDS;
}
