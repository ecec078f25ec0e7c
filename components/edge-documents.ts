/**
 * Documents served from the edge: fixed text files (an MTA-STS policy, a security.txt) that a
 * small Cloudflare Worker answers at their host and path, so no origin has to serve them.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { stableJson } from "../domain/stable-json";
import { applyTransform, type Transform } from "./transform";

/** One document the Worker answers with. */
export interface EdgeDocument {
  /** The host name it is served at, fully qualified. @example "mta-sts.example.com" */
  host: string;
  /** Its path, from the root. @example "/.well-known/mta-sts.txt" */
  path: string;
  /** The text served, exactly. */
  body: string;
  /** Its Content-Type. @example "text/plain; charset=utf-8" */
  contentType: string;
  /**
   * How requests reach the Worker. `custom-domain`: the Worker is the host's origin, Cloudflare
   * makes its DNS record and certificate (a host nobody else serves, such as mta-sts.). `route`:
   * the Worker answers this one path of a proxied host the stack already declares, whose origin
   * serves everything else (Workers routes need an orange-clouded record).
   * Cloudflare: developers.cloudflare.com/workers/configuration/routing/custom-domains/ and
   * developers.cloudflare.com/workers/configuration/routing/routes/ (read 2026-12-03).
   */
  serve: "custom-domain" | "route";
}

export interface EdgeDocumentsArgs {
  /** The Cloudflare account the Worker belongs to. @example "372e67954025e0ba6aaa6d586b9e0b59" */
  accountId: pulumi.Input<string>;
  /** The zone the hosts are in. @example "023e105f4ecef8ad9ca31a8372d0c353" */
  zoneId: pulumi.Input<string>;
  /**
   * The Worker's name, unique in the account (Workers Free allows 100 Workers per account).
   * @example "launch-ready-documents-example-com"
   */
  scriptName: string;
  /** What it serves; a host and path at most once. @example [{ host: "mta-sts.example.com", path: "/.well-known/mta-sts.txt", body: "version: STSv1\r\n...", contentType: "text/plain; charset=utf-8", serve: "custom-domain" }] */
  documents: EdgeDocument[];
  /** Protect the Worker, its routes and domains from deletion (OPS-PROTECT). @default false */
  protect?: boolean;
  /**
   * Adjust what the component creates, as fields to merge into a resource's args or a function
   * that edits them and its options.
   * @example { script: { logpush: true } }
   */
  transform?: {
    script?: Transform<cloudflare.WorkersScriptArgs>;
    route?: Transform<cloudflare.WorkersRouteArgs>;
    customDomain?: Transform<cloudflare.WorkersCustomDomainArgs>;
  };
}

/** The binding the documents travel in: the bar reads them back from the declared Worker. */
export const DOCUMENTS_BINDING = "DOCUMENTS";

/**
 * The Worker: a document by `host + path` from its JSON binding, for GET and HEAD; 404 for
 * anything else. Each request is one Workers request (Workers Free: 100,000 a day, 10 ms CPU,
 * developers.cloudflare.com/workers/platform/limits/, read 2026-12-03); senders cache an MTA-STS
 * policy for its max_age and researchers read security.txt rarely, so the Free plan suffices.
 */
const WORKER_SOURCE = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const document = env.${DOCUMENTS_BINDING}[url.hostname + url.pathname];
    if (!document || (request.method !== "GET" && request.method !== "HEAD"))
      return new Response("Not found\\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return new Response(request.method === "HEAD" ? null : document.body, {
      headers: { "content-type": document.contentType, "cache-control": "max-age=300" },
    });
  },
};
`;

/** The documents as the Worker's binding holds them, keyed `host + path`. */
export function documentsBinding(documents: readonly EdgeDocument[]): Record<string, { body: string; contentType: string }> {
  return Object.fromEntries(documents.map((d) => [`${d.host}${d.path}`, { body: d.body, contentType: d.contentType }]));
}

/**
 * One Worker serving fixed documents, a custom domain per host it is the origin of and a route
 * per document on a host with its own origin. Logical names come from hosts and paths, so
 * reordering the list replaces nothing.
 */
export class EdgeDocuments extends pulumi.ComponentResource {
  public readonly script: cloudflare.WorkersScript;

  constructor(name: string, args: EdgeDocumentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeDocuments", name, {}, opts);
    const seen = new Set<string>();
    for (const d of args.documents) {
      const key = `${d.host}${d.path}`;
      if (seen.has(key)) throw new Error(`EdgeDocuments ${name}: ${key} is listed twice; serve each host and path once`);
      seen.add(key);
    }
    const children = { parent: this, protect: args.protect ?? false };
    this.script = new cloudflare.WorkersScript(
      ...applyTransform(
        args.transform?.script,
        `${name}-worker`,
        {
          accountId: args.accountId,
          scriptName: args.scriptName,
          mainModule: "worker.js",
          content: WORKER_SOURCE,
          compatibilityDate: "2025-09-01",
          bindings: [{ type: "json", name: DOCUMENTS_BINDING, json: stableJson(documentsBinding(args.documents)) }],
        },
        { ...children },
      ),
    );
    const after = { ...children, dependsOn: [this.script] };
    for (const host of [...new Set(args.documents.filter((d) => d.serve === "custom-domain").map((d) => d.host))].sort()) {
      new cloudflare.WorkersCustomDomain(
        ...applyTransform(
          args.transform?.customDomain,
          `${name}-domain-${host}`,
          { accountId: args.accountId, zoneId: args.zoneId, hostname: host, service: args.scriptName },
          { ...after },
        ),
      );
    }
    for (const d of args.documents.filter((d) => d.serve === "route")) {
      new cloudflare.WorkersRoute(
        ...applyTransform(
          args.transform?.route,
          `${name}-route-${d.host}${d.path}`,
          { zoneId: args.zoneId, pattern: `${d.host}${d.path}`, script: args.scriptName },
          { ...after },
        ),
      );
    }
    this.registerOutputs({});
  }
}
