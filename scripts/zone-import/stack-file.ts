/**
 * The stack file as written: the imported config with its provenance on top (the schema, where it
 * came from, what was not imported) and a comment on each key and on each entry the import added.
 * Apart from the write because what the file says is one concern and writing it all or nothing
 * another; the write reads the text back and checks it is the config that was planned.
 */
import { basename, join, relative } from "node:path";
import { Document, isMap, isSeq, type Node } from "yaml";
import { STACKS_DIR } from "../../stacks/stack-file";
import type { ZoneImport } from "./draft";
import type { ImportArgs } from "./import-args";
import { describeRecord } from "./zone-file";

function headerComment(args: ImportArgs, imported: ZoneImport, day: string, schema: string): string {
  const lines = [
    ` yaml-language-server: $schema=${schema}`,
    ` Stack ${args.stack} (${args.environment}) for ${args.domain}, imported by \`npm run import:zone\` from ${basename(args.zoneFile)} on ${day}.`,
    " The live zone's records are declared below; `npm run plan -- --config <this file>` shows what the stack still",
    " needs to clear the minimum bar. Hosts' purposes are guessed from their names: check them.",
  ];
  const whole = imported.unmapped.filter((entry) => entry.part === undefined);
  const parts = imported.unmapped.filter((entry) => entry.part !== undefined);
  if (whole.length > 0) lines.push(" Not imported (left in Cloudflare as they are):", ...whole.map((entry) => `   ${describeRecord(entry.record)}: ${entry.reason}`));
  if (parts.length > 0) lines.push(" Imported without these parts:", ...parts.map((entry) => `   ${entry.record.name} ${entry.record.type} ${entry.part}: ${entry.reason}`));
  return lines.join("\n");
}

const KEY_COMMENTS: Record<string, string> = {
  "launch-ready:hosts": " From the zone's A, AAAA and CNAME records; proxied as the export's cf_tags say.",
  "launch-ready:email": " From the zone's MX, SPF, DKIM and DMARC records; the kit writes their text from these.",
  "launch-ready:records": " The zone's other records, each declared on purpose (DNS-SUBDOMAINS).",
  "launch-ready:waivers": " The zone's wildcard is kept under a dated waiver: replace it with named subdomains (DNS-SUBDOMAINS).",
};

/** Short list items on one line, as the example stacks write hosts; long ones (DKIM keys) in block style. */
function flowShortItems(node: Node | null | undefined): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (isMap(item) && JSON.stringify(item.toJSON()).length <= 110) item.flow = true;
}

/** The stack file's text: the config as YAML, with its provenance and the comments a person reading it needs. */
export function renderStackFile(args: ImportArgs, imported: ZoneImport, day: string): string {
  const document = new Document({ config: imported.config });
  const schema = relative(args.out, join(STACKS_DIR, "schema.json")).split("\\").join("/");
  document.commentBefore = headerComment(args, imported, day, schema.startsWith(".") ? schema : `./${schema}`);
  const config = document.get("config", true);
  if (isMap(config)) {
    for (const pair of config.items) {
      const key = String((pair.key as { value?: unknown }).value);
      if (KEY_COMMENTS[key]) (pair.key as Node).commentBefore = KEY_COMMENTS[key];
      if (key !== "launch-ready:email") flowShortItems(pair.value as Node);
    }
  }
  for (const added of imported.added) {
    const [, key, index] = /^(launch-ready:[a-z]+)\[(\d+)\]$/.exec(added.to) ?? [];
    const item = key ? document.getIn(["config", key, Number(index)], true) : undefined;
    if (item) (item as Node).commentBefore = ` Not in the zone file: ${added.why}.`;
  }
  return document.toString({ lineWidth: 0 });
}
