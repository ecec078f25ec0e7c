/**
 * How `npm run verify` looks at the internet: DNS questions to chosen resolvers, TLS handshakes
 * at chosen protocol versions, single HTTP requests that do not follow redirects. `--connect-to`
 * (curl's meaning) and `--ca` point them at any server, which is how the tests aim them at real
 * servers on loopback. What the answers mean is judged in policies/live/live-checks.ts.
 */
import { promises as dns } from "node:dns";
import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect, isIP, isIPv6, type Socket } from "node:net";
import dns2 from "dns2";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect, rootCertificates } from "node:tls";
import {
  type Asked,
  type DnssecAnswer,
  type FailedRequest,
  type HttpHop,
  locationOf,
  type ResolverAnswer,
  type ServedCaa,
  type TlsHandshake,
  type TlsVersion,
} from "./live-checks";
import { caaLookupNames } from "../../domain/caa";
import { parseDsRdata } from "../../domain/dnssec";
import type { SpfQueryType } from "../../domain/mail/spf";
import type { MailDnsView } from "./live-mail";

/** curl's `--connect-to HOST1:PORT1:HOST2:PORT2`: requests for HOST1:PORT1 go to HOST2:PORT2; an empty HOST1 or PORT1 matches any. */
export interface ConnectTo {
  host?: string;
  port?: number;
  toHost: string;
  toPort: number;
}

export class ProbeUsageError extends Error {}

export function parseConnectTo(spec: string): ConnectTo {
  // IPv6 addresses come in brackets, as curl writes them: ::[::1]:8443
  const parts = /^([^:[\]]*|\[[^\]]+\]):(\d*):([^:[\]]+|\[[^\]]+\]):(\d+)$/.exec(spec);
  const usage = `--connect-to "${spec}" is not HOST1:PORT1:HOST2:PORT2 (e.g. ::127.0.0.1:8443, or www.example.com:443:[::1]:8443)`;
  if (!parts) throw new ProbeUsageError(usage);
  const unbracket = (value: string) => value.replace(/^\[|\]$/g, "");
  for (const port of [parts[2], parts[4]]) if (port && !isPort(port)) throw new ProbeUsageError(`${usage}: ports are 1 to 65535`);
  const toHost = unbracket(parts[3]);
  if (!isIP(toHost) && !HOST_NAME.test(toHost)) throw new ProbeUsageError(`${usage}: HOST2 "${toHost}" is neither an IP address nor a host name`);
  return {
    ...(parts[1] ? { host: unbracket(parts[1]).toLowerCase() } : {}),
    ...(parts[2] ? { port: Number(parts[2]) } : {}),
    toHost: unbracket(parts[3]),
    toPort: Number(parts[4]),
  };
}

/** A TCP or UDP port a connection can go to: 1 to 65535, written without leading zeros. */
const isPort = (text: string) => /^[1-9]\d{0,4}$/.test(text) && Number(text) <= 65535;
/** A host name as `--connect-to` may send a connection to: letters, digits, hyphens and dots. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * The longest deadline a request may be given, connect to last byte, and a whole run: long past
 * any answer worth waiting for, and far inside Node's timers, which turn 2^31 ms or more into 1 ms.
 */
export const MAX_REQUEST_TIMEOUT_MS = 120_000;
export const MAX_RUN_DEADLINE_MS = 3_600_000;

export interface ProbeOptions {
  connectTo: ConnectTo[];
  /** Extra trusted CA certificates (PEM), on top of Node's bundled roots. */
  ca?: string;
  timeoutMs: number;
  /** The run's deadline: once it aborts, every probe still waiting or under way settles at once, failed with its reason. */
  signal?: AbortSignal;
}

/** Why a probe stopped when the run's deadline aborted it. */
function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "the run was stopped";
}

/**
 * `work`, or `stopped(reason)` as soon as the run's deadline aborts: for work that cannot be
 * cancelled itself (getaddrinfo), so that nothing waits on it past the deadline.
 */
