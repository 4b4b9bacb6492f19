// Copies non-TypeScript assets that the compiled program reads at run time
// (the protobuf schema) next to the compiled output, so `dist/` is self-contained.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/proto', { recursive: true });
cpSync('proto', 'dist/proto', { recursive: true });
