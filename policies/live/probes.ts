/**
 * How `npm run verify` looks at the internet: DNS questions to chosen resolvers, TLS handshakes
 * at chosen protocol versions, single HTTP requests that do not follow redirects. `--connect-to`
 * (curl's meaning) and `--ca` point them at any server, which is how the tests aim them at real
 * servers on loopback. What the answers mean is judged in policies/live/live-checks.ts.
 */
import { promises as dns } from "node:dns";
import dns2 from "dns2";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect, rootCertificates } from "node:tls";
import { type FailedRequest, type HttpHop, locationOf, type ResolverAnswer, type TlsHandshake, type TlsVersion } from "./live-checks";
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
  if (!parts) throw new ProbeUsageError(`--connect-to "${spec}" is not HOST1:PORT1:HOST2:PORT2 (e.g. ::127.0.0.1:8443, or www.example.com:443:[::1]:8443)`);
  const unbracket = (value: string) => value.replace(/^\[|\]$/g, "");
  return {
    ...(parts[1] ? { host: unbracket(parts[1]).toLowerCase() } : {}),
    ...(parts[2] ? { port: Number(parts[2]) } : {}),
    toHost: unbracket(parts[3]),
    toPort: Number(parts[4]),
  };
}

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
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(spec) ?? /^\[([0-9a-f:]+)\](?::(\d+))?$/i.exec(spec);
  if (!match) throw new ProbeUsageError(`--resolver "${spec}" is not IP[:PORT] (e.g. 1.1.1.1, 127.0.0.1:5353 or [::1]:5353)`);
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
    if (!target || answer.status < 300 || answer.status >= 400 || !declared(target.hostname)) break;
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

/**
 * A query put on the wire as written, through dns2's client. c-ares will not send a name holding
 * characters outside host names (":", "/", spaces), which SPF macros can produce and receivers
 * query as written (RFC 7208's suite does): those go to the same server this way.
 */
function wireQuery(server: string, timeoutMs: number): (name: string, type: SpfQueryType) => Promise<string[]> {
  const { address, port } = serverAddress(server);
  const resolve = dns2.UDPClient({ dns: address, port, socketType: address.includes(":") ? "udp6" : "udp4", timeout: timeoutMs });
  const FIELDS = { TXT: "data", A: "address", AAAA: "address", MX: "exchange", PTR: "domain" } as const;
  return async (name, type) => {
    const response = await resolve(name, type);
    if (response.header.rcode === NXDOMAIN) return [];
    if (response.header.rcode !== 0) throw Object.assign(new Error(`rcode ${response.header.rcode}`), { code: RCODES[response.header.rcode] ?? "EBADRESP" });
    const code = dns2.Packet.TYPE[type];
    return response.answers.filter((answer) => answer.type === code).map((answer) => [answer[FIELDS[type]]].flat().join(""));
  };
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
    wire ??= wireQuery(server, timeoutMs);
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
