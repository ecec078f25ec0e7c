/**
 * What the bar accepts of a browser-facing security header, once for the schema that lets a
 * stack file choose, the rule that judges the declared edge, and the live check that judges
 * what a server actually sends.
 */

/** One year: internet.nl's bar for TLS-HSTS in production. */
export const HSTS_MIN_MAX_AGE = 31_536_000;

/** What the HSTS preload list takes, in every environment (hstspreload.org's submission requirements, read 2026-12-03). */
export const HSTS_PRELOAD_MIN_MAX_AGE = 31_536_000;

/** Referrer-Policy values that never send a full URL to another origin (EDGE-HEADERS). */
export const STRICT_REFERRER_POLICIES = ["strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"] as const;

/** X-Frame-Options values that stop other sites framing the page (EDGE-HEADERS). */
export const FRAME_OPTIONS = ["DENY", "SAMEORIGIN"] as const;

/** Header values compare case-insensitively (RFC 9110 5.5 for these tokens). */
export function isStrictReferrerPolicy(value: string): boolean {
  return (STRICT_REFERRER_POLICIES as readonly string[]).includes(value.trim().toLowerCase());
}

export function isFrameOption(value: string): boolean {
  return (FRAME_OPTIONS as readonly string[]).includes(value.trim().toUpperCase());
}
