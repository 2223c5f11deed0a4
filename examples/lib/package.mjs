// What every example script that runs against the built package needs: the package itself, from
// dist/ (so a clone runs its own build, not an installed copy), and file names short enough to print.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Relative to the working directory when under it, else absolute. */
export function shortPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

/**
 * The package's ES module entry under `root` (the repository or the installed package).
 * @param {string} root
 * @returns {Promise<Record<string, any>>}
 */
export async function loadPackage(root) {
  const entry = path.join(root, 'dist', 'esm', 'index.mjs');
  if (!fs.existsSync(entry)) throw new Error(`${shortPath(entry)} is missing: build the package first (npm run build).`);
  return import(pathToFileURL(entry).href);
}

/**
 * Parses the command line with `parse` (which throws on a bad argument) and handles the two ways a
 * script ends before it starts: a usage error (the message and the usage on stderr, exit status 2)
 * and --help (the usage on stdout, 0).
 * @template {{ help: boolean }} T
 * @param {() => T} parse
 * @param {string} usage
 * @returns {{ opts: T, exitCode: null } | { opts: null, exitCode: number }}
 */
export function readCommandLine(parse, usage) {
  let opts;
  try {
    opts = parse();
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    return { opts: null, exitCode: 2 };
  }
  if (opts.help) {
    console.log(usage);
    return { opts: null, exitCode: 0 };
  }
  return { opts, exitCode: null };
}
