/**
 * How much a bar failure weighs, decided once for every place that judges the bar: the offline
 * plan, the policy pack and live verification. Production is mandatory; staging too, except what
 * the bar lets it relax; development is advisory, so a dev stack can try things without being
 * blocked. A written waiver in force turns a failure advisory and says why; an expired one is a
 * failure of its own.
 */

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export type Level = "mandatory" | "advisory";

/** A written exception to the bar, as `launch-ready:waivers` holds it. */
export interface Waiver {
  id: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD, the last day the waiver is in force. */
  expires: string;
}

/** What the weighing needs of a stack. */
export interface WeighedStack {
  environment?: Environment;
  waivers: readonly Waiver[];
}

export function levelFor(environment: Environment | undefined, relaxedOutsideProduction = false): Level {
  if (environment === "development") return "advisory";
  if (environment === "staging" && relaxedOutsideProduction) return "advisory";
  return "mandatory";
}

/** A waiver in force on `today` (YYYY-MM-DD): it runs through its expiry day. */
function activeWaiver(waivers: readonly Waiver[], id: string, today: string): Waiver | undefined {
  return waivers.find((waiver) => waiver.id === id && waiver.expires >= today);
}

export function expiredWaivers(waivers: readonly Waiver[], today: string): Waiver[] {
  return waivers.filter((waiver) => waiver.expires < today);
}

export function expiredWaiverMessage(waiver: Waiver): string {
  return `the waiver for ${waiver.id} (${waiver.owner}: ${waiver.reason}) expired on ${waiver.expires}; meet the bar, or renew the waiver in launch-ready:waivers with a new date and reason`;
}

/** A failure as weighed: its level, whether a waiver covers it, and the message to report. */
export interface WeighedFailure {
  level: Level;
  waived: boolean;
  message: string;
}

export function weighFailure(stack: WeighedStack, id: string, message: string, today: string, relaxedOutsideProduction = false): WeighedFailure {
  const waiver = activeWaiver(stack.waivers, id, today);
  if (waiver)
    return { level: "advisory", waived: true, message: `waived until ${waiver.expires} by ${waiver.owner}: ${waiver.reason} (the finding: ${message})` };
  return { level: levelFor(stack.environment, relaxedOutsideProduction), waived: false, message };
}

/** The day judged, YYYY-MM-DD in UTC. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
