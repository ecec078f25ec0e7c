import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import type * as vercel from "@pulumiverse/vercel";
import type { Environment } from "../../domain/bar/weighing";
import { VERCEL_TARGETS, vercelSensitive, type SecretsConfig } from "../../stacks/secrets-config";
import { awsSdk, randomSdk, vercelSdk } from "../provider-sdks";
import { applyTransform, type Transform } from "../transform";
import { RECOVERY_WINDOW_DAYS, type SecretSpec } from "./stored-secrets";

export interface AppSecretsArgs {
  /**
   * The secrets to store: `secretSpecs(config, pulumi.getProject())` for a stack config, or written
   * by hand. Each resource is named after the secret's name, so reordering the list replaces nothing.
   * @example [{ name: "STRIPE_SECRET_KEY", path: "/quill/production/STRIPE_SECRET_KEY", source: "provided", description: "Stripe live-mode secret key" }]
   */
  secrets: SecretSpec[];
  /**
   * Where the secrets are held: the stack config's `secretStore`. On AWS, which service, in which
   * region, under which KMS key (without a region, the AWS provider's `aws:region`; without a
   * key, the service's AWS-managed one). On Vercel (`kind: "vercel"`), the project (and team)
   * whose environment variables hold them, one target per environment (`VERCEL_TARGETS`).
   * @example { kind: "secrets-manager", region: "eu-west-1" }
   */
  store: SecretsConfig["store"];
  /**
   * The stack's environment. It tags every stored secret and sets how long a deleted Secrets
   * Manager secret can be restored: 30 days in production, 7 in staging, none in development, so
   * a destroyed dev stack can be recreated under the same names at once. On Vercel it picks the
   * one target the variables are given to: production, preview (staging) or development.
   * @example "production"
   */
  environment: Environment;
  /**
   * Values of the provided secrets by name, each a Pulumi secret or Output (`config.requireSecret`),
   * or the whole map as one (`new pulumi.Config("launch-ready").requireSecretObject("secretValues")`,
   * what the standard program passes). Whatever is given, the value is stored and exposed as a
   * secret. Needed as soon as one secret is provided; a map written out must name every one.
   * @example { STRIPE_SECRET_KEY: new pulumi.Config().requireSecret("stripeSecretKey") }
   */
  providedValues?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Protect the stored secrets from deletion (OPS-PROTECT). Generated values are not protected,
   * so rotating one (`pulumi up --replace <urn of NAME-value>`) stays a one-line operation.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust what the component creates: each generated value, Secrets Manager secret and version,
   * SSM parameter or Vercel environment variable, without forking the component.
   * @example { secret: { tags: { team: "payments" } } }
   */
  transform?: {
    password?: Transform<random.RandomPasswordArgs>;
    secret?: Transform<aws.secretsmanager.SecretArgs>;
    secretVersion?: Transform<aws.secretsmanager.SecretVersionArgs>;
    parameter?: Transform<aws.ssm.ParameterArgs>;
    environmentVariable?: Transform<vercel.ProjectEnvironmentVariableArgs>;
  };
}

