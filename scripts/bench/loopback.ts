/**
 * Real servers on loopback for the live checks' tests and benchmark: a DNS server (dns2)
 * answering for a zone, and HTTPS/HTTP servers with certificates from a CA made on the spot
 * (@peculiar/x509 on node's WebCrypto). Nothing here listens beyond 127.0.0.1 or connects
 * anywhere else. Uses development dependencies: run it from a checkout after `npm ci`.
 */
import { webcrypto } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import dns2 from "dns2";
import { splitTxtStrings } from "../../domain/mail/spf";

// @peculiar/x509's types name the DOM's WebCrypto classes, which node:crypto implements under other names.
type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY = 86_400_000;

async function pem(key: Key): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END PRIVATE KEY-----\n`;
}

export interface TestCa {
  certificate: string;
  /** A leaf certificate and key for `names`, valid from `notBefore` to `notAfter`. */
  issue(names: string[], validity?: { notBefore?: Date; notAfter?: Date }): Promise<{ cert: string; key: string }>;
}

/** A CA made on the spot; `name` is its subject, e.g. "O=Let's Encrypt, CN=R11" for certificates whose issuer reads like a real CA's. */
export async function createTestCa(name = "CN=launch-ready test CA"): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys: keys as never,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return {
    certificate: ca.toString("pem"),
    async issue(names, validity = {}) {
      const leafKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as KeyPair;
      const leaf = await x509.X509CertificateGenerator.create({
        subject: `CN=${names[0]}`,
        issuer: ca.subject,
        notBefore: validity.notBefore ?? new Date(Date.now() - DAY),
        notAfter: validity.notAfter ?? new Date(Date.now() + 90 * DAY),
        publicKey: leafKeys.publicKey as never,
        signingKey: keys.privateKey as never,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: "dns" as const, value }))),
          new x509.BasicConstraintsExtension(false),
        ],
      });
      return { cert: leaf.toString("pem"), key: await pem(leafKeys.privateKey) };
    },
  };
}

/**
 * What the loopback DNS server answers per name (keys in lower case); absent names are NXDOMAIN.
 * A TXT record given as one string is split into 255-byte strings; as an array, it is those
 * strings (as bytes, each character one octet). `cname` is followed as a recursive resolver does
 * (a loop is SERVFAIL); `servfail` lists the types that answer SERVFAIL, as a failing server.
 * `caa` records go out in RFC 8659's wire form (flags, tag length, tag, value), as dns2 encodes them.
 */
export type Zone = Record<
  string,
  {
    a?: string[];
    aaaa?: string[];
    txt?: Array<string | string[]>;
    mx?: Array<{ exchange: string; priority: number }>;
    ptr?: string[];
    cname?: string;
    caa?: Array<{ flags: number; tag: string; value: string }>;
    servfail?: Array<"A" | "AAAA" | "TXT" | "MX" | "PTR" | "CNAME" | "CAA">;
    /** The zone's SOA, for a name that is a zone apex. */
    soa?: { primary: string; admin: string };
    /** DNSKEY records, the key in base64 as a zone file writes it. */
    dnskey?: Array<{ flags: number; protocol: number; algorithm: number; key: string }>;
    /** DS records as the parent publishes them, in zone-file form: `12345 13 2 ABCD...`. */
    ds?: string[];
    /** Answers for this name carry AD, as from a validating resolver that authenticated them. */
    authenticated?: boolean;
  }
>;

/** dns2's published types lag its code (RCODE, plain answer objects, the socket type); this is the part used here. */
const Packet = dns2.Packet as unknown as {
  TYPE: Record<"A" | "AAAA" | "TXT" | "MX" | "PTR" | "CNAME" | "SOA" | "DNSKEY" | "CAA", number>;
  CLASS: { IN: number };
  RCODE: { NXDOMAIN: number; SERVFAIL: number };
  createResponseFromRequest(request: unknown): { header: { rcode: number; ad: number }; answers: object[] };
};
/** DS (RFC 4034 §5), which dns2 has no name for: its RDATA goes out as the bytes given. */
const TYPE_DS = 43;

/** A DS in zone-file form as its RDATA: key tag, algorithm, digest type, digest. */
function dsRdata(text: string): Buffer {
  const [tag, algorithm, digestType, ...digest] = text.trim().split(/\s+/);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(Number(tag), 0);
  head.writeUInt8(Number(algorithm), 2);
  head.writeUInt8(Number(digestType), 3);
  return Buffer.concat([head, Buffer.from(digest.join(""), "hex")]);
}

const txtStrings = (text: string | string[]) => (Array.isArray(text) ? text.map((s) => Buffer.from(s, "latin1")) : splitTxtStrings(text));

export async function startDnsServer(zone: Zone): Promise<{ port: number; close(): Promise<void> }> {
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request) as ReturnType<typeof Packet.createResponseFromRequest> & Parameters<typeof send>[0];
      const [question] = request.questions;
      const type = Object.entries(Packet.TYPE).find(([, code]) => code === question.type)?.[0];
      let name = question.name;
      const chased = new Set<string>();
      for (;;) {
        const records = zone[name.toLowerCase()];
        if (!records) {
          response.header.rcode = Packet.RCODE.NXDOMAIN;
          return send(response);
        }
        if (records.servfail?.some((t) => t === type) || chased.has(name.toLowerCase())) {
          response.header.rcode = Packet.RCODE.SERVFAIL;
          response.answers.length = 0;
          return send(response);
        }
        const answer = { name, type: question.type, class: Packet.CLASS.IN, ttl: 300 };
        if (records.cname !== undefined && type !== "CNAME") {
          chased.add(name.toLowerCase());
          response.answers.push({ ...answer, type: Packet.TYPE.CNAME, domain: records.cname.replace(/\.$/, "") });
          name = records.cname.replace(/\.$/, "");
          continue;
        }
        if (type === "A") for (const address of records.a ?? []) response.answers.push({ ...answer, address });
        if (type === "AAAA") for (const address of records.aaaa ?? []) response.answers.push({ ...answer, address });
        if (type === "TXT") for (const text of records.txt ?? []) response.answers.push({ ...answer, data: txtStrings(text) });
        if (type === "MX") for (const mx of records.mx ?? []) response.answers.push({ ...answer, ...mx });
        if (type === "PTR") for (const domain of records.ptr ?? []) response.answers.push({ ...answer, domain: domain.replace(/\.$/, "") });
        if (type === "CAA") for (const caa of records.caa ?? []) response.answers.push({ ...answer, ...caa });
        if (type === "CNAME" && records.cname !== undefined) response.answers.push({ ...answer, domain: records.cname.replace(/\.$/, "") });
        if (type === "SOA" && records.soa)
          response.answers.push({ ...answer, ...records.soa, serial: 1, refresh: 3600, retry: 600, expiration: 86400, minimum: 300 });
        if (type === "DNSKEY") for (const key of records.dnskey ?? []) response.answers.push({ ...answer, ...key });
        if (question.type === TYPE_DS) for (const ds of records.ds ?? []) response.answers.push({ ...answer, data: dsRdata(ds) });
        if (records.authenticated) response.header.ad = 1;
        return send(response);
      }
    },
  });
  await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const port = (server.addresses().udp as AddressInfo).port;
  return { port, close: () => server.close() };
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface WebServers {
  httpsPort: number;
  httpPort: number;
  close(): Promise<void>;
}

/**
 * An HTTPS server choosing its certificate by SNI (`certificates[host]`, else `fallback`) and
 * an HTTP server, both answering with `handler`. `tls` sets the protocol range and ciphers.
 */
export async function startWebServers(options: {
  certificates: Record<string, { cert: string; key: string }>;
  fallback: { cert: string; key: string };
  handler: Handler;
  httpHandler: Handler;
  tls?: { minVersion?: "TLSv1" | "TLSv1.2"; ciphers?: string };
}): Promise<WebServers> {
  const contexts = new Map<string, SecureContext>(
    Object.entries(options.certificates).map(([host, pair]) => [host, createSecureContext({ ...pair, ...options.tls })]),
  );
  const https: HttpsServer = createHttpsServer(
    {
      ...options.fallback,
      ...options.tls,
      SNICallback: (name, callback) => callback(null, contexts.get(name) ?? createSecureContext({ ...options.fallback, ...options.tls })),
    },
    options.handler,
  );
  const http: HttpServer = createHttpServer(options.httpHandler);
  await Promise.all([
    new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve)),
    new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve)),
  ]);
  return {
    httpsPort: (https.address() as AddressInfo).port,
    httpPort: (http.address() as AddressInfo).port,
    close: async () => {
      https.closeAllConnections();
      http.closeAllConnections();
      await Promise.all([new Promise((resolve) => https.close(resolve)), new Promise((resolve) => http.close(resolve))]);
    },
  };
}
