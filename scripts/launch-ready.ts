#!/usr/bin/env node
import { runEntry } from "./cli/io";
import { launchReady } from "./commands/launch-ready";

runEntry(launchReady, "launch-ready failed", 1);