/**
 * The app's secrets, each generated (random.RandomPassword) or provided, stored encrypted in AWS
 * Secrets Manager or SSM Parameter Store (SecureString) under the stack's own path, or as
 * sensitive environment variables of a Vercel project in the environment's own target
 * (SEC-STORE, SEC-ENV-SEPARATION). Values stay Pulumi secrets end to end.
 * @example
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { AppSecrets } from "launch-ready";
 *
 * const secrets = new AppSecrets("secrets", {
 *   secrets: [
 *     { name: "SESSION_SECRET", path: "/quill/production/SESSION_SECRET", source: "generated", description: "Signs session cookies", generate: { length: 48, special: false, upper: true, lower: true, numeric: true } },
 *     { name: "STRIPE_SECRET_KEY", path: "/quill/production/STRIPE_SECRET_KEY", source: "provided", description: "Stripe live-mode secret key" },
 *   ],
 *   store: { kind: "secrets-manager", region: "eu-west-1" },
 *   environment: "production",
 *   providedValues: { STRIPE_SECRET_KEY: new pulumi.Config().requireSecret("stripeSecretKey") },
 *   protect: true,
 * });
 * export const secretArns = secrets.arns;
 * ```
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** Where each secret lives, by name: what the app (and the handover) needs to find it. */
  public readonly paths: Record<string, string>;
  /** ARN of each stored secret, by name, for IAM policies that let the app read it; empty on Vercel, which hands the values to the app's deployments itself. */
  public readonly arns: Record<string, pulumi.Output<string>>;
  /** Each value as a Pulumi secret, by name, to hand to other resources (an app's environment). */
  public readonly values: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before anything is registered, so no half-made component is left for the engine.
    const vercelProject = args.store.kind === "vercel" ? args.store.projectId : undefined;
    if (args.store.kind === "vercel" && !vercelProject) throw new pulumi.RunError("AppSecrets: the store is kind vercel but names no projectId");
    // The AWS type stays what it always was (a new type would re-create deployed stores); a Vercel store says where it lives.
    super(vercelProject ? "launch-ready:vercel:AppSecrets" : "launch-ready:aws:AppSecrets", name, {}, opts);
    this.paths = {};
    this.arns = {};
    this.values = {};
    for (const secret of args.secrets) {
      const value = this.valueOf(secret, args);
      this.paths[secret.name] = secret.path;
      this.values[secret.name] = value;
      if (vercelProject) this.storeOnVercel(secret, value, vercelProject, args);
      else this.arns[secret.name] = this.storeOnAws(secret, value, args);
    }
    this.registerOutputs({ paths: this.paths, arns: this.arns });
  }

  private valueOf(secret: SecretSpec, args: AppSecretsArgs): pulumi.Output<string> {
    if (secret.generate) {
      const { length, special, upper, lower, numeric } = secret.generate;
      const { RandomPassword } = randomSdk();
      const password = new RandomPassword(
        ...applyTransform(args.transform?.password, `${secret.name}-value`, { length, special, upper, lower, numeric }, { parent: this }),
      );
      return pulumi.secret(password.result);
    }
    const provided = args.providedValues;
    if (!provided) throw new pulumi.RunError(`${secret.name} is provided, but no providedValues were given to AppSecrets`);
    // A map written out can be checked now; one that is itself an Output is known only at `pulumi up`.
    if (!pulumi.Output.isInstance(provided) && !(provided instanceof Promise) && !Object.hasOwn(provided, secret.name))
      throw new pulumi.RunError(`${secret.name} is provided, but the providedValues given to AppSecrets have no value for it`);
    return pulumi.secret(pulumi.output(provided).apply((values) => values[secret.name]));
  }

  /**
   * One environment variable per secret, given to the environment's target only. The provider
   * itself keeps `value` secret; sensitive makes it unreadable in Vercel's dashboard and API too.
   */
  private storeOnVercel(secret: SecretSpec, value: pulumi.Output<string>, projectId: string, args: AppSecretsArgs): void {
    const target = VERCEL_TARGETS[args.environment];
    const { ProjectEnvironmentVariable } = vercelSdk();
    new ProjectEnvironmentVariable(
      ...applyTransform(
        args.transform?.environmentVariable,
        secret.name,
        {
          projectId,
          ...(args.store.teamId ? { teamId: args.store.teamId } : {}),
          key: secret.name,
          value,
          targets: [target],
          sensitive: vercelSensitive(target),
          comment: secret.description,
        },
        { parent: this, protect: args.protect ?? false },
      ),
    );
  }

  private storeOnAws(secret: SecretSpec, value: pulumi.Output<string>, args: AppSecretsArgs): pulumi.Output<string> {
    const region = args.store.region ? { region: args.store.region } : {};
    const tags = { "launch-ready:environment": args.environment, "launch-ready:source": secret.source };
    const options = { parent: this, protect: args.protect ?? false };
    const { ssm, secretsmanager } = awsSdk();
    if (args.store.kind === "ssm") {
      const parameter = new ssm.Parameter(
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
    const stored = new secretsmanager.Secret(
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
    new secretsmanager.SecretVersion(
      ...applyTransform(args.transform?.secretVersion, `${secret.name}-version`, { secretId: stored.id, secretString: value, ...region }, { parent: this }),
    );
    return stored.arn;
  }
}
