// Where the repository and the testbed's scripts live, derived from this file's
// location so the harness works from any working directory (dist/e2e/harness/).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Absolute path of the repository root. */
export const repoRoot: string = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The script that builds or reuses the control-plane binaries. */
export const buildScript: string = path.join(repoRoot, 'e2e', 'testbed', 'build.sh');