function beforeDeadline<T>(signal: AbortSignal | undefined, work: () => Promise<T>, stopped: (reason: string) => T): Promise<T> {
  if (!signal) return work();
  if (signal.aborted) return Promise.resolve(stopped(abortReason(signal)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => resolve(stopped(abortReason(signal)));
    signal.addEventListener("abort", onAbort, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Where a connection for host:port really goes. */
export function route(options: ProbeOptions, host: string, port: number): { host: string; port: number } {
  const rule = options.connectTo.find((r) => (r.host === undefined || r.host === host.toLowerCase()) && (r.port === undefined || r.port === port));
  return rule ? { host: rule.toHost, port: rule.toPort } : { host, port };
}

/** The CAs a connection trusts: Node's bundled roots plus --ca, never --ca alone. */
export function trusted(options: ProbeOptions): string[] | undefined {
  return options.ca ? [...rootCertificates, options.ca] : undefined;
}

/** A resolver to ask: the system's (getaddrinfo), or a server at IP[:PORT]. */
export interface ResolverSpec {
  label: string;
  server?: string;
}

export function parseResolver(spec: string): ResolverSpec {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(spec) ?? /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(spec);
  // c-ares aborts the whole process on port 0 and wraps ports past 65535 onto others: both are refused here.
  if (!match || !isIP(match[1]) || (match[2] !== undefined && !isPort(match[2])))
    throw new ProbeUsageError(`--resolver "${spec}" is not IP[:PORT] with a port from 1 to 65535 (e.g. 1.1.1.1, 127.0.0.1:5353 or [::1]:5353)`);
  const server = match[1].includes(":") ? `[${match[1]}]:${match[2] ?? 53}` : `${match[1]}:${match[2] ?? 53}`;
  return { label: spec, server };
}

export const DEFAULT_RESOLVERS: ResolverSpec[] = [{ label: "system" }, ...["1.1.1.1", "8.8.8.8", "9.9.9.9"].map(parseResolver)];

/** The host's addresses as one resolver sees them (A and AAAA, CNAMEs followed by the resolver). */
export function resolveOn(resolver: ResolverSpec, fqdn: string, timeoutMs: number, signal?: AbortSignal): Promise<ResolverAnswer> {
  return beforeDeadline(
    signal,
    () => resolveNow(resolver, fqdn, timeoutMs),
    (error) => ({ resolver: resolver.label, error }),
  );
}

async function resolveNow(resolver: ResolverSpec, fqdn: string, timeoutMs: number): Promise<ResolverAnswer> {
  try {
    if (!resolver.server) {
      const found = await dns.lookup(fqdn, { all: true });
      return { resolver: resolver.label, addresses: [...new Set(found.map((entry) => entry.address))].sort() };
    }
    const client = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
    client.setServers([resolver.server]);
    const settle = (family: Promise<string[]>) =>
      family.then(
        (addresses) => ({ addresses }),
        (error: NodeJS.ErrnoException) => ({ error: error.code ?? String(error) }),
      );
    const [v4, v6] = await Promise.all([settle(client.resolve4(fqdn)), settle(client.resolve6(fqdn))]);
    const addresses = [...("addresses" in v4 ? v4.addresses : []), ...("addresses" in v6 ? v6.addresses : [])];
    if (addresses.length > 0) return { resolver: resolver.label, addresses: addresses.sort() };
    // No address in either family. An NXDOMAIN in either is an answer about the whole name, and
    // beats the other family's timeout; then the first failure, then "no data".
    const errors = [v4, v6].map((r) => ("error" in r ? r.error : "ENODATA"));
    const error = errors.find((code) => code === "ENOTFOUND") ?? errors.find((code) => code !== "ENODATA") ?? "ENODATA";
    return { resolver: resolver.label, error };
  } catch (error) {
    return { resolver: resolver.label, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** The dNSName entries of a subjectAltName as node prints it: `DNS:a, IP Address:b`, a value holding a separator JSON-quoted. */
function dnsNames(subjectAltName: string | undefined): string[] {
  return [...(subjectAltName ?? "").matchAll(/([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/gy)]
    .filter(([, type]) => type === "DNS")
    .map(([, , value]) => (value.startsWith('"') ? (JSON.parse(value) as string) : value));
}

/**
 * The CAA set that governs `fqdn` on one resolver (RFC 8659 3): asked at the name, then at each
 * parent until one has CAA records (the resolver follows CNAMEs). No such name, or no CAA there,
 * climbs on; any other answer is an error, since a CA would not issue on it either.
 */
export async function servedCaaSet(resolver: ResolverSpec, fqdn: string, timeoutMs: number, signal?: AbortSignal): Promise<ServedCaa> {
  const client = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  if (resolver.server) client.setServers([resolver.server]);
  signal?.addEventListener("abort", () => client.cancel(), { once: true });
  for (const name of caaLookupNames(fqdn)) {
    if (signal?.aborted) return { error: abortReason(signal) };
    try {
      const records = await client.resolveCaa(name);
      if (records.length === 0) continue;
      // node gives each record as { critical: <flags>, <tag>: <value> }.
      const properties = records.flatMap(({ critical, ...rest }) =>
        Object.entries(rest).map(([tag, value]) => ({ flags: critical, tag, value: String(value) })),
      );
      return { name, properties };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND" || code === "ENODATA") continue;
      return { error: `${resolver.label} answered ${code ?? String(error)} for ${name}` };
    }
  }
  return { none: true };
}

/**
 * A handshake with the host's name (SNI and certificate check), optionally pinned to one
 * protocol version. Legacy versions are offered with OpenSSL's security level 0, or this
 * client would refuse them itself and a server that accepts them would look safe.
 */
export function handshake(options: ProbeOptions, host: string, version?: TlsVersion): Promise<TlsHandshake> {
  const target = route(options, host, 443);
  const legacy = version === "TLSv1" || version === "TLSv1.1";
  if (options.signal?.aborted) return Promise.resolve({ accepted: false, authorized: false, error: abortReason(options.signal) });
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: target.host,
      port: target.port,
      servername: host,
      ca: trusted(options),
      rejectUnauthorized: false,
      ...(version ? { minVersion: version, maxVersion: version } : {}),
      ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
    });
    const refused = (error: string) => done({ accepted: false, authorized: false, error });
    // A whole deadline, not the socket's idle timeout: a server sending its handshake a byte at a
    // time would reset that one forever.
    const deadline = setTimeout(() => refused(`no handshake within ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = () => refused(abortReason(options.signal!));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    function done(result: TlsHandshake) {
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(result);
    }
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate();
      done({
        accepted: true,
        authorized: socket.authorized,
        ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        ...(certificate?.valid_to ? { validTo: new Date(certificate.valid_to) } : {}),
        dnsNames: dnsNames(certificate?.subjectaltname),
        ...(certificate?.issuer?.O ? { issuerOrganization: [certificate.issuer.O].flat().join(", ") } : {}),
      });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => refused(error.code ?? error.message));
    // A connection closed with no handshake and no error must still settle (a no-op after either).
    socket.once("close", () => refused("the connection closed before the handshake completed"));
  });
}

export interface HttpAnswer extends HttpHop {
  /** Each header's lines as they came, not joined: a browser reads some headers' first line only. */
  headers: NodeJS.Dict<string[]>;
  /** The first `bodyBytes` of the body, when asked for. */
  body?: string;
  /** Milliseconds from sending to the answer's headers, and to its last byte. */
  ttfbMs: number;
  totalMs: number;
}

/** What a probe reports when the server sent the headers but closed the connection before the whole body. */
export const INCOMPLETE_BODY = "the response ended before its body was complete";

/**
 * One GET, not followed. The body is dropped unless `bodyBytes` asks for its start.
 *
 * Always settles, exactly once: with the answer once its body has ended, or with `{ error }` when
 * the request fails, times out, or the response is cut short. A response whose connection closes
 * mid-body emits neither 'end' nor (without a listener) 'error', only 'aborted' and 'close': left
 * unwatched, the promise would never settle and the run would end with the event loop empty.
 */
export function get(
  options: ProbeOptions,
  url: string,
  extra: { headers?: Record<string, string>; bodyBytes?: number; method?: string; body?: string } = {},
): Promise<HttpAnswer | { error: string }> {
  const parsed = new URL(url);
  const secure = parsed.protocol === "https:";
  const target = route(options, parsed.hostname, Number(parsed.port) || (secure ? 443 : 80));
  const started = performance.now();
  if (options.signal?.aborted) return Promise.resolve({ error: abortReason(options.signal) });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: HttpAnswer | { error: string }) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    /** Why this side gave up, when it did (the timeout): that, not the cut-short body, is the story. */
    let gaveUp: string | undefined;
    let responded = false;
    const request = (secure ? httpsRequest : httpRequest)(
      {
        host: target.host,
        port: target.port,
        path: `${parsed.pathname}${parsed.search}`,
        method: extra.method ?? "GET",
        headers: { host: parsed.host, "user-agent": "launch-ready-verify", accept: "text/html,*/*", ...extra.headers },
        timeout: options.timeoutMs,
        ...(secure ? { servername: parsed.hostname, ca: trusted(options) } : {}),
      },
      (response) => {
        responded = true;
        const ttfbMs = performance.now() - started;
        const chunks: Buffer[] = [];
        let kept = 0;
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (extra.bodyBytes && kept < extra.bodyBytes) {
            chunks.push(chunk.subarray(0, extra.bodyBytes - kept));
            kept += Math.min(chunk.length, extra.bodyBytes - kept);
          }
        });
        response.once("end", () =>
          settle({
            url: parsed.href,
            status: response.statusCode ?? 0,
            ...(response.headers.location ? { location: response.headers.location } : {}),
            headers: response.headersDistinct,
            ...(extra.bodyBytes ? { body: Buffer.concat(chunks).toString("utf8") } : {}),
            ttfbMs,
            totalMs: performance.now() - started,
          }),
        );
        const cutShort = () => {
          const length = response.headers["content-length"];
          settle({ error: gaveUp ?? `${INCOMPLETE_BODY} (${received}${length !== undefined ? ` of ${length}` : ""} bytes arrived)` });
        };
        // 'close' follows 'end' on a whole answer (settle is then a no-op); alone, the body was cut short.
        response.once("error", cutShort);
        response.once("close", cutShort);
      },
    );
    request.once("timeout", () => {
      gaveUp = `no answer within ${options.timeoutMs} ms`;
      request.destroy(new Error(gaveUp));
    });
    // The socket timeout above is an idle one: a server dribbling a byte a second never trips it.
    // This one bounds the whole request, connect to last byte.
    const deadline = setTimeout(() => {
      gaveUp = `no complete answer within ${options.timeoutMs} ms`;
      request.destroy(new Error(gaveUp));
    }, options.timeoutMs);
    const onAbort = () => {
      gaveUp = abortReason(options.signal!);
      request.destroy(new Error(gaveUp));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.once("close", () => {
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
    });
    request.once("error", (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    // Once an answer has begun, its own 'end' or 'close' settles it ('close' here may come first);
    // before that, a connection that closes without an error would otherwise settle nothing.
    request.once("close", () => {
      if (!responded) settle({ error: gaveUp ?? "the connection closed before an answer arrived" });
    });
    request.end(extra.body);
  });
}

/**
 * Follows redirects by hand, up to `limit` hops, recording each: the canonical check counts them.
 * A request that gets no answer ends the chain and is returned with the hops before it. Only
 * hosts the stack declares are requested: a compromised origin could otherwise point verify at
 * any address (internal ones included); the hop pointing elsewhere ends the chain, unrequested.
 */
const WEB_SCHEMES = new Set(["http:", "https:"]);

export async function follow(
  options: ProbeOptions,
  url: string,
  declared: (host: string) => boolean,
  limit = 5,
): Promise<{ hops: HttpAnswer[]; failed?: FailedRequest }> {
  const hops: HttpAnswer[] = [];
  let next = url;
  for (let i = 0; i <= limit; i++) {
    const answer = await get(options, next);
    if ("error" in answer) return { hops, failed: { url: next, error: answer.error } };
    hops.push(answer);
    const target = locationOf(answer);
    // Browsers follow only http(s) redirects; another scheme ends the chain where it stands, judged as its destination.
    if (!target || answer.status < 300 || answer.status >= 400 || !WEB_SCHEMES.has(target.protocol) || !declared(target.hostname)) break;
    next = target.href;
  }
  return { hops };
}

/** An "ip", "ip:port" or "[ip6]:port" server as its address and port. */
function serverAddress(server: string): { address: string; port: number } {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(server);
  if (bracketed) return { address: bracketed[1], port: Number(bracketed[2] ?? 53) };
  const withPort = /^([^:]+):(\d+)$/.exec(server);
  return withPort ? { address: withPort[1], port: Number(withPort[2]) } : { address: server, port: 53 };
}

/** The most a TCP answer may hold: its two-byte length says at most 65,535. */
const MAX_TCP_ANSWER = 2 + 0xffff;

/**
 * One question and its answer on the wire, to `server`. dns2 encodes and parses the packets; the
 * sockets are ours, because dns2's client retries a truncated answer over TCP with no timeout and
 * cannot be cancelled: a server that sets TC and then holds the TCP connection held verify past
 * its deadline for ever. Here UDP and the TCP retry share one deadline, and the run's abort ends
 * both at once.
 */
function wireExchange(server: string, timeoutMs: number, signal: AbortSignal | undefined, stopped: () => Error): (query: dns2.Packet) => Promise<dns2.Packet> {
  const { address, port } = serverAddress(server);
  return (query) =>
    new Promise<dns2.Packet>((resolve, reject) => {
      if (signal?.aborted) return reject(stopped());
      query.header.id = randomInt(0x10000);
      const bytes = query.toBuffer();
      const udp = createSocket(isIPv6(address) ? "udp6" : "udp4");
      let tcp: Socket | undefined;
      let settled = false;
      const finish = (error: Error | undefined, response?: dns2.Packet) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        udp.close();
        tcp?.destroy();
        if (error) reject(error);
        else resolve(response!);
      };
      const timer = setTimeout(() => finish(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEOUT" })), timeoutMs);
      const onAbort = () => finish(stopped());
      signal?.addEventListener("abort", onAbort, { once: true });
      const parsed = (message: Buffer): dns2.Packet | undefined => {
        try {
          const response = dns2.Packet.parse(message);
          return response.header.id === query.header.id ? response : undefined;
        } catch {
          return undefined;
        }
      };
      const overTcp = () => {
        let received = Buffer.alloc(0);
        tcp = connect({ host: address, port });
        tcp.on("error", (error) => finish(error));
        tcp.on("data", (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (received.length > MAX_TCP_ANSWER) return finish(Object.assign(new Error("a TCP answer longer than its length allows"), { code: "EBADRESP" }));
          if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
          const response = parsed(received.subarray(2, 2 + received.readUInt16BE(0)));
          finish(response ? undefined : Object.assign(new Error("an answer that does not parse"), { code: "EBADRESP" }), response);
        });
        tcp.on("end", () => finish(Object.assign(new Error("the TCP connection closed before a whole answer"), { code: "EBADRESP" })));
        const length = Buffer.alloc(2);
        length.writeUInt16BE(bytes.length);
        tcp.write(Buffer.concat([length, bytes]));
      };
      udp.on("error", (error) => finish(error));
      udp.on("message", (message, sender) => {
        // Only the server asked, with this query's ID: anything else is someone else's packet.
        if (sender.port !== port || sender.address !== address || tcp) return;
        const response = parsed(message);
        if (!response) return;
        if (response.header.tc) overTcp();
        else finish(undefined, response);
      });
      // Connected, so a port nobody listens on answers ECONNREFUSED (ICMP port unreachable) at once
      // instead of leaving the question to its whole timeout.
      udp.connect(port, address, () => udp.send(bytes, (error) => error && finish(error)));
    });
}

/** A recursive question for `name`'s records of `type` (a type code), as a stub resolver asks it. */
function question(name: string, type: number): dns2.Packet {
  const query = new dns2.Packet();
  query.header.rd = 1;
  query.questions.push(new dns2.Packet.Question(name, type, dns2.Packet.CLASS.IN));
  return query;
}

/**
 * A query put on the wire as written. c-ares will not send a name holding characters outside host
 * names (":", "/", spaces), which SPF macros can produce and receivers query as written (RFC
 * 7208's suite does): those go to the same server this way.
 */
function wireQuery(
  server: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  stopped: () => Error,
): (name: string, type: SpfQueryType) => Promise<string[]> {
  const exchange = wireExchange(server, timeoutMs, signal, stopped);
  const FIELDS = { TXT: "data", A: "address", AAAA: "address", MX: "exchange", PTR: "domain" } as const;
  return async (name, type) => {
    const code = dns2.Packet.TYPE[type];
    const response = await exchange(question(name, code));
    const { rcode } = response.header;
    if (rcode === NXDOMAIN) return [];
    if (rcode !== 0) throw Object.assign(new Error(`rcode ${rcode}`), { code: RCODES[rcode] ?? "EBADRESP" });
    return response.answers
      .filter((answer) => answer.type === code)
      .map((answer) => [(answer as unknown as Record<string, string | string[]>)[FIELDS[type]]].flat().join(""));
  };
}

/** DS and DNSKEY's type codes (RFC 4034 §5, §2); dns2 names DNSKEY but not DS, whose RDATA it leaves as bytes. */
const TYPE_DS = 43;
const TYPE_DNSKEY = 48;
const TYPE_SOA = 6;

/** The header bits and EDNS options dns2 reads and writes but does not type. */
type DnssecHeader = dns2.Packet.Header & { ad: 0 | 1; cd: 0 | 1 };
const withDnssecOk = (query: dns2.Packet, checkingDisabled: boolean): dns2.Packet => {
  (query.header as DnssecHeader).cd = checkingDisabled ? 1 : 0;
  // EDNS0 with DO (RFC 3225): without it a validating resolver validates but need not say so.
  const edns = dns2.Packet.Resource.EDNS as unknown as (rdata: object[], opts: { doFlag: boolean }) => dns2.Packet.Resource;
  query.additionals.push(edns([], { doFlag: true }));
  return query;
};

/**
 * What one resolver says of `zone`'s DNSSEC: the DS its parent publishes and the zone's DNSKEYs,
 * both asked with checking disabled (CD) so a zone that fails validation still shows why, and the
 * zone's SOA asked as any validating client does, whose AD bit says the resolver authenticated it.
 * The system resolver is asked at the first server the system names.
 */
export function dnssecOn(resolver: ResolverSpec, zone: string, timeoutMs: number, signal?: AbortSignal): Promise<DnssecAnswer> {
  const server = resolver.server ?? dns.getServers()[0];
  const nothing = (error: string): DnssecAnswer => ({ resolver: resolver.label, ds: { error }, dnskeys: { error }, soa: { error } });
  if (server === undefined) return Promise.resolve(nothing("ENOSERVER"));
  const stopped = () => Object.assign(new Error(abortReason(signal!)), { code: abortReason(signal!) });
  const exchange = wireExchange(server, timeoutMs, signal, stopped);
  const ask = async <T>(type: number, checkingDisabled: boolean, read: (response: dns2.Packet) => T): Promise<Asked<T>> => {
    try {
      const response = await exchange(withDnssecOk(question(zone, type), checkingDisabled));
      const { rcode } = response.header;
      if (rcode !== 0 && rcode !== NXDOMAIN) return { error: RCODES[rcode] ?? `rcode ${rcode}` };
      return { value: read(response) };
    } catch (error) {
      return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  };
  const ofType = (response: dns2.Packet, type: number) => response.answers.filter((answer) => answer.type === type);
  return Promise.all([
    ask(TYPE_DS, true, (response) =>
      ofType(response, TYPE_DS).flatMap((answer) => {
        const ds = parseDsRdata((answer as unknown as { data: Buffer }).data);
        return ds ? [ds] : [];
      }),
    ),
    ask(TYPE_DNSKEY, true, (response) =>
      ofType(response, TYPE_DNSKEY).map((answer) => {
        const key = answer as unknown as { flags: number; protocol: number; algorithm: number; key: string };
        return { flags: key.flags, protocol: key.protocol, algorithm: key.algorithm, publicKey: Buffer.from(key.key, "base64") };
      }),
    ),
    ask(TYPE_SOA, false, (response) => ({ authenticated: (response.header as DnssecHeader).ad === 1, answered: ofType(response, TYPE_SOA).length > 0 })),
  ]).then(([ds, dnskeys, soa]) => ({ resolver: resolver.label, ds, dnskeys, soa }));
}

const NXDOMAIN = 3;
/** The rcodes a resolver answers with, as c-ares names them, so a failure reads the same either way. */
const RCODES: Record<number, string> = { 1: "EFORMERR", 2: "ESERVFAIL", 4: "ENOTIMP", 5: "EREFUSED" };

/** DNS as the mail checks read it, through one resolver: TXT strings joined, MX hosts, PTR names, CNAME targets; nothing found is empty. */
export function mailView(resolver: ResolverSpec, timeoutMs: number, signal?: AbortSignal): MailDnsView {
  const client = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  if (resolver.server) client.setServers([resolver.server]);
  // At the run's deadline every query under way ends (c-ares's ECANCELLED), and later ones fail before they are sent.
  signal?.addEventListener("abort", () => client.cancel(), { once: true });
  // No such name, or no records of the type: an empty answer. Anything else did not answer.
  const empty = <T>(error: NodeJS.ErrnoException, none: T): T => {
    if (error.code === "ENOTFOUND" || error.code === "ENODATA") return none;
    throw signal?.aborted ? stopped() : error;
  };
  // A failure words its cause as DNS codes do (the checks print the code): here, the deadline.
  const stopped = () => Object.assign(new Error(abortReason(signal!)), { code: abortReason(signal!) });
  const unlessStopped = <T>(ask: () => Promise<T>): Promise<T> => (signal?.aborted ? Promise.reject(stopped()) : ask());
  const answers: Record<SpfQueryType, (name: string) => Promise<string[]>> = {
    TXT: (name) => client.resolveTxt(name).then((records) => records.map((strings) => strings.join(""))),
    A: (name) => client.resolve4(name),
    AAAA: (name) => client.resolve6(name),
    MX: (name) => client.resolveMx(name).then((records) => records.map((record) => record.exchange)),
    PTR: (name) => client.resolvePtr(name),
  };
  // Made when first needed, for the server c-ares would have asked: most runs never need it.
  let wire: ReturnType<typeof wireQuery> | undefined;
  const onTheWire = (name: string, type: SpfQueryType) => {
    const server = resolver.server ?? client.getServers()[0];
    if (server === undefined) throw Object.assign(new Error("no DNS server is configured"), { code: "ENOSERVER" });
    wire ??= wireQuery(server, timeoutMs, signal, stopped);
    return wire(name, type);
  };
  return {
    query: (name, type) =>
      unlessStopped(() => answers[type](name).catch((error: NodeJS.ErrnoException) => (error.code === "EBADNAME" ? onTheWire(name, type) : empty(error, [])))),
    cname: (name) =>
      unlessStopped(() =>
        client.resolveCname(name).then(
          (targets) => targets[0],
          (error) => empty<string | undefined>(error, undefined),
        ),
      ),
  };
}
