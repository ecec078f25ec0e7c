import { runEntry } from "./cli/io";
import { benchPlan } from "./commands/bench-plan";

runEntry(benchPlan, "bench:plan failed", 1);
