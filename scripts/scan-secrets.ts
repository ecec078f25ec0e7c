import { runEntry } from "./cli/io";
import { scanSecrets } from "./commands/scan-secrets";

runEntry(scanSecrets, "The scan failed", 2);
