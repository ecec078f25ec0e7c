/** Reading declared DNS records by name and type: shared by the MAIL-* rules. */
import type { DeclaredResource } from "../bar";
import { DNS_RECORD } from "../../domain/resource-types";

export function recordsAt(resources: readonly DeclaredResource[], name: string, type: string): DeclaredResource[] {
  return resources.filter((r) => r.type === DNS_RECORD && r.props.name === name && r.props.type === type);
}

export function txtValues(resources: readonly DeclaredResource[], name: string): string[] {
  return recordsAt(resources, name, "TXT").map((r) => String(r.props.content ?? ""));
}
