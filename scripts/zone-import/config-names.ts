/**
 * Names: how the config writes a record's fully qualified name. `launch-ready:hosts` and
 * `launch-ready:records` write names differently ("@", one label, relative service names, the full
 * name), and every mapping stage names records, so the rules live once, here.
 */

export function inZone(fqdn: string, zone: string): boolean {
  return fqdn === zone || fqdn.endsWith(`.${zone}`);
}

export function relativeLabels(fqdn: string, zone: string): string[] {
  return fqdn === zone ? [] : fqdn.slice(0, -(zone.length + 1)).split(".");
}

/** A host's name as `launch-ready:hosts` takes it: "@", one label, or the full name; a wildcard keeps its "*.". */
export function hostName(fqdn: string, zone: string): string {
  const labels = relativeLabels(fqdn, zone);
  if (labels.length === 0) return "@";
  if (labels[0] === "*") return labels.length === 1 ? "*" : `*.${hostName(fqdn.slice(2), zone)}`;
  return labels.length === 1 ? labels[0] : fqdn;
}

/** A record's name as `launch-ready:records` takes it: relative for service and wildcard names, as zone files write them. */
export function recordName(fqdn: string, zone: string): string {
  const labels = relativeLabels(fqdn, zone);
  if (labels.length === 0) return "@";
  const relative = labels.length === 1 || labels[0] === "*" || labels.some((label) => label.startsWith("_"));
  return relative ? labels.join(".") : fqdn;
}

export const isServiceName = (fqdn: string, zone: string) => relativeLabels(fqdn, zone).some((label) => label.startsWith("_"));
export const isWildcard = (fqdn: string) => fqdn.startsWith("*.");
