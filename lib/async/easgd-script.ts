/**
 * Where the EASGD worker script is. In the package it is dist/cjs/async/easgd-worker.js, next to the
 * compiled easgd.js. When the library runs from its TypeScript source (tests), the worker and the
 * loop it imports are transpiled on their own into a directory under the temp directory (named by a
 * hash of the output, so a stale copy is never used), because they import nothing else of ours.
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The files a worker thread needs, without extension; the first one is the entry. */
const FILES = ['easgd-worker', 'easgd-loop'];

/** Returns the path of a runnable worker script (see the module docs). */
export function easgdWorkerScript(): string {
  const beside = path.join(__dirname, `${FILES[0]}.js`);
  if (fs.existsSync(beside)) return beside;
  const sources = FILES.map((name) => path.join(__dirname, `${name}.ts`));
  const missing = sources.find((file) => !fs.existsSync(file));
  if (missing) throw new Error(`easgd: the worker script ${beside} is missing; build it with \`npm run build:ts\``);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  const compiled = sources.map((file) => ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText);
  const hash = createHash('sha256');
  for (const text of compiled) hash.update(text);
  const dir = path.join(os.tmpdir(), `descent-easgd-${hash.digest('hex').slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  // CommonJS whatever a package.json above the temp directory says.
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, '{"type":"commonjs"}\n');
  FILES.forEach((name, i) => {
    const file = path.join(dir, `${name}.js`);
    if (fs.existsSync(file)) return;
    // Write then rename, so a concurrent test process never loads a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, compiled[i]!);
    fs.renameSync(partial, file);
  });
  return path.join(dir, `${FILES[0]}.js`);
}
