import { runEntry } from "./cli/io";
import { checkEnv } from "./commands/check-env";

runEntry(checkEnv, "check:env failed", 2);
