import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Environment } from "../../domain/bar/weighing";
import type { SecretsConfig } from "../../stacks/secrets-config";
import { applyTransform, type Transform } from "../transform";
import { RECOVERY_WINDOW_DAYS, type SecretSpec } from "./stored-secrets";

export interface AppSecretsArgs {
  /** The secrets, usually `secretSpecs(config, pulumi.getProject())`. Each is named after its own name, so reordering replaces nothing. */
  secrets: SecretSpec[];
  /** Which store, region and KMS key (`launch-ready:secretStore`). */
  store: SecretsConfig["store"];
  environment: Environment;
  /**
   * Values of the provided secrets by name, as a Pulumi secret
   * (`new pulumi.Config("launch-ready").requireSecretObject("secretValues")`).
   */
  providedValues?: pulumi.Input<Record<string, string>>;
  /**
   * Protect the stored secrets from deletion (OPS-PROTECT). Generated values are not protected,
   * so rotating one (`pulumi up --replace <urn of NAME-value>`) stays a one-line operation.
   * @default false
   */
  protect?: boolean;
  /** Adjust what the component creates. */
  transform?: {
    password?: Transform<random.RandomPasswordArgs>;
    secret?: Transform<aws.secretsmanager.SecretArgs>;
    secretVersion?: Transform<aws.secretsmanager.SecretVersionArgs>;
    parameter?: Transform<aws.ssm.ParameterArgs>;
  };
}

/**
 * The app's secrets, each generated (random.RandomPassword) or provided (secret config), stored
 * encrypted in AWS Secrets Manager or SSM Parameter Store (SecureString) under the stack's own
 * path (SEC-STORE, SEC-ENV-SEPARATION). Values stay Pulumi secrets end to end.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** Where each secret lives, by name: what the app (and the handover) needs to find it. */
  public readonly paths: Record<string, string>;
  /** ARN of each stored secret, by name, for IAM policies that let the app read it. */
  public readonly arns: Record<string, pulumi.Output<string>>;
  /** Each value as a Pulumi secret, by name, to hand to other resources (an app's environment). */
  public readonly values: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:aws:AppSecrets", name, {}, opts);
    this.paths = {};
    this.arns = {};
    this.values = {};
    for (const secret of args.secrets) {
      const value = this.valueOf(secret, args);
      this.paths[secret.name] = secret.path;
      this.values[secret.name] = value;
      this.arns[secret.name] = this.store(secret, value, args);
    }
    this.registerOutputs({ paths: this.paths, arns: this.arns });
  }

  private valueOf(secret: SecretSpec, args: AppSecretsArgs): pulumi.Output<string> {
    if (secret.generate) {
      const { length, special, upper, lower, numeric } = secret.generate;
      const password = new random.RandomPassword(
        ...applyTransform(args.transform?.password, `${secret.name}-value`, { length, special, upper, lower, numeric }, { parent: this }),
      );
      return pulumi.secret(password.result);
    }
    if (!args.providedValues) throw new pulumi.RunError(`${secret.name} is provided, but no providedValues were given to AppSecrets`);
    return pulumi.secret(pulumi.output(args.providedValues).apply((values) => values[secret.name]));
  }

  private store(secret: SecretSpec, value: pulumi.Output<string>, args: AppSecretsArgs): pulumi.Output<string> {
    const region = args.store.region ? { region: args.store.region } : {};
    const tags = { "launch-ready:environment": args.environment, "launch-ready:source": secret.source };
    const options = { parent: this, protect: args.protect ?? false };
    if (args.store.kind === "ssm") {
      const parameter = new aws.ssm.Parameter(
        ...applyTransform(
          args.transform?.parameter,
          secret.name,
          {
            name: secret.path,
            type: "SecureString",
            value,
            description: secret.description,
            tags,
            ...region,
            ...(args.store.kmsKeyId ? { keyId: args.store.kmsKeyId } : {}),
          },
          options,
        ),
      );
      return parameter.arn;
    }
    const stored = new aws.secretsmanager.Secret(
      ...applyTransform(
        args.transform?.secret,
        secret.name,
        {
          name: secret.path,
          description: secret.description,
          recoveryWindowInDays: RECOVERY_WINDOW_DAYS[args.environment],
          tags,
          ...region,
          ...(args.store.kmsKeyId ? { kmsKeyId: args.store.kmsKeyId } : {}),
        },
        options,
      ),
    );
    new aws.secretsmanager.SecretVersion(
      ...applyTransform(args.transform?.secretVersion, `${secret.name}-version`, { secretId: stored.id, secretString: value, ...region }, { parent: this }),
    );
    return stored.arn;
  }
}
