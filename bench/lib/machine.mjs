// What the numbers were measured on, and how busy the machine was meanwhile: on a shared 2-core VM
// other processes can take a core, and a reader of the results should know.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function readOr(path, fallback) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The CPU model and the SIMD flags that matter for our kernels, from /proc/cpuinfo. */
function cpuFromProc() {
  const text = readOr('/proc/cpuinfo', '');
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const flags = new Set((field('flags') ?? field('Features') ?? '').split(/\s+/));
  const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'asimd'].filter((f) => flags.has(f));
  return { model: field('model name') ?? os.cpus()[0]?.model ?? 'unknown', simdFlags: simd };
}

/** Machine and software description for latest.json. */
export function machineInfo(nativeInfo) {
  const cpu = cpuFromProc();
  return {
    cpuModel: cpu.model,
    simdFlags: cpu.simdFlags,
    logicalCpus: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    node: process.version,
    v8: process.versions.v8,
    native: nativeInfo,
  };
}

/** Busy and total CPU time of the whole machine (all cores) from /proc/stat, in clock ticks. */
function machineTicks() {
  const line = readOr('/proc/stat', '').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  if (v.length < 4 || v.some((x) => !Number.isFinite(x))) return null;
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU ticks (user + system) of one process from /proc/<pid>/stat, with its waited-for children. */
function processTicks(pid) {
  const text = readOr(`/proc/${pid}/stat`, '');
  if (!text) return null;
  // Fields after the command name (which may contain spaces) start at field 3.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const sum = rest.slice(11, 15).reduce((a, b) => a + b, 0);
  return Number.isFinite(sum) ? sum : null;
}

/**
 * Starts watching the machine's load. The returned function stops and reports how many cores were
 * busy on average during the window: in all, and by other processes than this benchmark (its own
 * process, its finished children and the live child processes `childPids()` names subtracted),
 * so that a reader can tell a quiet measurement from one that shared the machine.
 * @param {() => number[]} [childPids] live child processes that belong to the benchmark
 */
export function watchLoad(childPids = () => []) {
  const ours = () => [process.pid, ...childPids()].reduce((sum, pid) => sum + (processTicks(pid) ?? 0), 0);
  const t0 = machineTicks();
  const own0 = ours();
  const start = Date.now();
  return () => {
    const t1 = machineTicks();
    const own1 = ours();
    const seconds = Math.round((Date.now() - start) / 100) / 10;
    if (!t0 || !t1 || t1.total === t0.total) return { seconds, busyCores: null, busyCoresOthers: null };
    const perTick = os.cpus().length / (t1.total - t0.total);
    const round = (x) => Math.round(x * 100) / 100;
    const busy = (t1.busy - t0.busy) * perTick;
    return { seconds, busyCores: round(busy), busyCoresOthers: round(Math.max(0, busy - (own1 - own0) * perTick)) };
  };
}
