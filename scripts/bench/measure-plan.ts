/**
 * The measuring child of `npm run bench:plan`: one case in this fresh process, its measurement as
 * JSON on stdout. Started by scripts/commands/bench-plan.ts, not by hand.
 */
import { runEntry } from "../cli/io";
import { measurePlanCase } from "./plan-cases";

runEntry(measurePlanCase, "bench:plan measurement failed", 1);
