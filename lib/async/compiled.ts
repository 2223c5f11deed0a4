/**
 * Paths of compiled library modules for worker threads and other processes, which cannot load
 * TypeScript. From the package (dist/cjs) a module sits beside its siblings as `.js`. When the
 * library runs from its TypeScript sources (tests, ts-node), lib/ is transpiled once into
 * build/dev-lib-<hash>/ (hash of the sources, so an edit never runs stale code and concurrent test
 * processes share one copy; only lib/async and what it imports are compiled); that directory sits as deep below the package root as dist/cjs does,
 * so the copy of native.ts there finds build/Release/descent.node the same way.
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** lib/ or dist/cjs/: the directory above this file's. */
const libRoot = path.dirname(__dirname);
let devRoot: string | undefined;

function listTs(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listTs(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** lib/async/** and every lib file they import, transitively (relative imports only). */
function asyncClosure(): string[] {
  const seen = new Set<string>();
  const todo = listTs(path.join(libRoot, 'async'));
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(f), m[1]!);
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
      if (hit) todo.push(hit);
    }
  }
  return [...seen].sort();
}

function transpileLib(): string {
  const files = asyncClosure();
  const hash = createHash('sha256');
  const texts = files.map((f) => {
    const t = fs.readFileSync(f, 'utf8');
    hash.update(path.relative(libRoot, f)).update('\0').update(t).update('\0');
    return t;
  });
  const out = path.join(path.dirname(libRoot), 'build', `dev-lib-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(out)) return out;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  // Written to a private directory and renamed into place, so no process ever loads a half-written tree.
  const partial = `${out}.${process.pid}.${Date.now()}.tmp`;
  files.forEach((f, i) => {
    const js = ts.transpileModule(texts[i]!, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: f,
    }).outputText;
    const dest = path.join(partial, path.relative(libRoot, f).replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  });
  try {
    fs.renameSync(partial, out);
  } catch {
    fs.rmSync(partial, { recursive: true, force: true }); // another process won the race
  }
  return out;
}

/**
 * The absolute path of the compiled module `rel` (relative to lib/, without extension, e.g.
 * `'async/in-process/open'`), building a development copy first when running from sources.
 */
export function compiledModule(rel: string): string {
  if (__filename.endsWith('.js')) return path.join(libRoot, `${rel}.js`);
  devRoot ??= transpileLib();
  return path.join(devRoot, `${rel}.js`);
}
