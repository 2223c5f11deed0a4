/**
 * Temporary files of saves that never finished (the process was killed between writing the temp
 * file and renaming it) are removed by the next save to the same path; temp files of saves still
 * running, in this process or another live one, are left alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpointSync, saveCheckpoint, saveCheckpointSync } from '../lib/checkpoint';

const root = path.resolve(__dirname, '..');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-ckpt-temp-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** A temp file named as a save of `target` by process `pid` would name it, with half-written bytes. */
function leftover(target: string, pid: number, tag = 'a1b2c3d4e5f6'): string {
  const file = path.join(path.dirname(target), `.${path.basename(target)}.${pid}.${tag}.tmp`);
  fs.writeFileSync(file, 'half a checkpoint');
  return file;
}

const temps = (): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')).sort();

describe('stale temporary files of killed saves', () => {
  it('are removed by the next save to the same path, sync or async', async () => {
    const file = path.join(dir, 'model.ckpt');
    const dead = deadPid();
    leftover(file, dead, '000000000001');
    leftover(file, dead, '000000000002');
    saveCheckpointSync(file, { meta: { v: 1 } });
    expect(temps()).toEqual([]);
    leftover(file, dead, '000000000003');
    await saveCheckpoint(file, { meta: { v: 2 } });
    expect(temps()).toEqual([]);
    expect(loadCheckpointSync(file).meta).toEqual({ v: 2 });
  });

  it('of this process are removed too, when no save of it is running', () => {
    const file = path.join(dir, 'own.ckpt');
    leftover(file, process.pid);
    saveCheckpointSync(file, { meta: { v: 1 } });
    expect(temps()).toEqual([]);
  });

  it('are kept while the process that writes them is alive, and other files are never touched', () => {
    const file = path.join(dir, 'model.ckpt');
    const alive = process.ppid; // the test runner: alive, and not us
    const kept = [
      leftover(file, alive),
      leftover(path.join(dir, 'other.ckpt'), deadPid()), // another checkpoint's leftovers: its own save cleans them
      path.join(dir, `.model.ckpt.${deadPid()}.tmp`), // not our naming
      path.join(dir, `model.ckpt.bak`),
    ];
    fs.writeFileSync(kept[2]!, '');
    fs.writeFileSync(kept[3]!, '');
    saveCheckpointSync(file, { meta: { v: 1 } });
    expect(fs.readdirSync(dir).sort()).toEqual([...kept.map((f) => path.basename(f)), 'model.ckpt'].sort());
  });

  it('never include the temp file of a concurrent async save in this process', async () => {
    const file = path.join(dir, 'busy.ckpt');
    const big = { params: [new Float32Array(2_000_000).fill(1)] };
    // Each save's clean-up runs while others are still writing: all must land, none may lose its temp file.
    await Promise.all([
      saveCheckpoint(file, big), saveCheckpoint(file, { meta: { v: 2 } }), saveCheckpoint(file, big), saveCheckpoint(file, { meta: { v: 4 } }),
    ]);
    expect(temps()).toEqual([]);
    loadCheckpointSync(file);
  });

  it('do not pile up when writers are killed mid-save again and again (SIGKILL loop)', async () => {
    const file = path.join(dir, 'run.ckpt');
    let generation = 1;
    for (let k = 0; k < 5; k++) {
      const reported = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(root, 'test/fixtures/checkpoint-writer.mjs'), file, String(generation), k % 2 ? 'async' : 'sync'],
          { stdio: ['ignore', 'pipe', 'pipe'] });
        let saved = generation - 1, timer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (d: Buffer) => {
          const m = /saved (\d+)\n$/.exec(d.toString());
          if (m) saved = Number(m[1]);
          timer ??= setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 30));
        });
        child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(saved) : reject(new Error('writer was not killed'))));
      });
      // Each writer finished a save before it was killed, and that save removed every earlier
      // writer's leftovers: at most the last writer's own temp file remains.
      expect(temps().length).toBeLessThanOrEqual(1);
      generation = (loadCheckpointSync(file).meta as { generation: number }).generation + 1;
      expect(generation).toBeGreaterThan(reported);
    }
    saveCheckpointSync(file, { meta: { generation } });
    expect(temps()).toEqual([]);
  }, 60_000);
});
