/**
 * The bootstrap program: the S3 bucket and KMS key that every other stack keeps its state and
 * secrets in. It keeps its own state in a local file backend, since the bucket does not exist
 * until it has run.
 */
import * as pulumi from "@pulumi/pulumi";
import { StateBackend } from "../../components/state-backend";
import { loginCommand, stackInitCommand, stateBackendProblems } from "../../components/state-backend-plan";

const NAMESPACE = "launch-ready-bootstrap";

export = async function bootstrap() {
  const config = new pulumi.Config(NAMESPACE);
  // Missing, it stops the run naming the key and the `pulumi config set` command that fixes it.
  const bucketName = config.require("bucketName");
  const ownRegion = config.get("region");
  const region = ownRegion ?? new pulumi.Config("aws").get("region");
  if (region === undefined) {
    throw new pulumi.RunError(
      `Missing required configuration variable '${NAMESPACE}:region'\n\tplease set a value using the command \`pulumi config set ${NAMESPACE}:region <value>\` (e.g. eu-west-1), or set aws:region`,
    );
  }
  const noncurrentVersionDays = config.getNumber("noncurrentVersionDays");

  const args = { bucketName, region, noncurrentVersionDays };
  const problems = stateBackendProblems(args);
  if (problems.length > 0) {
    const keyOf = (arg: string) => (arg === "region" && ownRegion === undefined ? "aws:region" : `${NAMESPACE}:${arg}`);
    throw new pulumi.RunError(`stack ${pulumi.getStack()}:\n${problems.map((p) => `  ${keyOf(p.arg)}: ${p.message}`).join("\n")}`);
  }

  const backend = new StateBackend("state", args);
  return {
    bucketName: backend.bucketName,
    region: backend.region,
    keyArn: backend.keyArn,
    backendUrl: backend.backendUrl,
    secretsProvider: backend.secretsProvider,
    loginCommand: backend.bucketName.apply(loginCommand),
    stackInitCommand: backend.secretsProvider.apply(stackInitCommand),
  };
};
