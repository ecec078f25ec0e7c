import { runEntry } from "./cli/io";
import { importZone } from "./commands/import-zone";

runEntry(importZone, "import:zone failed", 1);
