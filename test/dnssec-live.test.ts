/**
 * DNS-DNSSEC's live check against real DNS servers on loopback: BIND (`named`) serves a signed
 * parent zone `test.` and four children signed or not, and Unbound validates from the parent's
 * key as its trust anchor. Keys and signatures are made here with dnssec-keygen and
 * dnssec-signzone, and dnssec-dsfromkey is the reference for the kit's own DS digest.
 * Debian's bind9, bind9-dnsutils and unbound packages (.ci/run and the workflow install them).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { promises as dns } from "node:dns";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dsFor, dsText } from "../domain/dnssec";
import { judgeDnssec } from "../policies/live/live-checks";
import { dnssecOn, parseResolver } from "../policies/live/probes";
import { scratchDir } from "./helpers";

/** The children of `test.`: as the bar wants it, no DS at the parent, a DS over an unsigned zone, a DS of another key. */
const CHILDREN = ["good", "nods", "unsigned", "wrongds"] as const;

let dir: string;
let goodKsk: string;
const servers: ChildProcess[] = [];
let authoritative: string;
let validating: string;

const keygen = (zone: string, ksk: boolean, into = dir) =>
  execFileSync("dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", ...(ksk ? ["-f", "KSK"] : []), "-K", into, zone], { encoding: "utf8" }).trim();
const dsFromKey = (key: string, digest: string) => execFileSync("dnssec-dsfromkey", ["-a", digest, `${key}.key`], { encoding: "utf8" }).trim();
const soa = "$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n";

/** Writes `zone`'s file with `body`, signed with a new KSK and ZSK unless `unsigned`; returns the KSK's file base. */
function writeZone(zone: string, body: string, unsigned = false): string | undefined {
  const file = join(dir, `${zone}.zone`);
  if (unsigned) {
    writeFileSync(`${file}.signed`, soa + body);
    return undefined;
  }
  const [ksk, zsk] = [keygen(zone, true), keygen(zone, false)].map((base) => join(dir, base));
  writeFileSync(file, soa + body + [ksk, zsk].map((key) => readFileSync(`${key}.key`, "utf8")).join(""));
  execFileSync("dnssec-signzone", ["-q", "-d", dir, "-K", dir, "-o", zone, "-f", `${file}.signed`, file, ksk, zsk]);
  return ksk;
}

/** A port nothing listens on now: the kernel's choice for a moment's TCP listener. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command`, then asks `server` for `zone`'s SOA until it answers: ready once it does. */
async function startAndAsk(command: string, args: string[], server: string, zone: string): Promise<void> {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  servers.push(child);
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`${command} exited (${code}) before answering:\n${log}`))));
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  for (let attempt = 0; attempt < 200; attempt++) {
    const answered = await Promise.race([
      resolver.resolveSoa(zone).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (answered) return;
    // Refused at once while the server is starting: ask again on its next log line or soon after.
    await new Promise<void>((resolve) => {
      const again = () => {
        clearTimeout(soon);
        child.stderr!.off("data", again);
        resolve();
      };
      const soon = setTimeout(again, 25);
      child.stderr!.once("data", again);
    });
  }
  throw new Error(`${command} did not answer for ${zone} at ${server}:\n${log}`);
}

beforeAll(async () => {
  dir = scratchDir("launch-ready-dnssec-");
  const elsewhere = scratchDir("launch-ready-dnssec-other-");
  let parent = `ns A 127.0.0.1\n${CHILDREN.map((child) => `${child} NS ns.test.\n`).join("")}`;
  for (const child of CHILDREN) {
    const zone = `${child}.test`;
    const ksk = writeZone(zone, "@ A 192.0.2.1\n", child === "unsigned");
    if (child === "good") goodKsk = ksk!;
    // The parent's DS: the child's own KSK, or for the broken ones a key the child never serves.
    if (child === "good") parent += `${dsFromKey(ksk!, "SHA-256")}\n`;
    if (child === "unsigned" || child === "wrongds") parent += `${dsFromKey(join(elsewhere, keygen(zone, true, elsewhere)), "SHA-256")}\n`;
  }
  const parentKsk = writeZone("test", parent)!;
  const [namedPort, unboundPort] = [await freePort(), await freePort()];
  authoritative = `127.0.0.1:${namedPort}`;
  validating = `127.0.0.1:${unboundPort}`;

  writeFileSync(
    join(dir, "named.conf"),
    [
      `options { directory "${dir}"; listen-on port ${namedPort} { 127.0.0.1; }; listen-on-v6 { none; }; pid-file "${dir}/named.pid";`,
      `  session-keyfile "${dir}/session.key"; recursion no; dnssec-validation no; };`,
      "controls { };",
      ...["test", ...CHILDREN.map((child) => `${child}.test`)].map((zone) => `zone "${zone}" { type primary; file "${join(dir, `${zone}.zone.signed`)}"; };`),
    ].join("\n"),
  );
  // Unbound blocks test. by default (RFC 6761); here it is a stub zone on named, anchored at its KSK.
  writeFileSync(
    join(dir, "unbound.conf"),
    [
      "server:",
      `  interface: 127.0.0.1`,
      `  port: ${unboundPort}`,
      "  do-ip6: no",
      "  do-not-query-localhost: no",
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${dir}/unbound.pid"`,
      "  use-syslog: no",
      '  module-config: "validator iterator"',
      '  local-zone: "test." nodefault',
      `  trust-anchor: "${dsFromKey(parentKsk, "SHA-256")}"`,
      "stub-zone:",
      '  name: "test."',
      `  stub-addr: 127.0.0.1@${namedPort}`,
      "remote-control:",
      "  control-enable: no",
    ].join("\n"),
  );
  await startAndAsk("named", ["-g", "-c", join(dir, "named.conf")], authoritative, "test");
  await startAndAsk("unbound", ["-d", "-c", join(dir, "unbound.conf")], validating, "good.test");
});

afterAll(async () => {
  await Promise.all(
    servers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill();
        }),
    ),
  );
});

