import { SECRET_PLACEHOLDER } from "../../stacks/stack-file";
import { detectSecrets, plaintextSecrets, setEncryptedCommand, textLeaves } from "../../stacks/stack-secrets";
import { fail, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { SECRET_VERSION, SSM_PARAMETER } from "../../domain/resource-types";

/**
 * Inputs that are where a secret belongs. The engine hands policies secret inputs decrypted, so
 * these are skipped rather than reported; the provider keeps them secret (additionalSecretOutputs).
 */
function isSecretHome(resource: DeclaredResource, key: string): boolean {
  if (resource.type === SECRET_VERSION) return key === "secretString" || key === "secretBinary";
  if (resource.type === SSM_PARAMETER) return key === "value" && resource.props.type === "SecureString";
  return resource.type.startsWith("pulumi:providers:");
}

/**
 * SEC-NO-PLAINTEXT: no secret-looking value in the stack file's plain config or in any resource
 * input, judged by the same detector as `npm run scan:secrets`; provided secret values and
 * provider credentials must be `secure:` whatever they look like.
 */
export const secNoPlaintext: BarRule = {
  id: "SEC-NO-PLAINTEXT",
  async checkStackAsync(resources, context) {
    const verdicts: Verdict[] = [];
    const file = context.stackFile;
    if (file) {
      for (const { configPath, finding } of await plaintextSecrets(file)) {
        const message = finding
          ? `${configPath} in the stack file holds a secret in plain text (${finding.message.replace(/^found /, "")}); rotate it, then move it to secret config (pulumi config set --secret) or launch-ready:secrets`
          : `${configPath} is written in plain text in ${file.path}; delete it from the file, rotate it (it is in git now), and set it with: ${setEncryptedCommand(configPath, file.stack)}`;
        verdicts.push(fail(message, { configPath }));
      }
    }
    const inputs = resources.flatMap((resource) =>
      textLeaves(resource.props)
        .filter(({ path, value }) => value !== SECRET_PLACEHOLDER && !isSecretHome(resource, path.split(/[.[]/)[0]))
        .map(({ path, value }) => ({ label: `${resource.name} ${path}`, value, urn: resource.urn })),
    );
    for (const { at, finding } of await detectSecrets(inputs)) {
      const message = `input ${at.label} holds a secret in plain text (${finding.message.replace(/^found /, "")}); rotate it, then pass it from launch-ready:secrets (AppSecrets.values) instead of a literal`;
      verdicts.push(fail(message, { urn: at.urn }));
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
