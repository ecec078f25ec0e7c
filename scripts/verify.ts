import { runEntry } from "./cli/io";
import { verify } from "./commands/verify";

runEntry(verify, "verify failed", 2);
