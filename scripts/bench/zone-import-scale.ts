/**
 * `tsx scripts/bench/zone-import-scale.ts [--records 10000,100000] [--heap-mb 4096]`
 *
 * How `import:zone` grows with the zone: generated zones (an A/AAAA/CNAME/TXT/MX mix under one
 * origin, beside the apex records a real export has) imported in fresh processes, each reporting
 * its own peak resident memory (getrusage, read as the process ends) and the time it took. Two
 * measurements per size:
 * - `read+map`: the import's own stages, the file read line by line and mapped to stack config;
 * - `import-zone`: the whole verb through the kit's entry file, as `npm run import:zone` runs it,
 *   the offline plan and the report included (the report is discarded).
 * A zone of the apex records alone gives what starting and loading the modules costs, so the
 * growth per record is the difference. A child that dies (out of heap: SIGABRT, exit 134) is
 * reported as such. Figures only: machines here are noisy, so nothing is asserted.
 * The zones are imported as Enterprise (a quota of 1,000,000), so the kit's own ceiling of
 * MAX_STACK_RECORDS (3,500) per stack is what refuses the large ones.
 * Measured on a 2-core machine (2026-12-03): read+map 118 MB and 0.5 s at 3,500 records, 305 MB
 * and 2.9 s at 100,000 (about 2 KB per record); the whole verb 761 MB and 5.2 s at 3,000 (about
 * 185 KB per record, the offline plan's Pulumi resources), and at 100,000 refused before the plan
 * in 357 MB and 3.6 s (exit 1). Before the ceiling, 100,000 records ran out of a 4 GB heap.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runEntry, type Io } from "../cli/io";

const DOMAIN = "example.org";
const ID = "0123456789abcdef0123456789abcdef";
const STAGES = ["read+map", "import-zone"] as const;
type Stage = (typeof STAGES)[number];

/** The kit's command line, started as a child like any command a person runs. */
const KIT_ENTRY = join(__dirname, "..", "launch-ready.ts");

/** The apex records every generated zone starts with: what an export of a live product has. */
const APEX = [
  `$ORIGIN ${DOMAIN}.`,
  "$TTL 3600",
  `@ IN SOA ns1.example.net. hostmaster.${DOMAIN}. 1 7200 3600 1209600 3600`,
  "@ IN NS ns1.example.net.",
  "@ IN A 203.0.113.10",
  "www IN CNAME @",
  "@ IN MX 10 mx1.mail.example.net.",
  '@ IN TXT "v=spf1 include:_spf.google.com ~all"',
  `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@${DOMAIN}"`,
];

/** A zone of the apex records and `records` more, one of each kind in turn. */
function generatedZone(records: number): string {
  const lines = [...APEX];
  for (let i = 0; i < records; i++) {
    const kind = i % 5;
    if (kind === 0) lines.push(`h${i} IN A 198.51.${(i >> 8) & 255}.${i & 255}`);
    else if (kind === 1) lines.push(`h${i} IN AAAA 2001:db8::${i.toString(16)}`);
    else if (kind === 2) lines.push(`c${i} IN CNAME h${i - 2}`);
    else if (kind === 3) lines.push(`t${i} IN TXT "token-${i}"`);
    else lines.push(`m${i} IN MX 10 mx${i}.example.net.`);
  }
  return `${lines.join("\n")}\n`;
}

interface Measurement {
  stage: Stage;
  records: number;
  /** The child's exit code, or the signal that ended it. */
  exit: number | string;
  peakRssMb?: number;
  seconds?: number;
}

/** The child of `read+map`: the import's own stages on one zone file, in a fresh process. */
async function readAndMap(zoneFile: string): Promise<number> {
  const { fileLines, readZoneLines } = await import("../zone-import/zone-file");
  const { mapZone } = await import("../zone-import/zone-import");
  const zone = readZoneLines(fileLines(openSync(zoneFile, "r")), DOMAIN);
  mapZone(zone.records, { domain: DOMAIN, zoneId: ID, accountId: ID, plan: "enterprise", environment: "production", today: "2026-01-01", source: "bench" });
  return 0;
}

/** Loaded into each child before its program: the process's own peak RSS on stderr as it exits. */
const PEAK_MARK = "zone-import-scale peak RSS KB:";
const REPORT_PEAK = `data:text/javascript,${encodeURIComponent(
  `process.on("exit", () => process.stderr.write("\\n${PEAK_MARK} " + process.resourceUsage().maxRSS + "\\n"));`,
)}`;

/**
 * One stage in a fresh node process started as this one was (same loader flags, so the child runs
 * TypeScript as this process does), its heap capped at `heapMb`. Its stdout is dropped: a
 * 100,000-row report held here would measure the bench.
 */
function measure(stage: Stage, zoneFile: string, records: number, heapMb: number): Measurement {
  const out = mkdtempSync(join(tmpdir(), "launch-ready-bench-out-"));
  const program =
    stage === "read+map"
      ? [__filename, "--measure", zoneFile]
      : [
          KIT_ENTRY,
          "import-zone",
          "--zone-file",
          zoneFile,
          "--domain",
          DOMAIN,
          "--stack",
          "bench",
          "--out",
          out,
          "--zone-id",
          ID,
          "--account-id",
          ID,
          "--plan",
          "enterprise",
        ];
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, ...process.execArgv, `--import=${REPORT_PEAK}`, ...program], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(out, { recursive: true, force: true });
  const peak = new RegExp(`${PEAK_MARK} (\\d+)`).exec(child.stderr ?? "")?.[1];
  const exit = child.signal ?? child.status ?? "unknown";
  return peak === undefined ? { stage, records, exit } : { stage, records, exit, peakRssMb: Math.round(Number(peak) / 1024), seconds };
}

const shown = (m: Measurement) =>
  m.peakRssMb === undefined ? `died (${m.exit})` : `${m.peakRssMb} MB peak RSS, ${m.seconds!.toFixed(1)} s${m.exit === 0 ? "" : `, exit ${m.exit}`}`;

async function bench(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { records: { type: "string", default: "3000,100000" }, "heap-mb": { type: "string", default: "4096" }, measure: { type: "string" } },
  });
  if (values.measure) return readAndMap(values.measure);
  const sizes = values.records.split(",").map(Number);
  const heapMb = Number(values["heap-mb"]);
  const dir = mkdtempSync(join(tmpdir(), "launch-ready-bench-zone-"));
  const zoneOf = (records: number) => {
    const path = join(dir, `${records}.zone`);
    writeFileSync(path, generatedZone(records));
    return path;
  };
  try {
    for (const stage of STAGES) {
      const baseline = measure(stage, zoneOf(0), 0, heapMb);
      io.stdout.write(`${stage}, apex records only: ${shown(baseline)}\n`);
      for (const records of sizes) {
        const measured = measure(stage, zoneOf(records), records, heapMb);
        const growth =
          measured.peakRssMb !== undefined && baseline.peakRssMb !== undefined
            ? `; ${(((measured.peakRssMb - baseline.peakRssMb) * 1024) / records).toFixed(1)} KB per record above that`
            : "";
        io.stdout.write(`${stage}, ${records.toLocaleString("en")} records: ${shown(measured)}${growth}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

runEntry(bench, "zone-import-scale failed", 1);
