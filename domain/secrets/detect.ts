/**
 * Finds secret-looking text: secretlint's engine with its recommended preset (AWS, GCP, GitHub,
 * Slack, OpenAI, Anthropic, private keys, database URLs with passwords, ...) plus rules of our own
 * for the tokens a launch-ready stack handles that the preset does not know (Cloudflare, Pulumi,
 * Stripe). One implementation for the repository scan (`npm run scan:secrets`) and SEC-NO-PLAINTEXT.
 * No Pulumi here.
 */
import { createHash } from "node:crypto";
import { lintSource } from "@secretlint/core";
import { rules as recommendedRules } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig, SecretLintRuleCreator } from "@secretlint/types";
import { redactedPreview } from "./redact";
import { TOKEN_DETECTORS } from "./token-patterns";

export interface SecretFinding {
  /** secretlint rule id, e.g. `@secretlint/secretlint-rule-aws` or `launch-ready/stripe`. */
  ruleId: string;
  /** What was found, with the secret masked. */
  message: string;
  /** 1-based line and column of the match in the scanned text. */
  line: number;
  column: number;
  /** The match's first characters (a prefix such as `AKIA` or `sk_live_`), the rest masked. */
  preview: string;
  /** `sha256:` of the matched text, truncated: names the secret in an allowlist without revealing it. */
  fingerprint: string;
}

/**
 * The recommended preset's rules, registered one by one so one can be left out: its comment
 * filter lets a `secretlint-disable` comment in a scanned file silence a finding, with no reason
 * and no record. Here an exception goes in the allowlist, with a reason, and is still reported.
 */
const COMMENT_FILTER = "@secretlint/secretlint-rule-filter-comments";
/** The preset reports AWS access key IDs only when asked; a committed key ID is half a credential. */
const RULE_OPTIONS: Record<string, object> = { "@secretlint/secretlint-rule-aws": { enableIDScanRule: true } };

const CONFIG: SecretLintCoreConfig = {
  rules: [...(recommendedRules as SecretLintRuleCreator[]).filter((rule) => rule.meta.id !== COMMENT_FILTER), ...TOKEN_DETECTORS].map((rule) => ({
    id: rule.meta.id,
    rule,
    ...(RULE_OPTIONS[rule.meta.id] ? { options: RULE_OPTIONS[rule.meta.id] } : {}),
  })),
};

export function fingerprint(match: string): string {
  return `sha256:${createHash("sha256").update(match).digest("hex").slice(0, 24)}`;
}

/**
 * Every secret-looking match in `content`. `filePath` helps rules that judge by file name (a
 * committed `.env`, a private key file); it is never opened.
 */
export async function findSecrets(content: string, filePath = "input.txt"): Promise<SecretFinding[]> {
  const result = await lintSource({
    source: { filePath, content, ext: extensionOf(filePath), contentType: "text" },
    options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  const findings: Array<SecretFinding & { range: readonly [number, number] }> = [];
  for (const message of result.messages) {
    if (message.type !== "message") continue;
    // Two rules may see one secret (a private key, a token beside a keyword): report it once.
    if (findings.some((f) => f.range[0] < message.range[1] && message.range[0] < f.range[1])) continue;
    const match = content.slice(message.range[0], message.range[1]);
    const preview = redactedPreview(match);
    findings.push({
      range: message.range,
      ruleId: message.ruleId,
      // secretlint masked the secret with one '*' per character; the preview says more, safely.
      message: message.message.replace(/\*{4,}/g, preview),
      line: message.loc.start.line,
      column: message.loc.start.column + 1,
      preview,
      fingerprint: fingerprint(match),
    });
  }
  return findings.map(({ range: _range, ...finding }) => finding);
}

function extensionOf(filePath: string): string {
  const dot = filePath.lastIndexOf(".");
  return dot > filePath.lastIndexOf("/") ? filePath.slice(dot) : "";
}
