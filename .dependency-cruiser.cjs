/**
 * The kit's layers, checked in CI (`npm run layers`): each folder imports only the ones below it.
 *
 *   domain/      facts and pure rules: hostnames, Cloudflare, mail, secrets, the bar's catalog
 *   stacks/      the stack file: schema, resolution, reading       -> domain
 *   components/  Pulumi components and what they create           -> stacks, domain
 *   policies/    the bar: rules, the pack, live checks            -> components, stacks, domain
 *   scripts/     the verbs a person runs                          -> everything above
 *
 * The two Pulumi programs (index.ts, bootstrap/index.ts) compose components and are
 * imported by nothing but tests (the offline plan runs components/program.ts). library.ts is the package's public entry:
 * it re-exports from the layers and nothing of the kit imports it.
 */
const layer = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join("-") || "itself"}`,
  comment: `${from}/ may import only ${allowed.length ? allowed.map((a) => `${a}/`).join(", ") : "nothing else of the kit"}`,
  severity: "error",
  from: { path: `^${from}/` },
  to: { path: "^(domain|stacks|components|policies|scripts|bootstrap/|index\\.ts)", pathNot: [`^${from}/`, ...allowed.map((a) => `^${a}/`)] },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Files that import each other cannot be read, tested or moved one at a time.",
      from: {},
      to: { circular: true },
    },
    layer("domain", []),
    layer("stacks", ["domain"]),
    layer("components", ["stacks", "domain"]),
    layer("policies", ["components", "stacks", "domain"]),
    {
      name: "programs-are-roots",
      comment: "The Pulumi programs are composition roots: only tests load them.",
      severity: "error",
      from: { path: "^(domain|stacks|components|policies|scripts)/" },
      to: { path: "^(index\\.ts|bootstrap/)" },
    },
    {
      name: "library-is-the-public-entry",
      comment: "library.ts is what a team imports; the kit's own code imports the module that defines a thing, so the entry can change without a circle.",
      severity: "error",
      from: { path: "^(domain|stacks|components|policies|scripts|bootstrap)/|^index\\.ts$" },
      to: { path: "^library\\.ts$" },
    },
    {
      name: "library-exports-no-verbs",
      comment: "The library is components, config and the bar; verbs are reached through the launch-ready command.",
      severity: "error",
      from: { path: "^library\\.ts$" },
      to: { path: "^(scripts|bootstrap)/|^index\\.ts$" },
    },
    {
      name: "bootstrap-program",
      comment: "The bootstrap program composes the state backend component and nothing of the site.",
      severity: "error",
      from: { path: "^bootstrap/" },
      to: { path: "^(policies|scripts)/|^index\\.ts" },
    },
    {
      name: "no-pulumi-in-domain",
      comment: "domain/ holds plain functions: no Pulumi, so the plan, the pack and live checks share it.",
      severity: "error",
      from: { path: "^domain/" },
      to: { path: "node_modules/@pulumi/" },
    },
    {
      name: "verbs-are-not-libraries",
      comment: "A verb (scripts/commands/) or an entry file is imported by its entry and tests only, never by another part.",
      severity: "error",
      from: { path: "^(domain|stacks|components|policies)/|^scripts/(?!commands/|[^/]+\\.ts$)" },
      to: { path: "^scripts/(commands/|[^/]+\\.ts$)" },
    },
    { name: "no-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|test)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
