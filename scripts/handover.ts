import { runEntry } from "./cli/io";
import { handover } from "./commands/handover";

runEntry(handover, "handover failed", 1);
