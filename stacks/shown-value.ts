/**
 * How a problem quotes a value the user wrote without printing a secret back: problems end up in
 * terminals and CI logs, and a value refused at a plain key may be a token pasted into the wrong key.
 */
import { isIP } from "node:net";
import { isNameShaped } from "../domain/hostnames";
import { redactedPreview } from "../domain/secrets/redact";

/** Text this short is quoted whatever it holds: shorter than the tokens the secret scanner looks for (an AWS access key ID is 20 characters). */
const ALWAYS_SHOWN_LENGTH = 12;

/**
 * A word of an identifier or setting (DNS-SUBDOMAINS, eu-central-1, strict-origin): a token's
 * random part is a longer run, or mixes case and digits within one word.
 */
const WORD = /^(?:[a-z]{1,12}|[A-Z]{1,12}|[A-Z][a-z]{1,11}|\d{1,4}[a-z]?)$/;

/**
 * A value the user wrote, as a problem may quote it: as written only when it cannot be a secret (a
 * number or boolean, short text, an address, a name, an identifier of words, or a URL made of
 * those), else as the secret scanner previews a secret (`sk_live_******** (107 chars)`), which
 * says what kind of value it is and never shows its random part.
 */
export function shownValue(value: unknown, { quoted = true }: { quoted?: boolean } = {}): string {
  if (typeof value !== "string") return String(value);
  if (!mayQuote(value)) return redactedPreview(value);
  return quoted ? JSON.stringify(value) : value;
}

function mayQuote(text: string): boolean {
  if (text.length <= ALWAYS_SHOWN_LENGTH || isIP(text) || isNameShaped(text) || isWords(text)) return true;
  try {
    // A name with a path (example.com/evil) is read as the URL it would be.
    const url = new URL(/^https?:\/\//.test(text) ? text : `https://${text}`);
    // Credentials, queries and fragments are where URLs carry tokens (webhook and presigned URLs).
    if (url.username || url.password || url.search || url.hash) return false;
    return isNameShaped(url.hostname) && url.pathname.split("/").every((segment) => segment === "" || isWords(segment));
  } catch {
    return false;
  }
}

function isWords(text: string): boolean {
  return text.split(/[-_.]/).every((word) => WORD.test(word));
}
