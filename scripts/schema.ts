import { runEntry } from "./cli/io";
import { schema } from "./commands/schema";

runEntry(schema, "schema failed", 1);
