/**
 * Everything else: what no host or mail setting took becomes `launch-ready:records`, each record
 * declared on purpose (DNS-SUBDOMAINS), in the zone's order. The last mapping stage, so it sees
 * only what the others left, and the one that knows the records schema's limits (TXT length, CAA
 * flags and tags).
 */
import { CAA_TAGS } from "../../stacks/schema/site";
import { recordName } from "./config-names";
import { keptTtl, LEFT_AS_IS, unmap, type Draft } from "./draft";
import { zoneFields } from "./record-fields";
import { cfProxied, type ZoneRecord } from "./zone-file";

/** What no host or mail setting took, in the zone's order. */
export function mapOtherRecords(draft: Draft, pending: ZoneRecord[], records: readonly ZoneRecord[]): void {
  const position = new Map(records.map((record, index) => [record, index]));
  for (const record of [...pending].sort((a, b) => position.get(a)! - position.get(b)!)) mapRecord(draft, record);
}

function mapRecord(draft: Draft, record: ZoneRecord): void {
  const fields = zoneFields(record)!;
  const name = recordName(record.name, draft.zone);
  let value: Record<string, unknown>;
  switch (record.type) {
    case "TXT":
      if (fields.content!.length === 0 || fields.content!.length > 2048) {
        unmap(draft, record, `launch-ready:records takes TXT content of 1 to 2048 characters, not ${fields.content!.length}; ${LEFT_AS_IS}`);
        return;
      }
      value = { content: fields.content };
      break;
    case "CAA": {
      const data = fields.data as { flags: number; tag: string; value: string };
      if (!(CAA_TAGS as readonly string[]).includes(data.tag) || (data.flags !== 0 && data.flags !== 128)) {
        unmap(draft, record, `launch-ready:records takes CAA flags 0 or 128 and the tags ${CAA_TAGS.join(", ")}; ${LEFT_AS_IS}`);
        return;
      }
      value = { ...(data.flags === 0 ? {} : { flags: data.flags }), tag: data.tag, value: data.value };
      break;
    }
    case "SRV": {
      const data = fields.data as { priority: number; weight: number; port: number; target: string };
      value = { priority: data.priority, weight: data.weight, port: data.port, target: data.target };
      break;
    }
    case "MX":
      value = { content: fields.content, priority: fields.priority };
      break;
    default:
      value = { content: fields.content };
  }
  if (cfProxied(record)) draft.result.notes.push({ record, note: "is proxied in the zone, but launch-ready:records are DNS only: it will be DNS only" });
  const ttl = keptTtl(draft, record, record.ttl);
  const entry = { name, type: record.type, ...value, ...(ttl === undefined ? {} : { ttl }) };
  draft.records.push(entry);
  draft.mapped.push({ record, target: { kind: "record", record: entry } });
}
