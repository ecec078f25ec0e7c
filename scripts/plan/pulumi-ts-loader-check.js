// Loads the program the way `pulumi up` does (the nodejs language host's ts-node registration in
// @pulumi/pulumi/cmd/run/run.js), then plans the given stack file offline. The test suite runs it
// to prove the Pulumi toolchain, not only tsx, compiles and resolves the kit.
const path = require("node:path");
const tsutils = require("@pulumi/pulumi/tsutils");

const root = path.join(__dirname, "..", "..");
process.chdir(root);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const [major, minor] = require(typescriptRequire).version.split(".").map(Number);
const useNodeNext = major > 4 || (major === 4 && minor >= 7);
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  },
});
const { readStackFile } = require("../../stacks/stack-file.ts");
const { planStack } = require("./plan-stack.ts");
planStack(readStackFile(process.argv[2])).then(
  (report) => process.stdout.write(JSON.stringify({ resources: report.summary.resources, bar: report.bar.map((r) => `${r.id}:${r.status}`) })),
  (error) => {
    process.stderr.write(String(error?.stack ? error.stack : error));
    process.exit(1);
  },
);
