import type { SecretFinding } from "../../domain/secrets/detect";
import { SECRET_VALUES_KEY, setSecretCommand } from "../../stacks/secrets-config";
import { SECRET_PLACEHOLDER } from "../../stacks/stack-file";
import { fail, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { SECRET_VERSION, SSM_PARAMETER } from "../../domain/resource-types";

/** Provider settings that are credentials whatever their value looks like: never plain in a stack file. */
export const CREDENTIAL_CONFIG_KEYS = ["cloudflare:apiToken", "cloudflare:apiKey", "cloudflare:apiUserServiceKey", "aws:secretKey", "aws:token"];

/**
 * Inputs that are where a secret belongs. The engine hands policies secret inputs decrypted, so
 * these are skipped rather than reported; the provider keeps them secret (additionalSecretOutputs).
 */
function isSecretHome(resource: DeclaredResource, key: string): boolean {
  if (resource.type === SECRET_VERSION) return key === "secretString" || key === "secretBinary";
  if (resource.type === SSM_PARAMETER) return key === "value" && resource.props.type === "SecureString";
  return resource.type.startsWith("pulumi:providers:");
}

interface Leaf {
  /** Where the value is: a config key path, or `<resource name> input <path>`. */
  label: string;
  value: string;
  urn?: string;
  configPath?: string;
}

function leavesOf(value: unknown, path: string, out: Array<{ path: string; value: string }>): void {
  if (typeof value === "string") out.push({ path, value });
  else if (Array.isArray(value)) value.forEach((item, i) => leavesOf(item, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") for (const [key, inner] of Object.entries(value)) leavesOf(inner, path ? `${path}.${key}` : key, out);
}

// The detector (secretlint and its rule preset) is loaded only once there is a value to judge,
// and kept: under tsx every import() is a round trip to its loader's thread.
let detector: Promise<typeof import("../../domain/secrets/detect")> | undefined;
const loadDetector = () => (detector ??= import("../../domain/secrets/detect"));

/** Scans every leaf in one pass of the detector: one text, `label: value` per leaf, lines mapped back. */
async function scanLeaves(leaves: Leaf[]): Promise<Array<{ leaf: Leaf; finding: SecretFinding }>> {
  const owner: Leaf[] = [];
  const lines: string[] = [];
  for (const leaf of leaves) {
    const text = `${leaf.label}: ${leaf.value}`;
    for (const line of text.split("\n")) {
      lines.push(line);
      owner.push(leaf);
    }
  }
  if (lines.length === 0) return [];
  const { findSecrets } = await loadDetector();
  return (await findSecrets(lines.join("\n"), "Pulumi.stack.yaml")).map((finding) => ({ leaf: owner[finding.line - 1], finding }));
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
    const leaves: Leaf[] = [];
    const file = context.stackFile;
    if (file) {
      const configLeaves: Array<{ path: string; value: string }> = [];
      for (const [key, value] of Object.entries(file.config)) leavesOf(value, key, configLeaves);
      for (const { path, value } of configLeaves) {
        if (value === SECRET_PLACEHOLDER) continue;
        const secretValue = path.startsWith(`${SECRET_VALUES_KEY}.`);
        if (secretValue || CREDENTIAL_CONFIG_KEYS.includes(path)) {
          const command = secretValue
            ? setSecretCommand(path.slice(SECRET_VALUES_KEY.length + 1), file.stack)
            : `pulumi config set --secret ${path} --stack ${file.stack}`;
          verdicts.push(
            fail(`${path} is written in plain text in ${file.path}; delete it from the file, rotate it (it is in git now), and set it with: ${command}`, {
              configPath: path,
            }),
          );
          continue;
        }
        leaves.push({ label: path, value, configPath: path });
      }
    }
    for (const resource of resources) {
      const inputs: Array<{ path: string; value: string }> = [];
      leavesOf(resource.props, "", inputs);
      for (const { path, value } of inputs) {
        if (value === SECRET_PLACEHOLDER || isSecretHome(resource, path.split(/[.[]/)[0])) continue;
        leaves.push({ label: `${resource.name} ${path}`, value, urn: resource.urn });
      }
    }
    for (const { leaf, finding } of await scanLeaves(leaves)) {
      const where = leaf.configPath ? `${leaf.configPath} in the stack file` : `input ${leaf.label}`;
      const fix = leaf.configPath
        ? "move it to secret config (pulumi config set --secret) or launch-ready:secrets"
        : "pass it from launch-ready:secrets (AppSecrets.values) instead of a literal";
      verdicts.push(
        fail(`${where} holds a secret in plain text (${finding.message.replace(/^found /, "")}); rotate it, then ${fix}`, {
          urn: leaf.urn,
          configPath: leaf.configPath,
        }),
      );
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
