import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The integration files that took longest in a fresh clone's run (seconds, three side by side:
 * members-directory 289, scope-matrix 216, cli-import 193, cli 176, bad-input 150, invitations 126).
 */
const LONGEST = [
  'test/integration/members-directory.test.ts',
  'test/integration/scope-matrix.test.ts',
  'test/integration/cli-import.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/bad-input.test.ts',
  'test/integration/invitations.test.ts',
];

/**
 * Vitest's order (projects in turn; within one, the files that took longest in the last run here, or the
 * largest without one), but the files known to take longest first. A clean clone has no last run, and
 * by size the directory test (a short file with a 9,000-member set-up) started late and ran on alone.
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST.indexOf(path.relative(file.project.config.root, file.moduleId));
      return index === -1 ? LONGEST.length : index;
    };
    // Within each project's run of files (super keeps them together), a stable sort by rank.
    const runs: TestSpecification[][] = [];
    for (const file of sorted) {
      const last = runs.at(-1);
      if (last?.[0]?.project.name === file.project.name) last.push(file);
      else runs.push([file]);
    }
    return runs.flatMap((run) => run.sort((a, b) => rank(a) - rank(b)));
  }
}
