import { runEntry } from "./cli/io";
import { loadtest } from "./commands/loadtest";

runEntry(loadtest, "loadtest failed", 2);
