/** AWS facts the kit checks names against. */

/** eu-west-1, us-gov-west-1, ap-southeast-3: what the provider, SES and the awskms:// URL accept. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** How much of an answer a Route 53 health check reads when it looks for its search string. */
export const ROUTE53_SEARCH_BYTES = 5120;
