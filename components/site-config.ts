/**
 * The stack config built in code, for a program that composes the kit's components itself rather
 * than reading a stack file: the same schema and checks as `parseStackConfig`, with keys written
 * without the `launch-ready:` namespace and provided secrets given as Pulumi secrets or Outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CONFIG_NAMESPACE, type stackConfigSchema } from "../stacks/config-schema";
import { formatProblems, parseStackConfig, type ConfigProblem, type LaunchReadyConfig } from "../stacks/stack-config";
import { SECRET_PLACEHOLDER } from "../stacks/stack-file";

/**
 * A stack file's `launch-ready:*` keys as one object, each without the namespace (`hosts`, not
 * `launch-ready:hosts`). What the stack file may leave out, this may too; the defaults are the same.
 */
export type LaunchReadyConfigInput = Omit<z.input<typeof stackConfigSchema>, "secretValues"> & {
  /**
   * The value of each secret declared `provided: true`, by name. A Pulumi secret or Output (read
   * with `requireSecret`, or from another resource) keeps the value out of the program's source;
   * only its presence is checked here, since an Output has no value yet. The resolved config keeps
   * no value: hand the same map to `AppSecrets` as `providedValues`.
   * @example { STRIPE_SECRET_KEY: new pulumi.Config().requireSecret("stripeSecretKey") }
   */
  secretValues?: Record<string, pulumi.Input<string>>;
};

/**
 * Validates and resolves a config written in code, as `parseStackConfig` does a stack file's.
 * Throws a `pulumi.RunError` listing every problem, each with its path in `input`
 * (`hosts[2].target`); the problems also ride on the error as `problems`.
 * @example
 * ```ts
 * const config = siteConfig({
 *   environment: "production",
 *   zone: { domain: "example.com", zoneId: "023e105f4ecef8ad9ca31a8372d0c353", accountId: "372e67954025e0ba6aaa6d586b9e0b59", plan: "free" },
 *   canonical: { host: "www" },
 *   hosts: [
 *     { name: "@", target: "76.76.21.21", purpose: "web" },
 *     { name: "www", target: "cname.vercel-dns.com", purpose: "web" },
 *   ],
 * });
 * new LaunchReadySite("site", { config });
 * ```
 */
export function siteConfig(input: LaunchReadyConfigInput): LaunchReadyConfig {
  const parsed = parseStackConfig(asStackConfig(input));
  if (parsed.ok) return parsed.config;
  const problems: ConfigProblem[] = parsed.problems.map((p) => ({ ...p, path: p.path.slice(`${CONFIG_NAMESPACE}:`.length) }));
  throw Object.assign(new pulumi.RunError(formatProblems(problems, "the config given to siteConfig")), { problems });
}

/**
 * The input as a stack file's config map. A secret that is not known yet (an Output, a promise)
 * reads as the stack file's `secure:` placeholder: present, never looked at.
 */
function asStackConfig(input: LaunchReadyConfigInput): Record<string, unknown> {
  const { secretValues, ...rest } = input;
  const config: Record<string, unknown> = Object.fromEntries(Object.entries(rest).map(([key, value]) => [`${CONFIG_NAMESPACE}:${key}`, value]));
  if (secretValues) {
    config[`${CONFIG_NAMESPACE}:secretValues`] = Object.fromEntries(
      Object.entries(secretValues).map(([name, value]) => [name, pulumi.Output.isInstance(value) || value instanceof Promise ? SECRET_PLACEHOLDER : value]),
    );
  }
  return config;
}
