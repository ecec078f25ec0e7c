/**
 * The request IDs that let one failed request be found in the logs (OPS-REQUEST-ID). Read
 * 2026-12-03:
 * - Cloudflare adds `CF-Ray` to every request it proxies to the origin ("a hashed value that
 *   encodes information about the data center and the visitor's request ... Add the CF-Ray header
 *   to your origin web server logs to match requests proxied to Cloudflare to requests in your
 *   server logs": https://developers.cloudflare.com/fundamentals/reference/http-headers/), and the
 *   same Ray ID to every response it serves and on its error pages
 *   (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/cf.ray_id/:
 *   "an identifier given to every request that goes through Cloudflare").
 * - A DNS-only host never meets Cloudflare, so only the app can give its requests an ID; `X-Request-ID`
 *   is the name most frameworks and platforms use for one (a convention, in no RFC).
 */
export const CF_RAY_HEADER = "cf-ray";
export const CONVENTIONAL_REQUEST_ID_HEADER = "X-Request-ID";

/** An HTTP header name as RFC 9110 5.1 allows it (a token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
