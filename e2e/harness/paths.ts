// Where the repository and the testbed's scripts live, derived from this file's
// location so the harness works from any working directory (dist/e2e/harness/).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Absolute path of the repository root. */
export const repoRoot: string = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The script that builds or reuses the control-plane binaries. */
export const buildScript: string = path.join(repoRoot, 'e2e', 'testbed', 'build.sh');

/**
 * Where pods see the repository. A pod's volumes may cover the repo's real path (an
 * emptyDir at /tmp hides a checkout under /tmp), so every container gets the repo
 * bind-mounted here before its volumes are mounted; programs from dist/ run from here.
 */
export const repoInPod = '/run/redis-crdt-e2e-repo';
