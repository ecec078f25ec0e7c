/**
 * The bootstrap program: the S3 bucket and KMS key that every other stack keeps its state and
 * secrets in. It keeps its own state in a local file backend, since the bucket does not exist
 * until it has run.
 */
import * as pulumi from "@pulumi/pulumi";
import { StateBackend } from "../components/state-backend";
import { loginCommand, stackInitCommand, stateBackendProblems } from "../components/state-backend-settings";

const NAMESPACE = "launch-ready-bootstrap";

export = async function bootstrap() {
  const config = new pulumi.Config(NAMESPACE);
  // Missing, each stops the run naming the key and the `pulumi config set` command that fixes it.
  const bucketName = config.require("bucketName");
  // aws:region, not a key of our own: the AWS provider refuses to start without it, whatever
  // region each resource names, so one key serves both and they cannot disagree.
  const region = new pulumi.Config("aws").require("region");
  const noncurrentVersionDays = config.getNumber("noncurrentVersionDays");

  const args = { bucketName, region, noncurrentVersionDays };
  const problems = stateBackendProblems(args);
  if (problems.length > 0) {
    const keyOf = (arg: string) => (arg === "region" ? "aws:region" : `${NAMESPACE}:${arg}`);
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
