/**
 * Record values: a zone file's text in the form the config and Cloudflare's API use (content,
 * priority + content, or data). Apart from reading the file because two stages need the same
 * reading: the mapping writes config from it, and the coverage check compares the plan and
 * Cloudflare's record list against it; one reading means they cannot disagree.
 */
import { classifyTarget, normalizeTargetHost } from "../../domain/hostnames";
import type { ZoneRecord } from "./zone-file";

/** TXT content as one string: quoted character-strings joined without separators (RFC 1035 3.3.14), escapes undone. */
export function txtText(content: string): string {
  const trimmed = content.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  const strings = [...trimmed.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
  return strings.join("").replace(/\\(\d{3}|.)/g, (_, escaped: string) => (/^\d{3}$/.test(escaped) ? String.fromCharCode(Number(escaped)) : escaped));
}

/** A target host without the trailing dot, lower case; "." (no service) stays. */
function hostOf(text: string): string | undefined {
  const host = normalizeTargetHost(text);
  return host.ok ? host.value : undefined;
}

export type RecordData = { flags: number; tag: string; value: string } | { priority: number; weight: number; port: number; target: string };

/** A record's value as Cloudflare's API holds it: content, or priority + content (MX), or data (CAA, SRV). */
export interface RecordFields {
  name: string;
  type: string;
  content?: string;
  priority?: number;
  data?: RecordData;
}

/** The zone record in the API's shape, or undefined when its content cannot be read. */
export function zoneFields(record: ZoneRecord): RecordFields | undefined {
  const base = { name: record.name, type: record.type };
  const content = record.content.trim();
  switch (record.type) {
    case "A":
    case "AAAA": {
      const target = classifyTarget(content);
      return target.ok && target.value.type === record.type ? { ...base, content: target.value.content } : undefined;
    }
    case "CNAME":
    case "NS": {
      const host = hostOf(content);
      return host && host !== "." ? { ...base, content: host } : undefined;
    }
    case "MX": {
      const [, priority, target] = /^(\d+)\s+(\S+)$/.exec(content) ?? [];
      const host = target === undefined ? undefined : hostOf(target);
      return host && Number(priority) <= 65535 ? { ...base, priority: Number(priority), content: host } : undefined;
    }
    case "TXT":
      return { ...base, content: txtText(content) };
    case "CAA": {
      const [, flags, tag, value] = /^(\d+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(content) ?? [];
      return tag === undefined ? undefined : { ...base, data: { flags: Number(flags), tag: tag.toLowerCase(), value: txtText(value) } };
    }
    case "SRV": {
      const [, priority, weight, port, target] = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$/.exec(content) ?? [];
      const host = target === undefined ? undefined : hostOf(target);
      return host ? { ...base, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: host } } : undefined;
    }
    default:
      return undefined;
  }
}
