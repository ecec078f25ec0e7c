import { runEntry } from "./cli/io";
import { benchLive } from "./commands/bench-live";

runEntry(benchLive, "bench failed", 1);
