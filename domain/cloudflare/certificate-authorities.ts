/**
 * The certificate authorities a zone on Cloudflare meets, each with the CAA domain that authorises
 * it (TLS-CAA): the CAs Cloudflare's edge certificates come from, and the issuer names their
 * certificates carry, so verify can tell which CAA entry a presented certificate needed.
 *
 * Sources, read 2026-12-03:
 * - https://developers.cloudflare.com/ssl/reference/certificate-authorities/ (cloudflare-docs
 *   ssl/reference/certificate-authorities.mdx): Universal and Advanced certificates come from Let's
 *   Encrypt, Google Trust Services and SSL.com, backup certificates also from Sectigo; DigiCert is
 *   "deprecating soon"; its "CAA records" table gives each CA's CAA record content (letsencrypt.org,
 *   "pki.goog; cansignhttpexchanges=yes", ssl.com, sectigo.com, "digicert.com; cansignhttpexchanges=yes").
 * - https://developers.cloudflare.com/ssl/edge-certificates/caa-records/ (partial
 *   caa-records-added-by-cf.mdx): "Cloudflare adds CAA records automatically ... When you have
 *   Universal SSL or advanced certificates and add any CAA records to your zone", issue and
 *   issuewild for pki.goog, letsencrypt.org, ssl.com and sectigo.com, which "will not appear in the
 *   Cloudflare dashboard" but are served (`dig example.com caa`).
 * - https://letsencrypt.org/certificates/: Let's Encrypt's intermediates carry O = Let's Encrypt,
 *   its newer hierarchy O = ISRG. The other issuer organisations are as their intermediates name
 *   them (observed in served certificates, not in a document): re-check these first when a
 *   presented certificate's issuer is reported as unknown.
 */

export interface CertificateAuthority {
  title: string;
  /** The issuer domain name a CAA issue or issuewild property names it by (RFC 8659 4.2). */
  caa: string;
  /** The organisation (O) of the issuing certificates it signs leaf certificates with. */
  issuerOrganizations: readonly string[];
}

export const CERTIFICATE_AUTHORITIES = [
  { title: "Let's Encrypt", caa: "letsencrypt.org", issuerOrganizations: ["Let's Encrypt", "ISRG", "Internet Security Research Group"] },
  { title: "Google Trust Services", caa: "pki.goog", issuerOrganizations: ["Google Trust Services", "Google Trust Services LLC"] },
  { title: "SSL.com", caa: "ssl.com", issuerOrganizations: ["SSL Corporation", "SSL.com"] },
  { title: "Sectigo", caa: "sectigo.com", issuerOrganizations: ["Sectigo Limited"] },
  { title: "DigiCert", caa: "digicert.com", issuerOrganizations: ["DigiCert Inc", "DigiCert, Inc."] },
] as const satisfies readonly CertificateAuthority[];

export type CaaDomain = (typeof CERTIFICATE_AUTHORITIES)[number]["caa"];
export const CAA_DOMAINS = CERTIFICATE_AUTHORITIES.map((ca) => ca.caa) as CaaDomain[];

/**
 * The CAs Cloudflare issues the zone's edge certificates from, as the CAA records it adds itself
 * name them (issue and issuewild each): Universal SSL is a wildcard certificate for the zone.
 */
export const CLOUDFLARE_EDGE_CAS: readonly CaaDomain[] = ["letsencrypt.org", "pki.goog", "ssl.com", "sectigo.com"];

/** The CA whose issuing certificate names `organization`, matched as written, case aside. */
export function authorityOfIssuer(organization: string | undefined): CertificateAuthority | undefined {
  if (!organization) return undefined;
  const wanted = organization.trim().toLowerCase();
  return CERTIFICATE_AUTHORITIES.find((ca) => ca.issuerOrganizations.some((o) => o.toLowerCase() === wanted));
}

export function authorityByCaa(caa: string): CertificateAuthority | undefined {
  return CERTIFICATE_AUTHORITIES.find((ca) => ca.caa === caa.toLowerCase());
}
