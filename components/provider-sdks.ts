/**
 * The AWS, random, Checkly and Vercel SDKs, required by a component when it declares one of their
 * resources rather than imported with it: @pulumi/aws takes about 130 ms to load, an eighth of a
 * whole `launch-ready plan`, and a stack that keeps its secrets, monitors and mail off AWS never
 * needs it; most stacks never need Checkly's or Vercel's. A require, not an import(): components
 * declare their resources synchronously, and waiting for a module would change the order in which
 * the engine receives them.
 */
import type * as Aws from "@pulumi/aws";
import type * as Random from "@pulumi/random";
import type * as Checkly from "@checkly/pulumi";
import type * as Vercel from "@pulumiverse/vercel";

export const awsSdk = (): typeof Aws => require("@pulumi/aws");
export const randomSdk = (): typeof Random => require("@pulumi/random");
export const checklySdk = (): typeof Checkly => require("@checkly/pulumi");
export const vercelSdk = (): typeof Vercel => require("@pulumiverse/vercel");
