/**
 * How a secret is shown when it must be named: kept apart from the detector, which loads
 * secretlint, so the config reader can redact what it quotes without loading the scanner.
 */

/**
 * Prefixes that say what kind of secret it is without weakening it: shown in previews so a
 * finding can be recognised. Anything else shows two characters.
 */
const KNOWN_PREFIX =
  /^(?:-----BEGIN [A-Z0-9 ]+-----|(?:sk|rk)_(?:live|test)_|whsec_|pul-|sk-ant-[a-z]+\d*-|sk-(?:proj|svcacct|admin)-|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|A3T[A-Z0-9]|v1\.0-|cf[a-z]{1,3}_)/;

/** `sk_live_******** (107 chars)`: what kind of secret, never any of its random part. */
export function redactedPreview(match: string): string {
  const shown = KNOWN_PREFIX.exec(match)?.[0] ?? match.slice(0, 2);
  return `${shown}******** (${match.length} chars)`;
}
