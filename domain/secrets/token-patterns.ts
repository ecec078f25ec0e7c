/**
 * secretlint rules for the credentials a launch-ready stack handles that secretlint 12.0 (the last
 * release that runs on Node 20) does not know: Cloudflare, Pulumi, Stripe, Google API keys, JWTs,
 * Twilio and Azure storage. Formats and sources:
 * - Cloudflare scannable tokens `cfk_`/`cfut_`/`cfat_` + 40 characters + CRC32 of them in hex:
 *   developers.cloudflare.com/fundamentals/api/get-started/token-formats/; older unprefixed tokens
 *   (40 characters) and Global API Keys (37 hex) only beside the word "cloudflare", as gitleaks
 *   (config/gitleaks.toml, cloudflare-api-key, cloudflare-global-api-key); Origin CA keys `v1.0-`.
 * - Pulumi access tokens `pul-` + 40 hex (gitleaks pulumi-api-token).
 * - Stripe secret and restricted keys `sk_`/`rk_` + live/test/prod (gitleaks stripe-access-token),
 *   webhook signing secrets `whsec_` (32 alphanumerics from the dashboard, 64 hex from `stripe listen`).
 * - Google API keys `AIza` + 35 characters (gitleaks gcp-api-key): Maps, Firebase, Gemini.
 * - JWTs, signed (three parts, the first a JSON header naming its `alg`): a bearer token or a
 *   signing key's product, such as Supabase's service_role key. Left alone: `alg: none`, jwt.io's
 *   sample, and Supabase anon keys, which are public by design.
 * - Twilio API key SIDs `SK` + 32 hex (gitleaks twilio-api-key); auth tokens and API key secrets
 *   (32 characters) beside the word "twilio" or right after an account SID `AC` + 32 hex, as the
 *   SDKs take them (`twilio(accountSid, authToken)`). An account SID alone is an identifier.
 * - Azure storage account keys (64 bytes, 88 base64 characters) as `AccountKey=` in a connection
 *   string or beside the word "azure"; Azurite's development account `devstoreaccount1` aside.
 */
import { crc32 } from "node:zlib";
import type { SecretLintRuleCreator, SecretLintRuleContext, SecretLintSourceCode } from "@secretlint/types";

interface TokenPattern {
  /** The message to report, or a function choosing it by the token found. */
  messageId: string | ((token: string) => string);
  pattern: RegExp;
  /** Group holding the secret when the pattern also matches its surroundings (a keyword). */
  group?: number;
  /** Whether a match is a secret after all, when the pattern alone cannot say. */
  accept?: (token: string) => boolean;
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
          for (const { messageId, pattern, group, accept } of patterns) {
            for (const match of source.content.matchAll(pattern)) {
              const token = group ? match[group] : match[0];
              if (accept && !accept(token)) continue;
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

/** gitleaks' keyword wrapper: the word, up to 24 more name characters, an assignment, a quote. */
const nearKeyword = (keyword: string, secret: string) =>
  new RegExp(`${keyword}[\\w.:-]{0,24}[\\s'"]{0,3}(?:=|:|=>|,)[\`'"\\s=]{0,5}(${secret})(?![A-Za-z0-9_+/=-])`, "gi");

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
    { messageId: "CLOUDFLARE_LEGACY_TOKEN", pattern: nearKeyword("cloudflare", "[A-Za-z0-9_-]{40}"), group: 1 },
    { messageId: "CLOUDFLARE_GLOBAL_API_KEY", pattern: nearKeyword("cloudflare", "[a-f0-9]{37}"), group: 1 },
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

const googleApiKeys = patternRule("launch-ready/google", { GOOGLE_API_KEY: ({ TOKEN }) => `found Google API key: ${TOKEN}` }, [
  { messageId: "GOOGLE_API_KEY", pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
]);

/** The parts of a JWT as JSON; undefined when a part is not a JSON object. */
function jwtPart(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** jwt.io's sample token, in every JWT tutorial: its claims. */
const JWT_IO_SAMPLE = { sub: "1234567890", name: "John Doe", iat: 1516239022 };

function isSecretJwt(token: string): boolean {
  const [header, payload] = token.split(".").map(jwtPart);
  if (typeof header?.alg !== "string" || header.alg.toLowerCase() === "none" || !payload) return false;
  if (Object.entries(JWT_IO_SAMPLE).every(([claim, value]) => payload[claim] === value)) return false;
  // Supabase's anon key goes to every browser; its service_role key bypasses row-level security.
  return !(payload.iss === "supabase" && payload.role === "anon");
}

const jwts = patternRule(
  "launch-ready/jwt",
  { JWT: ({ TOKEN }) => `found signed JWT (a bearer token, or a service key such as Supabase's service_role): ${TOKEN}` },
  [
    {
      messageId: "JWT",
      pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
      accept: isSecretJwt,
    },
  ],
);

const twilioCredentials = patternRule(
  "launch-ready/twilio",
  {
    TWILIO_API_KEY: ({ TOKEN }) => `found Twilio API key SID: ${TOKEN}`,
    TWILIO_SECRET: ({ TOKEN }) => `found Twilio auth token or API key secret: ${TOKEN}`,
  },
  [
    { messageId: "TWILIO_API_KEY", pattern: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/g },
    { messageId: "TWILIO_SECRET", pattern: nearKeyword("twilio", "[A-Za-z0-9]{32}"), group: 1 },
    { messageId: "TWILIO_SECRET", pattern: /(?<![A-Za-z0-9])AC[0-9a-f]{32}['"`]?\s*[,:]\s*['"`]?([0-9a-f]{32})(?![A-Za-z0-9])/g, group: 1 },
  ],
);

const AZURE_KEY = "[A-Za-z0-9+/]{86}==";
const azureStorageKeys = patternRule("launch-ready/azure-storage", { AZURE_STORAGE_KEY: ({ TOKEN }) => `found Azure storage account key: ${TOKEN}` }, [
  { messageId: "AZURE_STORAGE_KEY", pattern: new RegExp(`(?<!AccountName=devstoreaccount1;)AccountKey=(${AZURE_KEY})(?![A-Za-z0-9+/=])`, "g"), group: 1 },
  { messageId: "AZURE_STORAGE_KEY", pattern: nearKeyword("azure", AZURE_KEY), group: 1 },
]);

export const TOKEN_DETECTORS: readonly SecretLintRuleCreator[] = [
  cloudflareTokens,
  pulumiTokens,
  stripeKeys,
  pemPrivateKeys,
  googleApiKeys,
  jwts,
  twilioCredentials,
  azureStorageKeys,
];
