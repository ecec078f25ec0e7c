/**
 * This repository's Pulumi program (Pulumi.yaml \`main\`): the kit's standard program, which reads
 * the stack file and declares everything it asks for. A founder's repository has the same file,
 * importing it from the package.
 */
import { launchReadyProgram } from "./components/program";

export = launchReadyProgram;
