// Compiles lib/ to CommonJS in dist/cjs (with .d.ts), then writes the ESM entry dist/esm/index.mjs
// as a thin re-export of the CommonJS build, so both module systems share one instance (and one
// loaded addon) instead of two copies with separate state.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
mkdirSync(join(root, 'dist', 'esm'), { recursive: true });
const banner = '// ESM entry: re-exports the CommonJS build (one instance for both module systems).\n';
writeFileSync(join(root, 'dist', 'esm', 'index.mjs'), `${banner}export * from '../cjs/index.js';\n`);
writeFileSync(join(root, 'dist', 'esm', 'index.d.mts'), `${banner}export * from '../cjs/index.js';\n`);
