/**
 * A host's `platform` and `verification` resolved against what the platform documents
 * (domain/hosting/platforms.ts): its targets checked, its proxy default and refusals applied, its
 * ownership TXT named, and whether the edge must pass ACME challenges through to it.
 */
import { problem, type ConfigProblem, type PathSegment } from "./config-problems";
import { HOSTING_PLATFORM_FACTS, platformTargetProblem, verificationRecordName, type HostingPlatform } from "../domain/hosting/platforms";
import type { RecordTarget } from "../domain/hostnames";
import { PROXIED_BY_DEFAULT, type HostPurpose, type TlsSettings } from "./schema/site";
import type { DeclaredHost } from "./declared-host";
import { shownValue } from "./shown-value";

export interface HostingInput {
  fqdn: string;
  /** The stack's domain: where a zone-level verification label (Vercel's `_vercel`) sits. */
  domain: string;
  /** The stack lives in another stack's zone (zone.owner): its domain is a subdomain, never the registered apex. */
  member: boolean;
  purpose: HostPurpose;
  platform?: HostingPlatform;
  verification?: string;
  /** `proxied` as written; undefined takes the platform's default, then the purpose's. */
  proxied?: boolean;
  records: readonly RecordTarget[];
  /**
   * The non-canonical member of the apex/www pair: Cloudflare answers its every request with the
   * canonical redirect, so it is proxied whatever the platform says, and nothing reaches the platform but ACME challenges.
   */
  redirectsAtEdge: boolean;
  ssl: TlsSettings["ssl"];
}

export type HostingFields = Pick<DeclaredHost, "proxied" | "platform" | "verification" | "acmePassThrough">;

export function resolveHosting(input: HostingInput, at: (...rest: PathSegment[]) => PathSegment[], problems: ConfigProblem[]): HostingFields | undefined {
  const { platform, fqdn } = input;
  if (platform === undefined) {
    if (input.verification !== undefined) {
      problems.push(
        problem(
          at("verification"),
          "needs platform, which decides the TXT record's name; write the platform, or declare the record in launch-ready:records with its name",
        ),
      );
      return undefined;
    }
    return { proxied: input.proxied ?? PROXIED_BY_DEFAULT.has(input.purpose), acmePassThrough: false };
  }
  const facts = HOSTING_PLATFORM_FACTS[platform];
  const apex = fqdn === input.domain && !input.member;
  const count = problems.length;

  const targetProblem = platformTargetProblem(platform, apex, input.records);
  if (targetProblem) problems.push(problem(at("target"), `${targetProblem} (platform: ${platform}); copy the target from ${facts.title}'s domain settings`));

  const proxied = input.redirectsAtEdge ? true : (input.proxied ?? facts.proxy.default ?? PROXIED_BY_DEFAULT.has(input.purpose));
  if (proxied && !input.redirectsAtEdge && facts.proxy.refused) {
    problems.push(problem(at("proxied"), `is true, but ${facts.proxy.refused}; remove proxied (DNS-only is ${facts.title}'s default here)`, "proxied: false"));
  }
  if (proxied && !input.redirectsAtEdge && facts.proxy.sslMode && input.ssl !== facts.proxy.sslMode.mode) {
    problems.push(
      problem(
        at("proxied"),
        `is true, but the zone's SSL mode is ${input.ssl} and ${facts.proxy.sslMode.why}; remove proxied to serve it DNS-only (the kit's default for ${facts.title}), or write launch-ready:tls.ssl: ${facts.proxy.sslMode.mode} and waive TLS-STRICT with that reason`,
        "proxied: false",
      ),
    );
  }
  if (!proxied && apex && facts.proxy.apexRequired) {
    problems.push(problem(at("proxied"), `is false, but ${fqdn} is the apex and ${facts.proxy.apexRequired}; remove proxied: false`, "proxied: true"));
  }

  let verification: DeclaredHost["verification"];
  if (input.verification !== undefined) {
    const shape = facts.verification;
    if (!shape) {
      problems.push(problem(at("verification"), `is set, but ${facts.title} asks for no ownership TXT record; remove it`));
    } else if (!shape.pattern.test(input.verification)) {
      problems.push(
        problem(
          at("verification"),
          `${shownValue(input.verification)} is not the shape ${facts.title}'s ownership TXT has (${shape.shape}); copy the value from its dashboard`,
          `verification: ${shape.shape}`,
        ),
      );
    } else if (shape.under === "zone" && input.member) {
      problems.push(
        problem(
          at("verification"),
          `belongs at ${shape.label} of the registered domain, which this stack's zone owner manages (zone.owner); declare it as a TXT record in the owner's launch-ready:records`,
        ),
      );
    } else {
      verification = { name: verificationRecordName(shape, fqdn, input.domain), content: input.verification };
    }
  }
  if (problems.length > count) return undefined;
  return { proxied, platform, ...(verification ? { verification } : {}), acmePassThrough: proxied && facts.http01ThroughProxy };
}
