import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointError, decodeCheckpoint, encodeCheckpoint, loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync,
} from '../lib/checkpoint';
import type { Checkpoint } from '../lib/checkpoint';
import { Adam, ReduceLROnPlateau, SeededRandom, SGD, Xoshiro128 } from '../lib/index';

const root = path.resolve(__dirname, '..');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-ckpt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A checkpoint with every kind of content: optimizer state, named params, a plateau schedule (best = Infinity), rng state, odd numbers. */
function sample(): Checkpoint {
  const w = Float32Array.from([1, -0, NaN, Infinity, 3.4e38, 1e-45]);
  new Uint32Array(w.buffer)[2] = 0x7fc00123; // a NaN with a payload must survive too
  const b = Float32Array.from([0.5]);
  const opt = new Adam([w, b], { lr: 0.01 });
  opt.step([new Float32Array(6).fill(0.1), Float32Array.from([0.2])]);
  const sched = new ReduceLROnPlateau(opt, { mode: 'min', patience: 2 });
  sched.step(1.5);
  const rng = new SeededRandom(42);
  rng.normal();
  return {
    optimizer: opt.stateDict(),
    params: { w, b },
    schedule: sched.stateDict(),
    rngState: rng.state(),
    meta: { epoch: 3, loss: NaN, best: -Infinity, zero: -0, tags: ['a', null], $ref: 'kept', nested: { xs: Uint32Array.from([1, 2, 3]) } },
  };
}

