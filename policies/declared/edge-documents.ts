/** Reading what the declared edge Worker serves: shared by MAIL-TRANSPORT and OPS-SECURITY-TXT. */
import { DOCUMENTS_BINDING } from "../../components/edge-documents";
import { WORKERS_SCRIPT } from "../../domain/resource-types";
import type { DeclaredResource } from "../bar";

/** The document a declared edge Worker serves at `key` (host + path), from its JSON binding; undefined when none does. */
export function servedDocument(resources: readonly DeclaredResource[], key: string): { body: string; worker: DeclaredResource } | undefined {
  for (const worker of resources.filter((r) => r.type === WORKERS_SCRIPT)) {
    const bindings = Array.isArray(worker.props.bindings) ? (worker.props.bindings as Array<Record<string, unknown>>) : [];
    const binding = bindings.find((b) => b.name === DOCUMENTS_BINDING && b.type === "json" && typeof b.json === "string");
    if (!binding) continue;
    try {
      const body = (JSON.parse(String(binding.json)) as Record<string, { body?: unknown }>)[key]?.body;
      if (typeof body === "string") return { body, worker };
    } catch {
      // A binding that is not JSON serves nothing.
    }
  }
  return undefined;
}
