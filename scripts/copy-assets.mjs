// Copies non-TypeScript assets that the compiled program reads at run time
// (the protobuf schema) next to the compiled output, so `dist/` is self-contained.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/proto', { recursive: true });
cpSync('proto', 'dist/proto', { recursive: true });

// The bin entries must be executable for `npx redis-crdt-sidecar` (tsc writes 0644 files).
import { chmodSync, existsSync, readFileSync } from 'node:fs';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
for (const path of Object.values(pkg.bin ?? {})) if (existsSync(path)) chmodSync(path, 0o755);
