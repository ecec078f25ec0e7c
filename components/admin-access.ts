import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { AccessApplicationSpec } from "./edge-rulesets";
import { applyTransform, type Transform } from "./transform";

export interface AdminAccessArgs {
  /**
   * ID of the Cloudflare account that owns the zone: Access policies belong to the account, not
   * the zone.
   * @example "372e67954025e0ba6aaa6d586b9e0b59"
   */
  accountId: pulumi.Input<string>;
  /**
   * ID of the Cloudflare zone the protected hosts are in; each application belongs to it.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The protected surfaces: one self-hosted Access application each, with a policy that lets in
   * only the listed people and email domains.
   * @example [{ logicalName: "access-admin-example-com", domain: "admin.example.com", allowEmails: ["founder@example.com"], allowEmailDomains: [] }]
   */
  applications: AccessApplicationSpec[];
  /**
   * Protect the applications and policies from deletion (OPS-PROTECT): `pulumi up` refuses to
   * delete one until the protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust each application or policy the component creates, as fields to merge into its args or a
   * function that edits them and its options.
   * @example { application: { sessionDuration: "8h" } }
   */
  transform?: { application?: Transform<cloudflare.ZeroTrustAccessApplicationArgs>; policy?: Transform<cloudflare.ZeroTrustAccessPolicyArgs> };
}

/**
 * Admin surfaces behind Cloudflare Access (EDGE-ADMIN): visitors sign in before a request reaches
 * the app, and only the listed people or email domains get through. Needs Cloudflare Zero Trust
 * enabled on the account (its Free plan covers 50 users). Sessions last 24 hours.
 * @example
 * ```ts
 * import { AdminAccess } from "launch-ready";
 *
 * new AdminAccess("access", {
 *   accountId: "372e67954025e0ba6aaa6d586b9e0b59",
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   applications: [
 *     { logicalName: "access-admin-example-com", domain: "admin.example.com", allowEmails: ["founder@example.com"], allowEmailDomains: ["example.com"] },
 *   ],
 * });
 * ```
 */
export class AdminAccess extends pulumi.ComponentResource {
  public readonly applications: Record<string, cloudflare.ZeroTrustAccessApplication>;

  constructor(name: string, args: AdminAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:AdminAccess", name, {}, opts);
    const resourceOptions = { parent: this, protect: args.protect ?? false };
    this.applications = Object.fromEntries(
      args.applications.map((app) => {
        const policy = new cloudflare.ZeroTrustAccessPolicy(
          ...applyTransform(
            args.transform?.policy,
            `${app.logicalName}-allow`,
            {
              accountId: args.accountId,
              name: `launch-ready: who may open ${app.domain}`,
              decision: "allow",
              includes: [...app.allowEmails.map((email) => ({ email: { email } })), ...app.allowEmailDomains.map((domain) => ({ emailDomain: { domain } }))],
            },
            { ...resourceOptions },
          ),
        );
        const application = new cloudflare.ZeroTrustAccessApplication(
          ...applyTransform(
            args.transform?.application,
            app.logicalName,
            {
              zoneId: args.zoneId,
              name: `launch-ready: ${app.domain}`,
              type: "self_hosted",
              domain: app.domain,
              destinations: [{ type: "public", uri: app.domain }],
              policies: [{ id: policy.id, precedence: 1 }],
              sessionDuration: "24h",
            },
            { ...resourceOptions },
          ),
        );
        return [app.domain, application];
      }),
    );
    this.registerOutputs({ applications: this.applications });
  }
}
