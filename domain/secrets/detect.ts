/**
 * Finds secret-looking text: secretlint's engine with its recommended preset (AWS, GCP, GitHub,
 * Slack, OpenAI, Anthropic, private keys, database URLs with passwords, ...) plus rules of our own
 * for the tokens a launch-ready stack handles that the preset does not know (Cloudflare, Pulumi,
 * Stripe, Google API keys, JWTs, Twilio, Azure storage). Each text is read as written, as its
 * string literals decode (escapes, pieces joined with `+`) and as its base64 strings decode, so a
 * key in a JSON string, split over lines or in a Kubernetes Secret is found where it is written.
 * One implementation for the repository scan (`npm run scan:secrets`) and SEC-NO-PLAINTEXT.
 * No Pulumi here.
 */
import { createHash } from "node:crypto";
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { rules as recommendedRules } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig, SecretLintRuleCreator } from "@secretlint/types";
import { base64Runs, literalText } from "./encoded";
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

/**
 * secretlint 12 times every rule on every text with performance marks nobody reads, and its
 * observer scans every mark seen so far on each new one: a scan's cost grew with the square of
 * the texts it had read (a repository of 2,000 file versions took minutes). Fixed upstream in 13
 * (secretlint/secretlint#1633, #1673), which needs Node 22; until then the marks are not made.
 */
secretLintProfiler.mark = () => {};

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

/** A match in a text: where it is written, and the secret as it reads once decoded. */
interface Match {
  start: number;
  end: number;
  ruleId: string;
  message: string;
  secret: string;
}

/**
 * A documentation placeholder rather than a key: mostly one repeated character (`sk_live_` then
 * a row of X, `AKIA` then a row of zeros), or a word saying so. A private key's body is never
 * judged so: real ones hold long runs of `A`.
 */
function isPlaceholder(secret: string): boolean {
  if (secret.includes("PRIVATE KEY")) return false;
  let longestRun = 0;
  for (let i = 0, run = 0; i < secret.length; i++) {
    run = secret[i] === secret[i - 1] ? run + 1 : 1;
    longestRun = Math.max(longestRun, run);
  }
  return longestRun >= Math.max(6, secret.length * 0.4) || /example|placeholder|redacted|changeme|your_?(?:api_?)?(?:key|token|secret)/i.test(secret);
}

