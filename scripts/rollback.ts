import { runEntry } from "./cli/io";
import { rollback } from "./commands/rollback";

runEntry(rollback, "The rollback failed", 1);
