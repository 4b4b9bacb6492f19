// Finds the control-plane binaries: runs e2e/testbed/build.sh, which reuses the
// cached build in ~/.cache/redis-crdt/k8s-<version>/bin (about a second) or
// builds it (many minutes on two cores, progress on stderr). E2E_BIN_DIR skips
// the script for a prebuilt directory.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { buildScript } from './paths.js';

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'helm'] as const;

/** Resolves with the directory holding etcd, kube-apiserver, kube-controller-manager, kubectl and helm. */
export async function ensureBinaries(): Promise<string> {
  const preset = process.env['E2E_BIN_DIR'];
  const dir = preset ?? (await runBuildScript());
  for (const b of BINARIES) {
    if (!fs.existsSync(`${dir}/${b}`)) throw new Error(`Missing ${b} in ${dir}; run: bash e2e/testbed/build.sh`);
  }
  return dir;
}

function runBuildScript(): Promise<string> {
  return new Promise((resolve, reject) => {
    // stderr is inherited so a cold build shows its progress in the test output.
    const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = out.trim().split('\n').pop() ?? '';
      if (code === 0 && dir) resolve(dir);
      else reject(new Error(`e2e/testbed/build.sh failed with exit code ${code ?? 'null'}`));
    });
  });
}
