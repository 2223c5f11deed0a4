#!/usr/bin/env node
// The `descent` command: runs the demo and the benchmark that ship with the package, and reports
// which native binary loaded. Results go to the working directory, not into node_modules.
//
//   descent demo [--quick] [--steps N] [--out DIR]
//   descent bench [--quick] [--only LIST] [--sizes LIST] [--no-peers] [--out DIR]
//   descent info [--json]
//   descent --help | --version
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromPackage = createRequire(join(root, 'package.json'));

const USAGE = `usage: descent <command> [options]

commands:
  demo   [--quick] [--steps N] [--out DIR]
         the seed's Figure 4 redrawn (every optimizer on Beale's contours and at a saddle point),
         Rosenbrock paths, loss curves and the spam-filter table; writes SVG/PNG, JSON and Markdown
         to DIR (default ./descent-demo)
  bench  [--quick] [--only LIST] [--sizes LIST] [--no-peers] [--out DIR]
         native kernels against the JS reference, the memory floor and the peers (TensorFlow.js,
         PyTorch) when installed; writes latest.json and latest.md to DIR (default ./descent-bench)
  info   [--json]
         the loaded native binary: instruction set, threads, file (--json: nativeInfo() as JSON)

options:
  -h, --help     this text (descent <command> --help: the command's own flags)
  -v, --version  the package version`;

/** Exit statuses: 2 is a usage error, as in most command-line tools. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function packageVersion() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

function usageError(message) {
  process.stderr.write(`descent: ${message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

/** The package's CommonJS build (dist/ ships in the npm package; a clone builds it). */
function loadPackage() {
  const entry = join(root, 'dist', 'cjs', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (npm run build)`);
  return createRequire(import.meta.url)(entry);
}

/** Runs a script of the package with this Node, in the caller's terminal; returns its exit status. */
function runScript(script, nodeFlags, args) {
  const file = join(root, script);
  if (!existsSync(file)) {
    process.stderr.write(`descent: ${script} is not in this installation of the package\n`);
    return EXIT_FAILURE;
  }
  const r = spawnSync(process.execPath, [...nodeFlags, file, ...args], { stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`descent: cannot run ${script}: ${r.error.message}\n`);
    return EXIT_FAILURE;
  }
  return r.status ?? EXIT_FAILURE;
}

/** The scripts' own default output folders are inside the package; a user's run belongs in the cwd. */
function withDefaultOut(args, folder) {
  if (args.includes('--help') || args.includes('-h')) return args;
  if (args.some((a) => a === '--out' || a.startsWith('--out='))) return args;
  return [...args, '--out', resolve(folder)];
}

/** Which peers the benchmark can reach from here, and how to get each missing one. */
function missingPeers() {
  const missing = [];
  const tfjs = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];
  const absent = tfjs.filter((name) => {
    try {
      requireFromPackage.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (absent.length) {
    missing.push(`TensorFlow.js is not installed (missing ${absent.join(', ')}); to include it: npm install ${tfjs.join(' ')}`);
  }
  // bench/peers/torch.mjs runs Debian's system Python when there is one: ask that same interpreter.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(python, ['-c', 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("torch") else 1)'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    missing.push(`PyTorch is not importable by ${python}; to include it: install torch for that Python (Debian: apt-get install python3-torch)`);
  }
  return missing;
}

function demo(args) {
  return runScript('examples/demo.mjs', [], withDefaultOut(args, 'descent-demo'));
}

function bench(args) {
  if (!args.includes('--no-peers') && !args.includes('--help') && !args.includes('-h')) {
    for (const line of missingPeers()) process.stderr.write(`descent bench: peer skipped: ${line}\n`);
  }
  // --expose-gc lets the benchmark collect garbage between timed rounds.
  return runScript('bench/optimizers.mjs', ['--expose-gc'], withDefaultOut(args, 'descent-bench'));
}

const INFO_USAGE = 'usage: descent info [--json]';

function info(args) {
  const unknown = args.filter((a) => a !== '--json');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${INFO_USAGE}\n`);
    return 0;
  }
  if (unknown.length) return usageError(`info: unknown argument ${unknown[0]}`);
  let nativeInfo;
  try {
    nativeInfo = loadPackage().nativeInfo();
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    return EXIT_FAILURE;
  }
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(nativeInfo, null, 2)}\n`);
    return 0;
  }
  const rows = Object.entries({ ...nativeInfo, node: process.version, platform: `${process.platform}-${process.arch}` });
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) {
    process.stdout.write(`${key.padEnd(width)}  ${Array.isArray(value) ? value.join(', ') : String(value)}\n`);
  }
  return 0;
}

const COMMANDS = { demo, bench, info };

function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined) return usageError('no command given');
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) return usageError(`unknown command '${command}'`);
  return run(rest);
}

process.exitCode = main(process.argv.slice(2));
