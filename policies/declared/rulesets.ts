/** Reading declared edge rulesets: shared by the EDGE-* rules. */
import type { DeclaredResource } from "../bar";
import { RULESET } from "../../domain/resource-types";
import { matches, UnsupportedExpression, type SampleRequest } from "../../domain/cloudflare/rules-language";

export interface DeclaredRule {
  ref?: string;
  description?: string;
  expression?: string;
  action?: string;
  enabled?: boolean;
  /** The parts of a rule's action the bar and the plan read; the rest passes through unread. */
  actionParameters?: {
    cache?: unknown;
    edgeTtl?: { default?: number };
    fromValue?: { statusCode?: number; targetUrl?: { value?: string; expression?: string } };
    headers?: Record<string, { operation?: string; value?: string }>;
    [parameter: string]: unknown;
  };
  ratelimit?: { characteristics?: string[]; period?: number; requestsPerPeriod?: number; mitigationTimeout?: number };
}

export interface PhaseRules {
  ruleset: DeclaredResource;
  rules: DeclaredRule[];
}

/** The zone entrypoint rulesets of a phase (the kit declares at most one; a second is itself a finding). */
export function rulesetsOfPhase(resources: readonly DeclaredResource[], phase: string): PhaseRules[] {
  return resources
    .filter((r) => r.type === RULESET && r.props.phase === phase)
    .map((ruleset) => ({ ruleset, rules: ((ruleset.props.rules as DeclaredRule[] | undefined) ?? []).filter((rule) => rule.enabled !== false) }));
}

export type Match = { matched: boolean } | { unknown: string };

/** Runs a rule's expression against a sample request; an expression outside the understood subset is reported, not guessed. */
export function ruleMatches(rule: DeclaredRule, request: SampleRequest): Match {
  if (rule.expression === undefined) return { unknown: "expression not known yet" };
  try {
    return { matched: matches(rule.expression, request) };
  } catch (error) {
    if (error instanceof UnsupportedExpression) return { unknown: `cannot read the expression (${error.message}): ${rule.expression}` };
    throw error;
  }
}

export function describeRequest(request: SampleRequest): string {
  const extras = [...Object.keys(request.headers ?? {}).map((name) => `${name} header`), ...(request.cookie ? [`cookie ${request.cookie.split("=")[0]}`] : [])];
  return `https://${request.host}${request.path}${request.version ? ` over ${request.version}` : ""}${extras.length > 0 ? ` with ${extras.join(", ")}` : ""}`;
}
