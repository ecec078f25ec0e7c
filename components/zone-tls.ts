import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { tlsSchema, type TlsSettingsInput } from "../stacks/schema/site";
import { zoneSettingSpecs } from "./site-records";
import { applyTransform, type Transform } from "./transform";

export interface ZoneTlsArgs {
  /**
   * ID of the Cloudflare zone the settings belong to (dashboard: the zone's Overview page, API
   * section). An Output works too, such as a `cloudflare.Zone`'s `id`.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The zone's domain. It names each setting (`example.com-ssl`), so the settings of several zones
   * can live in one program.
   * @example "example.com"
   */
  zoneName: string;
  /**
   * The zone's TLS settings; each one left out takes the bar's value, as a stack file's would.
   * @default { ssl: "strict", minTlsVersion: "1.2", tls13: "on", alwaysUseHttps: true, automaticHttpsRewrites: true, hsts: { enabled: true, maxAge: 31536000, includeSubdomains: true, preload: false, nosniff: true } }
   * @example { ssl: "full", hsts: { preload: true } }
   */
  tls?: TlsSettingsInput;
  /**
   * Protect every setting from deletion (OPS-PROTECT): `pulumi up` refuses to delete one until the
   * protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust each `cloudflare.ZoneSetting` the component creates, as fields to merge into its args or
   * a function that edits them and its options.
   * @example { setting: (args, opts) => { opts.retainOnDelete = true; } }
   */
  transform?: { setting?: Transform<cloudflare.ZoneSettingArgs> };
}

/**
 * SSL mode, HTTPS-only, HTTPS rewrites, TLS versions and HSTS for one zone: one
 * `cloudflare.ZoneSetting` each (TLS-STRICT, TLS-HTTPS-ONLY, TLS-VERSION, TLS-HSTS).
 * @example
 * ```ts
 * import { ZoneTls } from "launch-ready";
 *
 * new ZoneTls("tls", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   zoneName: "example.com",
 *   protect: true,
 * });
 * ```
 */
export class ZoneTls extends pulumi.ComponentResource {
  /** The created settings, by Cloudflare setting ID. */
  public readonly settings: Record<string, cloudflare.ZoneSetting>;

  constructor(name: string, args: ZoneTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    const tls = tlsSchema.safeParse(args.tls ?? {});
    // Refused before anything is registered, each wrong field named, as a stack file's would be.
    if (!tls.success) {
      const problems = tls.error.issues.map((issue) => `  tls.${issue.path.join(".")}: ${issue.message}`);
      throw new pulumi.RunError(`ZoneTls ${name}: the TLS settings are not valid:\n${problems.join("\n")}`);
    }
    super("launch-ready:cloudflare:ZoneTls", name, {}, opts);
    this.settings = Object.fromEntries(
      zoneSettingSpecs(args.zoneName, tls.data).map((setting) => [
        setting.settingId,
        new cloudflare.ZoneSetting(
          ...applyTransform(
            args.transform?.setting,
            setting.logicalName,
            { zoneId: args.zoneId, settingId: setting.settingId, value: setting.value },
            { parent: this, protect: args.protect ?? false },
          ),
        ),
      ]),
    );
    this.registerOutputs({ settings: this.settings });
  }
}
