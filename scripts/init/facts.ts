/**
 * What `launch-ready init` must know to scaffold a product, and how each answer is judged. One
 * judge per fact, shared by the command line and the interactive questions, so a flag and a typed
 * answer are refused for the same reasons in the same words.
 */
import { z } from "zod";
import { ZONE_PLANS, type ZonePlan } from "../../domain/cloudflare/zone-plans";
import { classifyTarget, isPublicAddress, toAsciiZoneName } from "../../domain/hostnames";
import { KIT_NAME } from "../../stacks/project";
import { HEX32 } from "../../stacks/schema/common";
import { AWS_REGION } from "../../domain/aws";

export type Judged<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Judged<T> => ({ ok: true, value });
const refused = (problem: string): Judged<never> => ({ ok: false, problem });

/** Where a stack's web hosts point: one host name (a CNAME), or public addresses (A/AAAA records). */
export type Origin = string | string[];

export interface InitFacts {
  /** The product's ASCII domain, the Cloudflare zone's name. */
  domain: string;
  zoneId: string;
  accountId: string;
  plan: ZonePlan;
  canonical: "apex" | "www";
  /** The npm package and Pulumi project name. */
  project: string;
  awsRegion: string;
  origin?: Origin;
  stagingOrigin?: Origin;
  // The people the handover names; each one absent is a placeholder in the stack files.
  /** The founder: first contact and owner of every account; alerts and reports go here unless said otherwise. */
  ownerEmail?: string;
  ownerName?: string;
  alertEmails: string[];
  dmarcReports?: string;
  registrar?: { name: string; renews: string; autoRenew: boolean };
  /** Where the app's request logs are read (handover.logs.where). */
  logsWhere?: string;
  /** security.txt's Expires (handover.securityTxt.expires), YYYY-MM-DD: under a year from the day init runs, as RFC 9116 2.5.5 advises. */
  securityTxtExpires: string;
}

export function judgeDomain(text: string): Judged<string> {
  const zone = toAsciiZoneName(text);
  return zone.ok ? zone : refused(`${zone.problem}; give the domain the Cloudflare zone serves, e.g. quill-example.com`);
}

function judgeCloudflareId(text: string): Judged<string> {
  const id = text.trim().toLowerCase();
  return HEX32.test(id) ? ok(id) : refused("must be the 32-character hex ID from the zone's Overview page in the Cloudflare dashboard (API section)");
}
export const judgeZoneId = judgeCloudflareId;
export const judgeAccountId = judgeCloudflareId;

function judgeOneOf<T extends string>(allowed: readonly T[]): (text: string) => Judged<T> {
  return (text) => {
    const value = text.trim().toLowerCase();
    return allowed.includes(value as T) ? ok(value as T) : refused(`must be one of ${allowed.join(", ")}`);
  };
}
export const judgePlan = judgeOneOf(ZONE_PLANS);
export const judgeCanonical = judgeOneOf(["apex", "www"] as const);

/**
 * npm and Pulumi both take the name: lower case (npm), letters, digits, ".", "_" and "-" (Pulumi),
 * and not the kit's own name, since npm refuses to install a package into one of the same name.
 */
export function judgeProjectName(text: string): Judged<string> {
  const name = text.trim();
  if (name === KIT_NAME) return refused(`is the kit's own name; npm cannot install ${KIT_NAME} into a package of that name, so give another`);
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name) || name === "node_modules")
    return refused(
      'must be a lower-case npm and Pulumi project name: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters',
    );
  return ok(name);
}

/** quill-example.com → quill-example: the domain without its top-level label, one npm-safe word. */
export function projectNameFromDomain(domain: string): string {
  return domain.split(".").slice(0, -1).join("-");
}

export function judgeOrigin(text: string): Judged<Origin> {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return refused("is empty; give a host name such as quill.fly.dev, or the origin's public IP addresses");
  const targets = [];
  for (const entry of entries) {
    const target = classifyTarget(entry);
    if (!target.ok) return refused(`"${entry}" ${target.problem}`);
    if (target.value.type !== "CNAME" && !isPublicAddress(target.value.content))
      return refused(`"${entry}" is a private or reserved address nobody on the internet can reach; give the origin's public address`);
    targets.push(target.value);
  }
  if (targets.some((target) => target.type === "CNAME") && targets.length > 1)
    return refused("mixes a host name with other targets; give one host name, or only IP addresses");
  return ok(targets.length === 1 ? targets[0].content : targets.map((target) => target.content));
}

const email = z.email();

export function judgeEmail(text: string): Judged<string> {
  const value = text.trim();
  return email.safeParse(value).success ? ok(value) : refused("is not an email address");
}

/** One address or several, comma-separated, as --alert-email takes them (also repeated). */
export function judgeEmails(texts: readonly string[]): Judged<string[]> {
  const emails: string[] = [];
  for (const entry of texts.flatMap((text) => text.split(",")).map((text) => text.trim())) {
    if (entry === "") continue;
    const judged = judgeEmail(entry);
    if (!judged.ok) return refused(`"${entry}" ${judged.problem}`);
    if (!emails.includes(judged.value)) emails.push(judged.value);
  }
  return emails.length > 0 ? ok(emails) : refused("names no email address");
}

export function judgeName(text: string): Judged<string> {
  const name = text.trim();
  return name.length >= 2 && name.length <= 80 ? ok(name) : refused("must be 2 to 80 characters");
}

/** Where logs are read, as `launch-ready:handover.logs.where` takes it. */
export function judgeLogsWhere(text: string): Judged<string> {
  const where = text.trim();
  return where.length >= 10 && where.length <= 300 ? ok(where) : refused("must say where the logs are read, in 10 to 300 characters");
}

export function judgeDate(text: string): Judged<string> {
  const value = text.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(value)
    ? ok(value)
    : refused("must be a date written YYYY-MM-DD, e.g. 2027-06-01");
}

export function judgeAwsRegion(text: string): Judged<string> {
  const value = text.trim();
  return AWS_REGION.test(value) ? ok(value) : refused("must be an AWS region such as us-east-1 or eu-west-1");
}
