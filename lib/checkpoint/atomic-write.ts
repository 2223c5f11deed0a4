/**
 * Replacing a file so that a reader (or a process restarted after a crash or power loss) sees either
 * the old content or the new one, never a mix: write a temporary file in the same directory, fsync
 * it, rename it over the target (atomic on POSIX file systems), then fsync the directory so that the
 * rename itself is on disk.
 * @internal
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Pieces written in order; the first piece may be rewritten in place once the rest is known. */
export interface FileImage {
  pieces: readonly Uint8Array[];
}

function tempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Temp files of this process's saves that have not finished yet: never stale. */
const inFlight = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * The temp files in `names` (a listing of target's directory) that a save to `target` left behind
 * when its process died (SIGKILL, power loss) before the rename: named like {@link tempPath}, by a
 * process that no longer runs, or by this one but not in flight. A live process's temp file is kept,
 * so concurrent saves from other processes are not disturbed. (A process in another PID namespace
 * sharing the directory looks dead; saving to one path from two containers at once is not supported.)
 */
function staleTemps(target: string, names: readonly string[]): string[] {
  const dir = path.dirname(target), prefix = `.${path.basename(target)}.`;
  const stale: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]), file = path.join(dir, name);
    if (pid === process.pid ? !inFlight.has(file) : !processAlive(pid)) stale.push(file);
  }
  return stale;
}

/** Removes what killed saves to `target` left behind; best effort (the save itself has succeeded). */
function removeStaleTempsSync(target: string): void {
  try {
    for (const file of staleTemps(target, fs.readdirSync(path.dirname(target)))) fs.rmSync(file, { force: true });
  } catch {
    // a listing or removal refused: the next save tries again
  }
}

async function removeStaleTemps(target: string): Promise<void> {
  try {
    const stale = staleTemps(target, await fs.promises.readdir(path.dirname(target)));
    await Promise.all(stale.map((file) => fs.promises.rm(file, { force: true })));
  } catch {
    // as above
  }
}

/** Directories cannot be fsynced everywhere (Windows): those refusals are not errors. */
function ignorableDirSyncError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EACCES' || code === 'ENOTSUP';
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

export function writeFileAtomicSync(target: string, image: FileImage): void {
  const tmp = tempPath(target);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      for (const p of image.pieces) writeAllSync(fd, p);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirSync(path.dirname(target));
  removeStaleTempsSync(target);
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function writeFileAtomic(target: string, image: FileImage): Promise<void> {
  const tmp = tempPath(target);
  inFlight.add(tmp);
  try {
    await writeThenRename(tmp, target, image);
  } finally {
    inFlight.delete(tmp);
  }
  await removeStaleTemps(target);
}

async function writeThenRename(tmp: string, target: string, image: FileImage): Promise<void> {
  const handle = await fs.promises.open(tmp, 'wx', 0o644);
  try {
    try {
      for (const p of image.pieces) {
        for (let off = 0; off < p.length;) off += (await handle.write(p, off, p.length - off)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  let dir: fs.promises.FileHandle | undefined;
  try {
    dir = await fs.promises.open(path.dirname(target), 'r');
    await dir.sync();
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    await dir?.close();
  }
}
