/**
 * The file `pulumi import --file` reads (pkg/cmd/pulumi/operations/import.go in pulumi/pulumi,
 * `importFile` and `importSpec`): `resources`, each with `type`, `name` (unique in the file),
 * `logicalName` (the resource's Pulumi name when `name` cannot be it), `id` (the provider's import
 * ID), `parent` (the `name` of another entry, or of a `nameTable` entry mapping names to URNs of
 * resources already in the stack) and `version` (the provider's). A component the program
 * creates is declared with `component: true` and no ID: since Pulumi 3.94 the import creates it
 * empty, and resolves the parents of the file's own entries without the name table, so the file
 * adopts resources under components that do not exist yet. The program's first `pulumi up` then
 * registers those components with the same URNs and finds them there.
 */
import type { RegisteredResource } from "../plan/offline-run";
import { importEntryName, type ImportFile, type ImportFileEntry } from "../zone-import/zone-coverage";

const ROOT_STACK = "pulumi:pulumi:Stack";

/** One planned resource that exists, with the ID its provider imports it by. */
export interface ImportTarget {
  resource: RegisteredResource;
  id: string;
}

/**
 * The import file for `targets`, each under the components above it in the plan, every component
 * once and before its children. `version` pins each provider resource to the provider the program
 * uses: the program's resources run on that version's default provider, and an import without it
 * would create an unversioned one beside it.
 */
export function buildImportFile(resources: readonly RegisteredResource[], targets: readonly ImportTarget[], versions: Record<string, string>): ImportFile {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const file: ImportFile = { nameTable: {}, resources: [] };
  const taken = new Set<string>();
  const declared = new Map<string, string>();
  const declare = (resource: RegisteredResource, id?: string): string => {
    const known = declared.get(resource.urn);
    if (known) return known;
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    const parentName = parent && parent.type !== ROOT_STACK ? declare(parent) : undefined;
    const name = importEntryName(resource.name, taken);
    declared.set(resource.urn, name);
    const version = resource.custom ? versions[resource.type.split(":")[0]] : undefined;
    const entry: ImportFileEntry & { version?: string } = {
      type: resource.type,
      name,
      ...(id ? { id } : {}),
      ...(parentName ? { parent: parentName } : {}),
      ...(name === resource.name ? {} : { logicalName: resource.name }),
      ...(resource.custom ? {} : { component: true }),
      ...(version ? { version } : {}),
    };
    file.resources.push(entry);
    return name;
  };
  for (const { resource, id } of targets) declare(resource, id);
  return file;
}

/**
 * The URN `pulumi import` gives each entry of a file, by name, worked out as it does: a resource's
 * type is qualified by its parent's qualified type, and one without a parent is the stack's child,
 * whose type the engine leaves unqualified.
 */
export function importedUrns(file: ImportFile, stack: string, project: string): Map<string, string> {
  const entries = new Map(file.resources.map((entry) => [entry.name, entry]));
  const qualified = new Map<string, string>();
  const qualifiedType = (entry: ImportFileEntry): string => {
    const known = qualified.get(entry.name);
    if (known) return known;
    const parent = entry.parent ? entries.get(entry.parent) : undefined;
    const type = parent ? `${qualifiedType(parent)}$${entry.type}` : entry.type;
    qualified.set(entry.name, type);
    return type;
  };
  return new Map(file.resources.map((entry) => [entry.name, `urn:pulumi:${stack}::${project}::${qualifiedType(entry)}::${entry.logicalName ?? entry.name}`]));
}

/**
 * A URN of the offline plan as the engine writes it. The plan's runner qualifies a top-level
 * component's type with the stack's (`pulumi:pulumi:Stack$launch-ready:index:Site`); the engine
 * leaves the root stack out of its children's types (Deployment.generateURN), and so does the import.
 */
export function engineUrn(planUrn: string): string {
  return planUrn.replace(`::${ROOT_STACK}$`, "::");
}
