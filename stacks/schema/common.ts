/**
 * Field validators several sections of the stack file share: host names, record targets, paths,
 * addresses and variable names, each checked on its own so every problem is reported at once.
 */
import { isIPv6 } from "node:net";
import "../zod-locales";
import { z } from "zod";
import { classifyTarget, toAsciiHostname, toAsciiZoneName } from "../../domain/hostnames";
import { shownValue } from "../shown-value";

/** Cloudflare zone and account IDs. */
export const HEX32 = /^[0-9a-f]{32}$/;

/** A Pulumi stack's name as this kit's stack files carry it (`Pulumi.<name>.yaml`). */
export const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Syntax checks that need no other field run here, so they are reported together with every
 * other field problem; whether a name lies inside the zone is checked once the zone is known.
 */
export const hostName = z.string().superRefine((name, ctx) => {
  const label = name.trim();
  if (label === "@") return;
  // A wildcard's legitimacy depends on a waiver, judged once the whole config is read.
  const ascii = toAsciiHostname(label.split(".")[0] === "*" ? label.split(".").slice(1).join(".") || "wildcard" : label);
  if (!ascii.ok) ctx.addIssue({ code: "custom", message: `${shownValue(name)} ${ascii.problem}` });
});

/** A zone's name, judged on its own so that an address or a URL is reported with every other field problem. */
export const zoneDomain = z.string().superRefine((domain, ctx) => {
  const name = toAsciiZoneName(domain);
  if (!name.ok) ctx.addIssue({ code: "custom", message: `${shownValue(domain)} ${name.problem}` });
});

export const recordTarget = z.string().superRefine((target, ctx) => {
  const classified = classifyTarget(target);
  if (!classified.ok) ctx.addIssue({ code: "custom", message: `${shownValue(target)} ${classified.problem}` });
});

export const pathPrefix = z.string().regex(/^\/\S*$/, 'must start with "/" and contain no spaces');

export const ipOrCidr = z.string().refine((value) => {
  const [address, bits, extra] = value.split("/");
  if (extra !== undefined) return false;
  const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && address.split(".").every((octet) => Number(octet) <= 255);
  // Node's own reading: hex digits and colons alone would take ":::::" or "1:2" too.
  const v6 = address.includes(":") && /^[0-9a-f:]+$/i.test(address) && isIPv6(address);
  if (!v4 && !v6) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (v4 ? 32 : 128));
}, "must be an IP address or CIDR range, such as 203.0.113.7 or 198.51.100.0/24");

/** Names of secrets and environment variables: what an app reads from its environment. */
export const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
export const variableName = z.string().regex(VARIABLE_NAME, "must be an environment-variable name in upper case, such as STRIPE_SECRET_KEY");
