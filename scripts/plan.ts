import { runEntry } from "./cli/io";
import { plan } from "./commands/plan";

runEntry(plan, "The program failed while planning", 1);
