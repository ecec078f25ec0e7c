import { BAR_IDS } from "../../domain/bar/catalog";
import type { BarRule } from "../bar";
import { dnsCanonical } from "./dns-canonical";
import { dnsDnssec } from "./dns-dnssec";
import { dnsProxied } from "./dns-proxied";
import { dnsSane } from "./dns-sane";
import { dnsSubdomains } from "./dns-subdomains";
import { edgeAdmin } from "./edge-admin";
import { edgeBots } from "./edge-bots";
import { edgeCachePrivate, edgeCacheStatic } from "./edge-cache";
import { edgeCors } from "./edge-cors";
import { edgeDdos } from "./edge-ddos";
import { edgeHeaders } from "./edge-headers";
import { edgeRateLimit } from "./edge-rate-limit";
import { edgeWaf } from "./edge-waf";
import { mailDkim } from "./mail-dkim";
import { mailDmarc } from "./mail-dmarc";
import { mailParked } from "./mail-parked";
import { mailSpf } from "./mail-spf";
import { mailTransport } from "./mail-transport";
import { monDetect5min } from "./mon-detect-5min";
import { monHuman } from "./mon-human";
import { monLatency } from "./mon-latency";
import { monUptime } from "./mon-uptime";
import { opsDrift } from "./ops-drift";
import { opsHandover } from "./ops-handover";
import { opsProtect } from "./ops-protect";
import { opsRequestId } from "./ops-request-id";
import { opsSecurityTxt } from "./ops-security-txt";
import { aiTimeout, perfErrors, perfP95 } from "./perf-budgets";
import { secEnvSeparation } from "./sec-env-separation";
import { secNoPlaintext } from "./sec-no-plaintext";
import { secStore } from "./sec-store";
import { tlsCaa } from "./tls-caa";
import { tlsHsts } from "./tls-hsts";
import { tlsHttpsOnly } from "./tls-https-only";
import { tlsStrict } from "./tls-strict";
import { tlsVersion } from "./tls-version";

/** Every bar item with a declared check, in minimum-bar.md's order. */
export const BAR_RULES: readonly BarRule[] = [
  dnsCanonical,
  dnsSubdomains,
  dnsProxied,
  dnsSane,
  tlsStrict,
  tlsHttpsOnly,
  tlsVersion,
  tlsHsts,
  edgeHeaders,
  edgeCacheStatic,
  edgeCachePrivate,
  edgeWaf,
  edgeRateLimit,
  edgeDdos,
  edgeAdmin,
  edgeCors,
  mailSpf,
  mailDkim,
  mailDmarc,
  mailParked,
  secNoPlaintext,
  secStore,
  secEnvSeparation,
  monUptime,
  monDetect5min,
  monHuman,
  opsProtect,
  opsHandover,
  perfP95,
  perfErrors,
  aiTimeout,
  dnsDnssec,
  opsDrift,
  tlsCaa,
  edgeBots,
  opsRequestId,
  mailTransport,
  opsSecurityTxt,
  monLatency,
].sort((a, b) => BAR_IDS.indexOf(a.id) - BAR_IDS.indexOf(b.id));
