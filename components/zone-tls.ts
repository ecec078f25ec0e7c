import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { TlsSettings } from "../stacks/schema/site";
import { zoneSettingSpecs } from "./site-records";
import { applyTransform, type Transform } from "./transform";

export interface ZoneTlsArgs {
  /** Cloudflare zone ID. */
  zoneId: pulumi.Input<string>;
  /**
   * Zone name, used in the settings' logical names.
   * @example "example.com"
   */
  zoneName: string;
  /**
   * The zone's TLS settings; the stack config fills in the bar's production defaults
   * (ssl strict, TLS 1.2 minimum, TLS 1.3 on, HTTPS only, HSTS for a year with subdomains).
   */
  tls: TlsSettings;
  /**
   * Protect the settings from deletion (OPS-PROTECT).
   * @default false
   */
  protect?: boolean;
  /** Adjust the zone settings the component creates. */
  transform?: { setting?: Transform<cloudflare.ZoneSettingArgs> };
}

/** SSL mode, HTTPS-only, TLS versions and HSTS for one zone: one `cloudflare.ZoneSetting` each. */
export class ZoneTls extends pulumi.ComponentResource {
  /** The created settings, by Cloudflare setting ID. */
  public readonly settings: Record<string, cloudflare.ZoneSetting>;

  constructor(name: string, args: ZoneTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:ZoneTls", name, {}, opts);
    this.settings = Object.fromEntries(
      zoneSettingSpecs(args.zoneName, args.tls).map((setting) => [
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