/** One secretlint pass over `content`: each secret once (two rules may see one, a key beside a keyword). */
async function lint(content: string, filePath: string): Promise<Match[]> {
  const result = await lintSource({
    source: { filePath, content, ext: extensionOf(filePath), contentType: "text" },
    options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  const matches: Match[] = [];
  for (const message of result.messages) {
    if (message.type !== "message") continue;
    const [start, end] = message.range;
    const secret = content.slice(start, end);
    if (isPlaceholder(secret)) continue;
    add(matches, { start, end, ruleId: message.ruleId, message: message.message, secret });
  }
  return matches;
}

/**
 * Adds `match` unless one already covers part of it. A decoded match `widens` one it strictly
 * contains: the first piece of a split key matches alone, but the secret is the whole key.
 */
function add(matches: Match[], match: Match, widens = false): void {
  const covered = (m: Match) => widens && match.start <= m.start && m.end <= match.end && m.end - m.start < match.end - match.start;
  for (let i = matches.length - 1; i >= 0; i--) if (covered(matches[i])) matches.splice(i, 1);
  if (!matches.some((m) => m.start < match.end && match.start < m.end)) matches.push(match);
}

/** Base64 in base64 (a registry credential in a Kubernetes Secret) is read; deeper is not. */
const MAX_BASE64_DEPTH = 2;

/** Every match in `content`, as written, in its string literals decoded, and in its base64 strings decoded. */
async function matchesIn(content: string, filePath: string, depth = 0): Promise<Match[]> {
  const matches = await lint(content, filePath);
  const literal = literalText(content);
  if (literal) {
    for (const m of await lint(literal.text, filePath))
      add(matches, { ...m, start: literal.origin[m.start], end: literal.origin[m.end], message: `${m.message} (in a string literal, escaped or split)` }, true);
  }
  const runs = depth < MAX_BASE64_DEPTH ? base64Runs(content) : [];
  if (runs.length > 0) {
    // One pass over every decoded string, each after the words that name it on its line.
    let decoded = "";
    const spans = runs.map((run) => {
      const from = decoded.length + run.context.length;
      decoded += `${run.context}${run.decoded}\n\n`;
      return { from, to: from + run.decoded.length, run };
    });
    for (const m of await matchesIn(decoded, filePath, depth + 1)) {
      // A rule may report from the keyword before the secret (the preset's AWS secret key rule does).
      const span = spans.find((s) => m.start < s.to && m.end > s.from);
      if (span) add(matches, { ...m, start: span.run.start, end: span.run.end, message: `${m.message} (base64-encoded)` }, true);
    }
  }
  return matches.sort((a, b) => a.start - b.start);
}

/** Line and column of offsets in a text whose first character is at `line`, `column` of the file. */
function positions(text: string, line: number, column: number): (offset: number) => { line: number; column: number } {
  const breaks: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) breaks.push(i);
  return (offset) => {
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (breaks[mid] < offset) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? { line, column: column + offset } : { line: line + low, column: offset - breaks[low - 1] };
  };
}

function finding(match: Match, at: { line: number; column: number }): SecretFinding {
  const preview = redactedPreview(match.secret);
  return {
    ruleId: match.ruleId,
    // secretlint masked the secret with one '*' per character; the preview says more, safely.
    message: match.message.replace(/\*{4,}/g, preview),
    line: at.line,
    column: at.column,
    preview,
    fingerprint: fingerprint(match.secret),
  };
}

/** Text read per pass: a file of any size is scanned in windows of this much, each with MARGIN either side. */
const WINDOW = 1 << 20;
/** Longer than any secret the rules know (a 4096-bit RSA key in base64 is under 5,000 characters). */
const MARGIN = 1 << 16;

/**
 * Every secret-looking match in a text given in chunks (a file as it is read): scanned in
 * windows that overlap by MARGIN, each finding reported by the window it starts in, with its line
 * and column in the whole text. `filePath` helps rules that judge by file name (a committed
 * `.env`, a service account's `.json`); it is never opened.
 */
export async function findSecretsInChunks(chunks: AsyncIterable<string> | Iterable<string>, filePath = "input.txt"): Promise<SecretFinding[]> {
  const found: SecretFinding[] = [];
  // `text` starts at offset `base` of the whole text, at `line`, `column`; a finding starting before `owned` was reported by an earlier window.
  let text = "";
  let base = 0;
  let owned = 0;
  let line = 1;
  let column = 1;
  const pass = async (last: boolean) => {
    const ownedEnd = last ? base + text.length : owned + WINDOW;
    const window = last ? text : text.slice(0, ownedEnd + MARGIN - base);
    const at = positions(window, line, column);
    for (const match of await matchesIn(window, filePath)) {
      if (base + match.start >= owned && base + match.start < ownedEnd) found.push(finding(match, at(match.start)));
    }
    if (last) return;
    const keep = ownedEnd - MARGIN - base;
    ({ line, column } = at(keep));
    text = text.slice(keep);
    base += keep;
    owned = ownedEnd;
  };
  for await (const chunk of chunks) {
    text += chunk;
    while (base + text.length >= owned + WINDOW + MARGIN) await pass(false);
  }
  await pass(true);
  return found;
}

/** Every secret-looking match in `content`; see findSecretsInChunks. */
export function findSecrets(content: string, filePath = "input.txt"): Promise<SecretFinding[]> {
  return findSecretsInChunks([content], filePath);
}

function extensionOf(filePath: string): string {
  const dot = filePath.lastIndexOf(".");
  return dot > filePath.lastIndexOf("/") ? filePath.slice(dot) : "";
}
