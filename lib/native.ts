/**
 * The one place that loads the compiled addon and types its surface.
 *
 * Lookup order: `build/Release/descent.node` (a local build), then
 * `prebuilds/<platform>-<arch>/*.node` (prebuildify's layout, shipped in the npm package).
 * When neither loads, the error names the platform and the command that builds from source.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KernelSet, PackedKernelSet } from './kernels';
import type { ObjectiveAddon } from './objectives/addon-types';
import type { DataAddon } from './data/addon-types';
import type { TrainAddon } from './train/addon-types';
import type { HogwildAddon } from './parallel/addon-types';

/** What {@link nativeInfo} reports about the loaded binary. */
export interface NativeInfo {
  /** The instruction set the kernels run with now: `'scalar' | 'avx2' | 'avx512' | 'neon'`. */
  isa: string;
  /** Every instruction set this binary has and this CPU can run, from worst to best. */
  isasAvailable: string[];
  /** Threads one large kernel call may use (the caller's own included). */
  threads: number;
  /** Cores the machine reports. */
  hardwareThreads: number;
  /** Dense calls with fewer elements than this stay on one thread. */
  parallelMinElements: number;
  /** Node-API version the addon was built against. */
  napiVersion: number;
  /** Compiler that built the addon. */
  compiler: string;
  /** Package version. */
  version: string;
  /** Absolute path of the `.node` file that was loaded. */
  binary: string;
}

/** @internal The raw addon: kernels plus a few controls. */
export interface NativeAddon extends KernelSet, PackedKernelSet, ObjectiveAddon, DataAddon, TrainAddon, HogwildAddon {
  info(): Omit<NativeInfo, 'version' | 'binary'>;
  setIsa(isa: string): void;
  setThreads(threads: number): void;
  setParallelMinElements(n: number): void;
}

/** The package root: dist/cjs/native.js and lib/native.ts both sit two levels below it. */
function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
}

function candidates(root: string): string[] {
  const out = [path.join(root, 'build', 'Release', 'descent.node')];
  const prebuiltDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (fs.existsSync(prebuiltDir)) {
    const files = fs.readdirSync(prebuiltDir).filter((f) => f.endsWith('.node'));
    // Prefer a glibc build over musl unless this process runs on musl.
    const musl = isMusl();
    files.sort((a, b) => Number(a.includes('musl') !== musl) - Number(b.includes('musl') !== musl));
    out.push(...files.map((f) => path.join(prebuiltDir, f)));
  }
  return out;
}

function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

let loaded: { addon: NativeAddon; binary: string; version: string } | undefined;

/** @internal Loads the addon once and returns it; throws an Error that says how to fix a failed load. */
export function addon(): NativeAddon {
  if (loaded) return loaded.addon;
  const root = packageRoot();
  const tried: string[] = [];
  for (const file of candidates(root)) {
    if (!fs.existsSync(file)) continue;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const mod = require(file) as NativeAddon;
      const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
      loaded = { addon: mod, binary: file, version };
      return mod;
    } catch (err) {
      const msg = (err as Error).message;
      // DESCENT_ISA problems come from the addon itself and are already actionable.
      if (msg.includes('DESCENT_ISA')) throw err;
      tried.push(`${file}: ${msg}`);
    }
  }
  throw new Error(
    `descent: no native binary loads on ${process.platform}-${process.arch} (Node ${process.versions.node}, ` +
      `Node-API ${process.versions.napi}). ` +
      (tried.length ? `Tried:\n  ${tried.join('\n  ')}\n` : 'No build/Release/descent.node and no matching prebuild. ') +
      `Build from source with \`npm rebuild descent --build-from-source\` (needs python3, make and a C++17 compiler), ` +
      `or from a clone: \`npm run build:native\`.`,
  );
}

/**
 * Reports the loaded binary: the instruction set in use, the ones available, the thread count,
 * the package version and the file that was loaded.
 */
export function nativeInfo(): NativeInfo {
  const a = addon();
  return { ...a.info(), version: loaded!.version, binary: loaded!.binary };
}

/**
 * Switches every kernel to another instruction-set path at run time (for tests and benchmarks;
 * `DESCENT_ISA` does the same at load). Throws RangeError for a path this CPU or build lacks.
 * @param isa - `'scalar' | 'avx2' | 'avx512' | 'neon'`
 */
export function setIsa(isa: string): void {
  if (typeof isa !== 'string') throw new TypeError(`isa must be a string, got ${typeof isa}`);
  addon().setIsa(isa);
}

/**
 * Caps the threads one large kernel call may use (default: all cores, or `DESCENT_THREADS`).
 * @param threads - an integer in [1, 1024]
 */
export function setThreads(threads: number): void {
  if (typeof threads !== 'number') throw new TypeError(`threads must be a number, got ${typeof threads}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024)
    throw new RangeError(`threads must be an integer in [1, 1024], got ${threads}`);
  addon().setThreads(threads);
}

/**
 * Sets the size below which a dense kernel call stays on one thread, in elements of Adam's memory
 * traffic (28 bytes each): a rule that moves fewer bytes per element splits at proportionally more
 * elements (SGD without momentum, 12 B: 28/12 as many). Default 900 000 (about 25 MiB per call),
 * chosen by `node bench/optimizers.mjs --threads-sweep`; or `DESCENT_PARALLEL_MIN`. 0 splits every call.
 * @param n - a non-negative integer (Adam-equivalent elements)
 */
export function setParallelMinElements(n: number): void {
  if (typeof n !== 'number') throw new TypeError(`n must be a number, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  addon().setParallelMinElements(n);
}
