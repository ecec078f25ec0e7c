import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { AccessApplicationSpec } from "./edge-rulesets";
import { applyTransform, type Transform } from "./transform";

export interface AdminAccessArgs {
  /** Cloudflare account ID: Access policies belong to the account. */
  accountId: pulumi.Input<string>;
  /** Cloudflare zone ID the protected hosts are in. */
  zoneId: pulumi.Input<string>;
  /** The protected surfaces, usually `accessApplicationSpecs(config)`. */
  applications: AccessApplicationSpec[];
  /**
   * Protect the applications and policies from deletion (OPS-PROTECT).
   * @default false
   */
  protect?: boolean;
  /** Adjust what the component creates. */
  transform?: { application?: Transform<cloudflare.ZeroTrustAccessApplicationArgs>; policy?: Transform<cloudflare.ZeroTrustAccessPolicyArgs> };
}

/**
 * Admin surfaces behind Cloudflare Access (EDGE-ADMIN): visitors sign in before a request reaches
 * the app, and only the listed people or email domains get through. Needs Cloudflare Zero Trust
 * enabled on the account (its Free plan covers 50 users).
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
