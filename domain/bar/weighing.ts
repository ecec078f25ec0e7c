/**
 * How much a bar failure weighs, decided once for every place that judges the bar: the offline
 * plan, the policy pack and live verification. Production is mandatory; staging too, except what
 * the bar lets it relax; development is advisory, so a dev stack can try things without being
 * blocked. A written waiver in force turns a failure advisory and says why; an expired one is a
 * failure of its own. A waiver with a target covers only the failures about that target.
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
  /**
   * What the waiver covers, when not every failure of its ID: a config path (`edge.endpoints[2]`,
   * `hosts[4]`), a host or record name (`admin.example.com`), an endpoint (`api.example.com/auth/login`)
   * or an endpoint kind (`signup`). Absent: every failure of the ID.
   */
  target?: string;
}

/** A failure's subject that is a config path is written with the namespace, as error messages print it. */
const CONFIG_PATH = /^launch-ready:/i;

/**
 * A target or subject in the one form they are compared in: lower case, without the
 * `launch-ready:` namespace of a config path, the scheme of a URL or a name's trailing dot.
 */
export function subjectKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(CONFIG_PATH, "")
    .replace(/^https?:\/\//, "")
    .replace(/\.$/, "")
    .replace(/\.(?=\/)/, "");
}

/**
 * Whether a target names one of a failure's subjects, or something that contains it: a config path
 * covers the keys below it (`hosts[4]` covers `launch-ready:hosts[4].proxied`, `edge.endpoints`
 * every endpoint), a host covers its endpoints (`api.example.com` covers `api.example.com/auth/login`).
 * Names and kinds are otherwise compared whole, so `ai` is the kind, never a prefix of `ai.example.com`.
 */
export function targetCovers(target: string, subjects: readonly string[]): boolean {
  const wanted = subjectKey(target);
  return subjects.some((subject) => {
    const key = subjectKey(subject);
    if (key === wanted || key.startsWith(`${wanted}/`)) return true;
    return CONFIG_PATH.test(subject.trim()) && (key.startsWith(`${wanted}.`) || key.startsWith(`${wanted}[`));
  });
}

/** How a waiver reads in reports: "the waiver for EDGE-RATE-LIMIT (target edge.endpoints[2])". */
export function describeWaiver(waiver: Pick<Waiver, "id" | "target">): string {
  return `the waiver for ${waiver.id}${waiver.target ? ` (target ${waiver.target})` : ""}`;
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

/**
 * The waiver in force on `today` (YYYY-MM-DD; it runs through its expiry day) that covers a failure
 * of `id` about `subjects`: one whose target names a subject, else one without a target.
 */
export function coveringWaiver(waivers: readonly Waiver[], id: string, subjects: readonly string[], today: string): Waiver | undefined {
  const inForce = waivers.filter((waiver) => waiver.id === id && waiver.expires >= today);
  return (
    inForce.find((waiver) => waiver.target !== undefined && targetCovers(waiver.target, subjects)) ?? inForce.find((waiver) => waiver.target === undefined)
  );
}

export function expiredWaivers(waivers: readonly Waiver[], today: string): Waiver[] {
  return waivers.filter((waiver) => waiver.expires < today);
}

export function expiredWaiverMessage(waiver: Waiver): string {
  return `${describeWaiver(waiver)} (${waiver.owner}: ${waiver.reason}) expired on ${waiver.expires}; meet the bar, or renew the waiver in launch-ready:waivers with a new date and reason`;
}

/** A failure as weighed: its level, whether a waiver covers it (and which), and the message to report. */
export interface WeighedFailure {
  level: Level;
  waived: boolean;
  message: string;
  /** The waiver that covers it. */
  waiver?: Waiver;
}

/** A failure to weigh: its bar ID, what is wrong, and what it is about (config paths, names, endpoints, kinds). */
export interface Failure {
  id: string;
  message: string;
  /** What the failure is about, as a waiver's target names it; a targeted waiver covers only failures about its target. */
  subjects?: readonly string[];
  /** The bar lets staging relax this part; production never. */
  relaxedOutsideProduction?: boolean;
}

export function weighFailure(stack: WeighedStack, failure: Failure, today: string): WeighedFailure {
  const waiver = coveringWaiver(stack.waivers, failure.id, failure.subjects ?? [], today);
  if (waiver)
    return {
      level: "advisory",
      waived: true,
      waiver,
      message: `waived until ${waiver.expires} by ${waiver.owner}${waiver.target ? ` for ${waiver.target}` : ""}: ${waiver.reason} (the finding: ${failure.message})`,
    };
  return { level: levelFor(stack.environment, failure.relaxedOutsideProduction), waived: false, message: failure.message };
}

/** The day judged, YYYY-MM-DD in UTC. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The day `days` after `day`, both YYYY-MM-DD in UTC: a date the kit writes ahead (a waiver's expiry, security.txt's). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
