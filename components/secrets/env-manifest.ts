/**
 * The env manifest (`launch-ready:env`) applied to a real environment: is each variable the app
 * needs here present and well-formed? Reports name the variable and what is wrong with it, never
 * any part of its value. Also renders `.env.example`. No Pulumi here.
 */
import type { Environment } from "../../domain/bar/weighing";
import type { DeclaredEnvVar } from "../../stacks/secrets-config";

export interface EnvCheck {
  id: "SEC-ENV-SEPARATION";
  /** The variable's name. */
  target: string;
  status: "pass" | "fail" | "warn" | "skip";
  /** What is wrong, or what was checked: never the value. */
  detail: string;
}

/** Shorter secrets can be guessed or are placeholders; 16 is OWASP ASVS's floor for generated secrets. */
export const MIN_SECRET_LENGTH = 16;

/** Values people leave in place of a real one. */
const PLACEHOLDER =
  /^(?:change[-_ ]?me|changeit|replace[-_ ]?me|placeholder|todo|tbd|secret|password|test|dummy|example|your[-_ ].*|<.*>|\$\{.*\}|x{3,}|\*{3,}|\.{3,})$/i;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

/** Why a value is malformed for its format, or undefined when it is well-formed. */
export function formatProblem(variable: DeclaredEnvVar, value: string, environment: Environment): string | undefined {
  if (value !== value.trim()) return "has leading or trailing whitespace (a common copy-paste slip in .env files)";
  switch (variable.format) {
    case "url": {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return "is not an absolute URL (scheme://host/...)";
      }
      if (!url.host) return "is not an absolute URL with a host (scheme://host/...)";
      if (environment === "production" && LOCAL_HOSTS.has(url.hostname)) return "points at this machine (localhost) in production";
      return undefined;
    }
    case "email":
      return /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(value) ? undefined : "is not an email address (name@example.com)";
    case "number":
      return value !== "" && Number.isFinite(Number(value)) ? undefined : "is not a number";
    case "enum":
      return variable.values!.includes(value) ? undefined : `is not one of ${variable.values!.join(", ")}`;
    case "secret":
      if (PLACEHOLDER.test(value)) return "is a placeholder, not a secret";
      if (value.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters, too short for a secret`;
      if (environment === "production" && /^(?:sk|rk)_test_/.test(value)) return "is a Stripe test-mode key in production";
      return undefined;
    case "string":
      return undefined;
  }
}

/** Checks every variable of the manifest against `values` (the process environment or a .env file). */
export function checkEnvironment(
  manifest: readonly DeclaredEnvVar[],
  environment: Environment,
  values: Readonly<Record<string, string | undefined>>,
): EnvCheck[] {
  return manifest.map((variable): EnvCheck => {
    const check = (status: EnvCheck["status"], detail: string): EnvCheck => ({ id: "SEC-ENV-SEPARATION", target: variable.name, status, detail });
    if (!variable.environments.includes(environment)) return check("skip", `not needed in ${environment} (only ${variable.environments.join(", ")})`);
    const value = values[variable.name];
    if (value === undefined || value === "") {
      return variable.required
        ? check("fail", `missing: required in ${environment}${variable.description ? ` (${variable.description})` : ""}`)
        : check("warn", "not set (optional)");
    }
    const wrong = formatProblem(variable, value, environment);
    return wrong ? check("fail", `malformed: ${wrong}`) : check("pass", `present, well-formed ${variable.format}`);
  });
}

export interface EnvExampleContext {
  stack: string;
  environment: Environment;
  /** Where each declared secret is stored, by secret name, e.g. "AWS Secrets Manager at /launch-ready/production/SESSION_SECRET". */
  secretLocations: Record<string, string>;
}

/** `.env.example` for one stack: every variable it needs, with what it is and where secrets live; no secret value, ever. */
export function renderEnvExample(manifest: readonly DeclaredEnvVar[], context: EnvExampleContext): string {
  const lines = [
    `# Environment variables the app needs in stack ${context.stack} (${context.environment}).`,
    `# Generated from launch-ready:env by: npm run check:env -- --stack ${context.stack} --write-example <this file>`,
    "# Names and harmless examples only: never commit a real value. Check an environment with:",
    `#   npm run check:env -- --stack ${context.stack} [--dotenv .env]`,
  ];
  for (const variable of manifest) {
    if (!variable.environments.includes(context.environment)) continue;
    const about = [
      variable.description ? `${variable.description.replace(/\.$/, "")}.` : undefined,
      `Format: ${variable.format}${variable.values ? ` (${variable.values.join(", ")})` : ""}.`,
      variable.required ? "Required." : "Optional.",
      variable.secret && context.secretLocations[variable.secret] ? `Value: ${context.secretLocations[variable.secret]}.` : undefined,
    ].filter(Boolean);
    lines.push("", `# ${about.join(" ")}`, `${variable.name}=${variable.format === "secret" ? "" : (variable.example ?? "")}`);
  }
  return `${lines.join("\n")}\n`;
}
