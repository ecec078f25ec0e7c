/**
 * The stack file as written: the imported config with its provenance on top (the schema, where it
 * came from, what was not imported) and a comment on each key and on each entry the import added.
 * Apart from the write because what the file says is one concern and writing it all or nothing
 * another; the write reads the text back and checks it is the config that was planned.
 */
import { basename, relative } from "node:path";
import { KIT_SCHEMA_PATH, schemaPath } from "../../stacks/project";
import { renderStackFileText } from "../../stacks/stack-file-edit";
import type { ZoneImport } from "./draft";
import type { ImportArgs } from "./import-args";
import { appendAll } from "./report";
import { describeRecord, describeUnreadLine, type UnreadLine } from "./zone-file";

/** The file's provenance, on top since a reader meets it first: the schema for editors, where the config came from, and what the import left out. */
function headerComment(args: ImportArgs, imported: ZoneImport, unread: readonly UnreadLine[], day: string, schema: string): string {
  const lines = [
    ` yaml-language-server: $schema=${schema}`,
    ` Stack ${args.stack} (${args.environment}) for ${args.domain}, imported by \`npm run import:zone\` from ${basename(args.zoneFile)} on ${day}.`,
    " The live zone's records are declared below; `npm run plan -- --config <this file>` shows what the stack still",
    " needs to clear the minimum bar. Hosts' purposes are guessed from their names: check them.",
  ];
  const whole = imported.unmapped.filter((entry) => entry.part === undefined);
  const parts = imported.unmapped.filter((entry) => entry.part !== undefined);
  if (whole.length > 0)
    appendAll(lines, [" Not imported (left in Cloudflare as they are):"], whole, (entry) => `   ${describeRecord(entry.record)}: ${entry.reason}`);
  if (parts.length > 0)
    appendAll(lines, [" Imported without these parts:"], parts, (entry) => `   ${entry.record.name} ${entry.record.type} ${entry.part}: ${entry.reason}`);
  if (unread.length > 0) appendAll(lines, [` Lines of ${basename(args.zoneFile)} not imported:`], unread, (line) => `   ${describeUnreadLine(line)}`);
  return lines.join("\n");
}

/** Which of the zone's records each key was read from, above the key. */
const KEY_COMMENTS: Record<string, string> = {
  "launch-ready:hosts": " From the zone's A, AAAA and CNAME records; proxied as the export's cf_tags say.",
  "launch-ready:email": " From the zone's MX, SPF, DKIM and DMARC records; the kit writes their text from these.",
  "launch-ready:records": " The zone's other records, each declared on purpose (DNS-SUBDOMAINS).",
  "launch-ready:waivers": " The zone's wildcard is kept under a dated waiver: replace it with named subdomains (DNS-SUBDOMAINS).",
};

/** An entry the import added (`launch-ready:hosts[3]`) says so above it, since the zone file a reader compares with has no such record. */
function addedItemComments(imported: ZoneImport): Array<{ key: string; index: number; comment: string }> {
  return imported.added.flatMap((added) => {
    const [, key, index] = /^(launch-ready:[a-z]+)\[(\d+)\]$/.exec(added.to) ?? [];
    return key ? [{ key, index: Number(index), comment: ` Not in the zone file: ${added.why}.` }] : [];
  });
}

/** The stack file's text: the config as YAML, with its provenance and the comments a person reading it needs. */
export function renderStackFile(args: ImportArgs, imported: ZoneImport, unread: readonly UnreadLine[], day: string): string {
  const schema = relative(args.out, args.project ? schemaPath(args.project) : KIT_SCHEMA_PATH)
    .split("\\")
    .join("/");
  return renderStackFileText({
    config: imported.config,
    header: headerComment(args, imported, unread, day, schema.startsWith(".") ? schema : `./${schema}`),
    keyComments: KEY_COMMENTS,
    itemComments: addedItemComments(imported),
  });
}