describe('checkpoint round trip', () => {
  it('gives back every field, with float arrays bit for bit (NaN payloads, -0, Infinity)', () => {
    const data = sample();
    const file = path.join(dir, 'a.ckpt');
    saveCheckpointSync(file, data);
    const back = loadCheckpointSync(file);
    const params = back.params as Record<string, Float32Array>;
    expect(bits(params.w!)).toEqual(bits((data.params as Record<string, Float32Array>).w!));
    expect(params.w).toBeInstanceOf(Float32Array);
    expect(back.optimizer).toEqual(data.optimizer);
    expect(back.schedule).toEqual(data.schedule);
    expect(back.rngState).toEqual(data.rngState);
    expect(back.meta).toEqual(data.meta);
    expect(Object.is((back.meta as { zero: number }).zero, -0)).toBe(true);
    expect((back.meta as { nested: { xs: unknown } }).nested.xs).toBeInstanceOf(Uint32Array);
  });

  it('restores an optimizer, schedule and generator that continue exactly like the originals', async () => {
    const p = Float32Array.from([1, 2, 3]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const rng = new Xoshiro128(5);
    for (let i = 0; i < 3; i++) opt.step([Float32Array.from([rng.nextFloat(), 1, -1])]);
    const file = path.join(dir, 'b.ckpt');
    await saveCheckpoint(file, { optimizer: opt.stateDict(), params: [p], rngState: rng.state });
    const back = await loadCheckpoint(file);
    const p2 = (back.params as Float32Array[])[0]!;
    const opt2 = new SGD([p2], { lr: 0.1, momentum: 0.9 });
    opt2.loadStateDict(back.optimizer!);
    const rng2 = new Xoshiro128(back.rngState as Uint32Array);
    const g = (r: Xoshiro128): Float32Array => Float32Array.from([r.nextFloat(), 1, -1]);
    opt.step([g(rng)]);
    opt2.step([g(rng2)]);
    expect(bits(p2)).toEqual(bits(p));
  });

  it('an async save writes the arrays as they were at the call, even if training changes them before it finishes', async () => {
    const p = new Float32Array(100_000).fill(1);
    const file = path.join(dir, 'h.ckpt');
    const saving = saveCheckpoint(file, { params: [p] });
    p.fill(2);
    await saving;
    expect((loadCheckpointSync(file).params as Float32Array[])[0]!.every((v) => v === 1)).toBe(true);
  });

  it('stores float arrays as raw little-endian bytes, not as JSON numbers', () => {
    const a = Float32Array.from([1.5, -2.25, 3]);
    const image = Buffer.from(encodeCheckpoint({ params: [a] }));
    expect(image.indexOf(Buffer.from(a.buffer))).toBeGreaterThan(0);
    expect(image.toString('latin1')).not.toContain('1.5');
  });

  it('saves a view of a larger buffer (a SharedArrayBuffer too) as just the view', () => {
    const shared = new Float32Array(new SharedArrayBuffer(40)).map((_, i) => i);
    const back = decodeCheckpoint(encodeCheckpoint({ params: [shared.subarray(3, 6)] }));
    expect(Array.from((back.params as Float32Array[])[0]!)).toEqual([3, 4, 5]);
  });

  it('rejects data a checkpoint cannot hold with a TypeError naming the field, and writes nothing', () => {
    const file = path.join(dir, 'c.ckpt');
    expect(() => saveCheckpointSync(file, { meta: { f: () => 1 } } as never)).toThrow(/meta\.f is a function/);
    expect(() => saveCheckpointSync(file, { params: [new Float64Array(2)] } as never)).toThrow(TypeError);
    expect(() => saveCheckpointSync(file, { weights: [] } as never)).toThrow(/unknown field 'weights'/);
    expect(() => saveCheckpointSync(file, { optimizer: { state: [] } } as never)).toThrow(TypeError);
    expect(() => saveCheckpointSync(file, { meta: { when: new Date() } })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => saveCheckpointSync(file, { meta: cyclic })).toThrow(/cycle/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('damaged checkpoint files', () => {
  const saved = (): { file: string; bytes: Buffer } => {
    const file = path.join(dir, 'd.ckpt');
    saveCheckpointSync(file, sample());
    return { file, bytes: fs.readFileSync(file) };
  };
  const codeOf = (file: string): string | undefined => {
    try {
      loadCheckpointSync(file);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(CheckpointError);
      return (err as CheckpointError).code;
    }
  };
  const rewrite = (file: string, bytes: Uint8Array): string => {
    fs.writeFileSync(file, bytes);
    return file;
  };

  it('a flipped byte anywhere in the payload is reported as ECHECKSUM', () => {
    const { file, bytes } = saved();
    for (const at of [56, 60, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const b = Buffer.from(bytes);
      b[at]! ^= 0x10;
      expect(codeOf(rewrite(file, b))).toBe('ECHECKSUM');
    }
  });

  it('a changed stored checksum is reported as ECHECKSUM', () => {
    const { file, bytes } = saved();
    const b = Buffer.from(bytes);
    b[30]! ^= 1;
    expect(codeOf(rewrite(file, b))).toBe('ECHECKSUM');
  });

  it('a truncated file is reported as ETRUNCATED (EFORMAT when even the magic is cut)', () => {
    const { file, bytes } = saved();
    expect(codeOf(rewrite(file, bytes.subarray(0, bytes.length - 1)))).toBe('ETRUNCATED');
    expect(codeOf(rewrite(file, bytes.subarray(0, 40)))).toBe('ETRUNCATED');
    expect(codeOf(rewrite(file, bytes.subarray(0, 5)))).toBe('EFORMAT');
    expect(codeOf(rewrite(file, new Uint8Array(0)))).toBe('EFORMAT');
  });

  it('another format version is reported as EVERSION', () => {
    const { file, bytes } = saved();
    const b = Buffer.from(bytes);
    b.writeUInt32LE(2, 8);
    expect(codeOf(rewrite(file, b))).toBe('EVERSION');
  });

  it('a file that is not a checkpoint, or has bytes after the payload, is reported as EFORMAT', () => {
    const { file, bytes } = saved();
    expect(codeOf(rewrite(file, Buffer.from('{"optimizer": {}}')))).toBe('EFORMAT');
    expect(codeOf(rewrite(file, Buffer.concat([bytes, Buffer.from([0])])))).toBe('EFORMAT');
  });

  it('the async loader reports the same codes, and passes file-system errors through', async () => {
    const { file, bytes } = saved();
    const b = Buffer.from(bytes);
    b[b.length - 2]! ^= 1;
    await expect(loadCheckpoint(rewrite(file, b))).rejects.toMatchObject({ name: 'CheckpointError', code: 'ECHECKSUM' });
    await expect(loadCheckpoint(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('atomic saves', () => {
  it('replaces an existing checkpoint and leaves no temporary file', async () => {
    const file = path.join(dir, 'e.ckpt');
    saveCheckpointSync(file, { meta: { v: 1 } });
    await saveCheckpoint(file, { meta: { v: 2 } });
    expect(loadCheckpointSync(file).meta).toEqual({ v: 2 });
    expect(fs.readdirSync(dir)).toEqual(['e.ckpt']);
  });

  it('a save that fails keeps the previous checkpoint and removes its temporary file', async () => {
    const file = path.join(dir, 'f.ckpt');
    saveCheckpointSync(file, { meta: { v: 1 } });
    // A directory where the file should go: the rename fails after the temporary file was written.
    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(path.join(blocked, 'inner'), { recursive: true });
    expect(() => saveCheckpointSync(blocked, { meta: { v: 2 } })).toThrow();
    await expect(saveCheckpoint(blocked, { meta: { v: 2 } })).rejects.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['blocked', 'f.ckpt']);
    expect(loadCheckpointSync(file).meta).toEqual({ v: 1 });
  });

  const hasStrace = spawnSync('strace', ['-V']).status === 0;
  it.skipIf(!hasStrace)('fsyncs the temporary file, renames it over the target, then fsyncs the directory (seen with strace)', () => {
    const file = path.join(dir, 'g.ckpt');
    const code = `import { registerTypeScript } from ${JSON.stringify(path.join(root, 'scripts/fuzz.mjs'))};
      const { saveCheckpointSync } = registerTypeScript()(${JSON.stringify(path.join(root, 'lib/checkpoint.ts'))});
      saveCheckpointSync(${JSON.stringify(file)}, { meta: { v: 1 } });`;
    const r = spawnSync('strace', ['-f', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', process.execPath, '--input-type=module', '-e', code],
      { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /fsync|rename/.test(l));
    const renameAt = lines.findIndex((l) => l.includes('rename') && l.includes('g.ckpt'));
    expect(renameAt).toBeGreaterThan(0);
    expect(lines.slice(0, renameAt).some((l) => /fsync/.test(l))).toBe(true);
    expect(lines.slice(renameAt + 1).some((l) => /fsync/.test(l))).toBe(true);
  });
});

describe('a writer killed with SIGKILL at random moments', () => {
  /** Starts the writer, waits for `minSaves` saves plus a random delay, then kills it; returns the last generation it reported saved. */
  function killWriter(file: string, first: number, mode: 'sync' | 'async', delayMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'test/fixtures/checkpoint-writer.mjs'), file, String(first), mode],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let saved = first - 1, out = '', err = '', timer: NodeJS.Timeout | undefined;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        out = lines.pop()!;
        for (const l of lines) saved = Number(l.slice('saved '.length));
        if (!timer) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      });
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(saved) : reject(new Error(`writer exited ${code}: ${err}`))));
    });
  }

  it('leaves the previous or the new checkpoint intact every time (24 kills)', async () => {
    const file = path.join(dir, 'run.ckpt');
    let generation = 1;
    let lastSeen = 0;
    for (let k = 0; k < 24; k++) {
      const delay = Math.floor(Math.random() * 40);
      const reported = await killWriter(file, generation, k % 2 ? 'async' : 'sync', delay);
      const ckpt = loadCheckpointSync(file); // throws (ECHECKSUM, ETRUNCATED...) on a torn file
      const g = (ckpt.meta as { generation: number }).generation;
      // The file holds the last save the writer reported, or the one after it (renamed before the report).
      expect(g === reported || g === reported + 1).toBe(true);
      expect(g).toBeGreaterThan(lastSeen);
      const [a, b] = ckpt.params as Float32Array[];
      expect(a!.length).toBe((ckpt.meta as { n: number }).n);
      expect(a!.every((v) => v === g)).toBe(true);
      expect(b!.every((v) => v === -g)).toBe(true);
      lastSeen = g;
      generation = g + 1;
    }
  }, 120_000);
});
