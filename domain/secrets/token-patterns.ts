/**
 * secretlint rules for the credentials a launch-ready stack handles that secretlint 12.0 (the last
 * release that runs on Node 20) does not know: Cloudflare, Pulumi and Stripe. Formats and sources:
 * - Cloudflare scannable tokens `cfk_`/`cfut_`/`cfat_` + 40 characters + CRC32 of them in hex:
 *   developers.cloudflare.com/fundamentals/api/get-started/token-formats/; older unprefixed tokens
 *   (40 characters) and Global API Keys (37 hex) only beside the word "cloudflare", as gitleaks
 *   (config/gitleaks.toml, cloudflare-api-key, cloudflare-global-api-key); Origin CA keys `v1.0-`.
 * - Pulumi access tokens `pul-` + 40 hex (gitleaks pulumi-api-token).
 * - Stripe secret and restricted keys `sk_`/`rk_` + live/test/prod (gitleaks stripe-access-token),
 *   webhook signing secrets `whsec_` (32 alphanumerics from the dashboard, 64 hex from `stripe listen`).
 */
import { crc32 } from "node:zlib";
import type { SecretLintRuleCreator, SecretLintRuleContext, SecretLintSourceCode } from "@secretlint/types";

interface TokenPattern {
  /** The message to report, or a function choosing it by the token found. */
  messageId: string | ((token: string) => string);
  pattern: RegExp;
  /** Group holding the secret when the pattern also matches its surroundings (a keyword). */
  group?: number;
}

function patternRule(id: string, messages: Record<string, (props: { TOKEN: string }) => string>, patterns: TokenPattern[]): SecretLintRuleCreator {
  const localized = Object.fromEntries(Object.entries(messages).map(([messageId, en]) => [messageId, { en }]));
  return {
    messages: localized,
    meta: { id, type: "scanner", recommended: true, supportedContentTypes: ["text"] },
    create(context: SecretLintRuleContext) {
      const t = context.createTranslator(localized);
      return {
        file(source: SecretLintSourceCode) {
          for (const { messageId, pattern, group } of patterns) {
            for (const match of source.content.matchAll(pattern)) {
              const token = group ? match[group] : match[0];
              const start = (match.index ?? 0) + (group ? match[0].indexOf(token) : 0);
              const chosen = typeof messageId === "function" ? messageId(token) : messageId;
              context.report({ message: t(chosen, { TOKEN: token }), range: [start, start + token.length] });
            }
          }
        },
      };
    },
  };
}

/** gitleaks' keyword wrapper: the word, up to 20 more name characters, an assignment, a quote. */
const nearCloudflare = (secret: string) => new RegExp(`cloudflare[\\w.:-]{0,24}[\\s'"]{0,3}(?:=|:|=>|,)[\`'"\\s=]{0,5}(${secret})(?![A-Za-z0-9_-])`, "gi");

/** Scannable Cloudflare tokens end in the CRC32 of their body; a match that verifies is certainly a token. */
function cloudflareTokenMessage(token: string): string {
  const [, body, checksum] = /^cf[a-z]{1,2}_([A-Za-z0-9]{40})([0-9a-f]{8})$/.exec(token) ?? [];
  return crc32(body ?? "")
    .toString(16)
    .padStart(8, "0") === checksum
    ? "CLOUDFLARE_TOKEN"
    : "CLOUDFLARE_TOKEN_UNVERIFIED";
}

const cloudflareTokens = patternRule(
  "launch-ready/cloudflare",
  {
    CLOUDFLARE_TOKEN: ({ TOKEN }) => `found Cloudflare API token or key (its checksum verifies): ${TOKEN}`,
    CLOUDFLARE_TOKEN_UNVERIFIED: ({ TOKEN }) =>
      `found what looks like a Cloudflare API token or key (its checksum does not verify: a sample, or a mistyped token): ${TOKEN}`,
    CLOUDFLARE_LEGACY_TOKEN: ({ TOKEN }) => `found Cloudflare API token next to a cloudflare setting: ${TOKEN}`,
    CLOUDFLARE_GLOBAL_API_KEY: ({ TOKEN }) => `found Cloudflare Global API Key next to a cloudflare setting: ${TOKEN}`,
    CLOUDFLARE_ORIGIN_CA_KEY: ({ TOKEN }) => `found Cloudflare Origin CA key: ${TOKEN}`,
  },
  [
    { messageId: cloudflareTokenMessage, pattern: /(?<![A-Za-z0-9_])(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/g },
    { messageId: "CLOUDFLARE_LEGACY_TOKEN", pattern: nearCloudflare("[A-Za-z0-9_-]{40}"), group: 1 },
    { messageId: "CLOUDFLARE_GLOBAL_API_KEY", pattern: nearCloudflare("[a-f0-9]{37}"), group: 1 },
    { messageId: "CLOUDFLARE_ORIGIN_CA_KEY", pattern: /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}(?![a-f0-9])/g },
  ],
);

const pulumiTokens = patternRule("launch-ready/pulumi", { PULUMI_ACCESS_TOKEN: ({ TOKEN }) => `found Pulumi access token: ${TOKEN}` }, [
  { messageId: "PULUMI_ACCESS_TOKEN", pattern: /\bpul-[a-f0-9]{40}(?![A-Za-z0-9])/g },
]);

const stripeKeys = patternRule(
  "launch-ready/stripe",
  {
    STRIPE_SECRET_KEY: ({ TOKEN }) => `found Stripe secret or restricted key: ${TOKEN}`,
    STRIPE_WEBHOOK_SECRET: ({ TOKEN }) => `found Stripe webhook signing secret: ${TOKEN}`,
  },
  [
    { messageId: "STRIPE_SECRET_KEY", pattern: /\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9])/g },
    { messageId: "STRIPE_WEBHOOK_SECRET", pattern: /\bwhsec_[A-Za-z0-9]{32,64}(?![A-Za-z0-9])/g },
  ],
);

/**
 * The preset's private-key rule wants at least 100 characters of an RSA/DSA/EC/OpenSSH/PGP body,
 * which lets Ed25519 keys (64 characters) and encrypted PKCS#8 keys through; this one takes any
 * PEM private key. Where both match, findSecrets keeps one finding.
 */
const pemPrivateKeys = patternRule("launch-ready/private-key", { PEM_PRIVATE_KEY: ({ TOKEN }) => `found PEM private key: ${TOKEN}` }, [
  { messageId: "PEM_PRIVATE_KEY", pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----[\sA-Za-z0-9+/=:,-]{40,}?-----END ([A-Z0-9]+ )*PRIVATE KEY-----/g },
]);

export const TOKEN_DETECTORS: readonly SecretLintRuleCreator[] = [cloudflareTokens, pulumiTokens, stripeKeys, pemPrivateKeys];