const ask = (zone: string, ...resolvers: string[]) => Promise.all(resolvers.map((server) => dnssecOn(parseResolver(server), zone, 2000)));

describe("DNS-DNSSEC against BIND and a validating Unbound on loopback", () => {
  test("the kit's key tag and DS digests are dnssec-dsfromkey's", () => {
    const [, flags, protocol, algorithm, ...key] = readFileSync(`${goodKsk}.key`, "utf8")
      .split("\n")
      .find((line) => line.includes(" DNSKEY "))!
      .split(/\s+/)
      .slice(2);
    const dnskey = { flags: Number(flags), protocol: Number(protocol), algorithm: Number(algorithm), publicKey: Buffer.from(key.join(""), "base64") };
    for (const [digest, type] of [
      ["SHA-256", 2],
      ["SHA-384", 4],
    ] as const) {
      expect(`good.test. IN DS ${dsText(dsFor("good.test", dnskey, type)!)}`).toBe(dsFromKey(goodKsk, digest));
    }
  });

  test("a signed zone whose parent publishes its DS passes: the DS matches its key, and Unbound authenticates its answers", async () => {
    const check = judgeDnssec("good.test", await ask("good.test", validating));
    expect(check).toMatchObject({ id: "DNS-DNSSEC", target: "good.test", status: "pass" });
    const ds = dsFromKey(goodKsk, "SHA-256").split(/\s+/).slice(3);
    expect(check.detail).toBe(`the parent's DS ${ds.join(" ")} matches the zone's key; ${validating} return authenticated answers (AD)`);
  });

  test("a broken setup says which part fails: no DS at the parent, a DS over an unsigned zone, a DS of a key the zone does not serve", async () => {
    const [nods, unsigned, wrongds] = await Promise.all(
      ["nods", "unsigned", "wrongds"].map(async (child) => judgeDnssec(`${child}.test`, await ask(`${child}.test`, validating))),
    );
    expect(nods).toMatchObject({ status: "fail" });
    expect(nods.detail).toBe(
      `DS: the parent publishes no DS for nods.test, so no resolver can authenticate it; add the DS record at the registrar. validation: ${validating} answers without AD: unauthenticated (no DS at the parent, or the resolver does not validate)`,
    );
    expect(unsigned.detail).toMatch(/^DS: the parent publishes DS \d+ 13 2 [0-9A-F]{64}, but unsigned.test serves no DNSKEY: the zone is not signed/);
    expect(unsigned.detail).toContain(`validation: ${validating} answers SERVFAIL: the answers fail validation`);
    expect(wrongds.detail).toMatch(
      /^DS: the parent's DS \d+ 13 2 [0-9A-F]{64} matches none of the zone's DNSKEYs \(key tags \d+(?: \(KSK\))?, \d+(?: \(KSK\))?\): the registrar holds a stale or mistyped DS/,
    );
    expect(wrongds.detail).toContain(`validation: ${validating} answers SERVFAIL`);
  });

  test("a resolver that answers nothing leaves both parts unread, each saying why", () => {
    const silent = { error: "ETIMEOUT" };
    expect(judgeDnssec("good.test", [{ resolver: "192.0.2.53", ds: silent, dnskeys: silent, soa: silent }]).detail).toBe(
      "DS: the parent's DS could not be read (ETIMEOUT). validation: 192.0.2.53 did not answer (ETIMEOUT)",
    );
  });

  test("a resolver that does not validate fails the validation part alone, naming it", async () => {
    const check = judgeDnssec("good.test", await ask("good.test", validating, authoritative));
    expect(check.status).toBe("fail");
    expect(check.detail).toBe(`validation: ${authoritative} answers without AD: unauthenticated (no DS at the parent, or the resolver does not validate)`);
  });
});
