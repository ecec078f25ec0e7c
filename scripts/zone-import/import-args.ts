/**
 * What the import:zone command line gives, once checked: what the mapping takes, and where its
 * input and output are. Its own file because the verb parses it and every later stage (the stack
 * file, the write, the report) reads it, and none of them should import the verb.
 */
import type { PulumiProject } from "../../stacks/project";
import type { ImportOptions } from "./draft";

export interface ImportArgs extends Omit<ImportOptions, "today" | "source"> {
  /** As given on the command line: reports and the rerun command show it so. */
  zoneFile: string;
  stack: string;
  /** Absolute: resolved against the verb's working directory. */
  out: string;
  /** As given on the command line, like zoneFile. */
  recordIds?: string;
  force: boolean;
  /** Refuse the import when a line of the zone file is not imported, instead of listing it. */
  strict: boolean;
  json: boolean;
  /** The Pulumi project of the working directory, when there is one: where stack files and the schema belong. */
  project?: PulumiProject;
}
